"""Readers: .md, .html, .docx and .pdf give the parser the same text model as .txt.

Fixtures are made here from committed real texts (python-docx, reportlab), never read
from outside the repository.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from assistant.errors import CorpusError
from assistant.ingest.corpus import DocumentMeta, SourceDocument, read_document
from assistant.ingest.document import non_blank, render
from assistant.ingest.parse import parse_document
from assistant.ingest.readers import html_to_text, markdown_to_text
from assistant.library.guess import guess_metadata
from eval.parse_truth import REAL_DOCS

RULE = REAL_DOCS / "samr-price-marking-rule-2022.md"
PLAN = REAL_DOCS / "gov-new-media-opinion-2018.txt"


def _locators(text: str) -> list[str]:
    meta = DocumentMeta("d", "t", "", "", "", "d.txt")
    return [c.locator for c in parse_document(SourceDocument(meta, text)).clauses]


def test_markdown_headings_comments_and_pipe_tables() -> None:
    text = markdown_to_text("# 标题\n\n<!-- INFO END -->\n\n**第一条** 正文。\n\n| 序号 | 任务 | 牵头单位 |\n|---|---|---|\n| 1 | 做事 | 市局 |\n")
    assert "#" not in text and "INFO END" not in text and "**" not in text
    assert "1\t做事\t市局" in text


def test_markdown_reader_parses_a_real_rule_into_articles() -> None:
    locators = _locators(read_document(RULE))
    assert "第十九条/八" in locators and "第二十七条" in locators


def test_html_page_drops_navigation_and_keeps_the_table() -> None:
    body = PLAN.read_text(encoding="utf-8").split("\n")
    paragraphs = "".join(f"<p>{line}</p>" for line in body if line.strip())
    page = (
        "<html><head><title>x</title><script>var a=1;</script></head><body>"
        "<div class='nav'><a href='/'>首页</a><a href='/zc'>政策</a></div>"
        f"<div id='zoom' class='TRS_Editor'>{paragraphs}"
        "<table><tr><td>序号</td><td>任务</td><td>牵头单位</td></tr>"
        "<tr><td>1</td><td>开设整合</td><td rowspan='2'>市政务办</td></tr>"
        "<tr><td>2</td><td>内容保障</td></tr></table></div>"
        "<div class='footer'>版权所有 网站标识码</div></body></html>"
    )
    text = html_to_text(page)
    assert "首页" not in text and "版权所有" not in text and "var a" not in text
    assert "2\t内容保障\t市政务办" in text  # rowspan repeated down its column
    assert _locators(text)[: len(_locators(PLAN.read_text(encoding="utf-8")))] == _locators(
        PLAN.read_text(encoding="utf-8")
    )


def test_a_table_with_a_category_column_and_paragraphs_in_its_cells() -> None:
    # a 指标体系 table as gov.cn pages give it: the category merged down its rows, a cell of
    # several paragraphs, a narrow cell breaking a word over lines, and a QR-code line
    page = (
        "<html><body><div class='content'><p>某市积分制入户管理办法</p><p>第一条 为规范积分入户，制定本办法。</p>"
        "<p>附件</p><p>某市积分制入户指标体系及分值表</p>"
        "<table><tr><td>类 别</td><td>序 号</td><td>指 标</td><td>指标内容及分值</td></tr>"
        "<tr><td rowspan='2'>基础指标</td><td>1</td><td>合法稳定住所</td>"
        "<td><p>1. 办理居住证，每满1年计8分。</p><p>2. 合法产权住所（20分）。</p></td></tr>"
        "<tr><td>2</td><td>年龄</td><td>18—40周岁（30分）。</td></tr>"
        "<tr><td><p>减</p><p>分</p><p>指</p><p>标</p></td><td>1</td><td>信用情况</td><td>每宗减10分。</td></tr>"
        "</table><p>政策解读：https://www.example.gov.cn/zcjd/post_1.html</p>"
        "<div class='content_extended'>扫一扫在手机打开当前页</div></div></body></html>"
    )
    text = html_to_text(page)
    assert "扫一扫" not in text and "政策解读" not in text
    assert "基础指标\t1\t合法稳定住所\t1. 办理居住证，每满1年计8分。 2. 合法产权住所（20分）。" in text
    meta = DocumentMeta("d", "t", "", "", "", "d.html")
    document = parse_document(SourceDocument(meta, text))
    assert [c.locator for c in document.clauses] == ["第一条", "附表/一/1", "附表/一/2", "附表/二/1"]
    rows = {c.locator: c for c in document.clauses}
    assert rows["附表/一/2"].breadcrumb[1] == "基础指标" and rows["附表/二/1"].breadcrumb[1] == "减分指标"
    assert "每宗减10分" in rows["附表/二/1"].text
    assert non_blank(render(document)) == non_blank(text)  # the repeated category cell is kept


def test_a_page_title_outside_the_text_block_heads_the_document() -> None:
    # a regulation page as a bureau's site gives it: the title in an <h1> above the text block,
    # the <title> repeating it after the site's name, the block opening with the 公布 line
    articles = "".join(f"<p>第{n}条　第{n}条规定的内容，写得足够长，让这一块成为页面上文字最多的部分。</p>" for n in "一二三四五")
    page = (
        "<html><head><title>某市市场监督管理局网站-某某登记管理条例</title></head><body>"
        "<div class='container'><h1 class='content_title'>某某登记管理条例</h1>"
        "<div class='info'>发布日期： 2021-07-30</div>"
        f"<div class='article'><p>（2021年7月27日中华人民共和国国务院令第746号公布）</p><p>第一章　总则</p>{articles}</div>"
        "</div></body></html>"
    )
    text = html_to_text(page)
    assert text.startswith("某某登记管理条例\n（2021年7月27日")
    guessed = guess_metadata(text)
    assert (guessed.title, guessed.number, guessed.issuer) == ("某某登记管理条例", "中华人民共和国国务院令第746号", "国务院")
    # a page whose text block holds its title gets no second one
    inside = page.replace("<div class='article'>", "<div class='article'><p>某某登记管理条例</p>")
    assert html_to_text(inside).count("某某登记管理条例") == 1
    # a district site: the site's name in an <h2> above, the title in an <h4>
    district = page.replace("<h1 class='content_title'>某某登记管理条例</h1>", "<h2>某市市场监督管理局网站</h2><h4 class='xl-title'>某某登记管理条例</h4>")
    assert html_to_text(district).startswith("某某登记管理条例\n（2021年7月27日")
    # a block that holds the page's info line and font-size buttons with the text: they are dropped
    info = "<div class='article-attr'><span>发表时间：<b>2025-08-11 18:04:59</b></span>\n<span>信息来源：<b>区住建局</b></span>\n<span>浏览量：<b>\n-\n</b></span></div><div class='setFont'><span>A<sup>+</sup>大</span>\n<span>A<sup>+</sup>小</span></div>"
    furnished = page.replace("<div class='article'>", f"<div class='article'>{info}")
    assert html_to_text(furnished) == text


def test_docx_writes_out_automatic_numbering_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    for line in ("坚持正确导向。增强意识。", "坚持需求引领。围绕公众需要。"):
        document.add_paragraph(line, style="List Number")
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate((("序号", "任务", "牵头单位"), ("1", "开设整合", "市政务办"), ("2", "内容保障", ""))):
        for column, value in enumerate(cells):
            table.cell(row, column).text = value
    table.cell(1, 2).merge(table.cell(2, 2))
    path = tmp_path / "plan.docx"
    document.save(str(path))
    text = read_document(path)
    assert "1.坚持正确导向。增强意识。" in text and "2.坚持需求引领。" in text
    assert "2\t内容保障\t市政务办" in text
    meta = DocumentMeta("d", "t", "", "", "", "plan.docx")
    parsed = parse_document(SourceDocument(meta, text))
    assert [c.locator for c in parsed.clauses][:2] == ["一/1", "一/2"]
    rows = [c for c in parsed.clauses if c.kind == "row"]
    assert [(r.locator, r.lead_unit) for r in rows] == [("附表/1", "市政务办"), ("附表/2", "市政务办")]


def _write_pdf(text: str, path: Path, per_line: int = 28) -> None:
    """Typeset a text as a 公文 PDF: indented paragraphs wrapped at the page width,
    a running header and a page number on every page."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    size, left, top, bottom = 12, 72, 760, 80
    y, page = top, 1

    def new_page() -> None:
        nonlocal y, page
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(left, 800, "明码标价和禁止价格欺诈规定")
        pdf.drawString(300, 40, f"- {page} -")
        pdf.setFont("STSong-Light", size)
        y = top

    new_page()
    for paragraph in (line.strip() for line in text.split("\n")):
        if not paragraph:
            continue
        pieces, current, limit = [], "", (per_line - 2) * size
        for ch in paragraph:  # fill each line to the measure, as a typesetter does
            if pdfmetrics.stringWidth(current + ch, "STSong-Light", size) > limit:
                pieces.append(current)
                current, limit = "", per_line * size
            current += ch
        pieces.append(current)
        for number, piece in enumerate(pieces):
            if y < bottom:
                pdf.showPage()
                page += 1
                new_page()
            pdf.drawString(left + (2 * size if number == 0 else 0), y, piece)
            y -= size * 1.6
    pdf.showPage()
    pdf.save()


def test_pdf_joins_wrapped_lines_and_drops_headers_and_page_numbers(tmp_path: Path) -> None:
    text = read_document(RULE)
    path = tmp_path / "rule.pdf"
    _write_pdf(text, path)
    extracted = read_document(path)
    assert "- 2 -" not in extracted and extracted.count("明码标价和禁止价格欺诈规定") == text.count(
        "明码标价和禁止价格欺诈规定"
    )
    assert non_blank(extracted) == non_blank(text)
    assert _locators(extracted) == _locators(text)


@pytest.mark.parametrize(("name", "content"), [("a.docx", b"not a zip"), ("a.pdf", b"%PDF-1.4 broken")])
def test_damaged_files_are_refused_with_a_message(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError):
        read_document(path)
