"""Step 1: turn a file into the text model the parser reads.

Every reader gives the same model: one paragraph per line, and tables one row per line
with cells separated by a tab (empty cells kept, merged cells repeated down a column and
left empty across a row). So .txt, .md, .docx, .html and .pdf all reach one parser.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError

Reader = Callable[[Path], str]
CELL_SEPARATOR = "\t"


def decode_text(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Government files arrive in all of these; GB18030 is a superset of GBK and GB2312.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"starts with a UTF-16 byte-order mark but is not UTF-16 (byte {exc.start})") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"cannot decode as UTF-8 or GB18030 (byte {exc.start})") from exc


def normalise_text(text: str) -> str:
    """Unify line ends and drop a stray BOM and non-breaking spaces."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").replace("\xa0", " ")


def read_plain_text(path: Path) -> str:
    return normalise_text(decode_text(path.read_bytes()))


# Markdown ------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
# HTML inside Markdown (a site generator's source: <p>…<b>第一条</b>&emsp;…<br>…</p>): a
# paragraph or a line break ends the line, other tags go, entities are read
_MD_HTML_BREAK = re.compile(r"<br\s*/?>|</?(?:p|div|li|tr|h[1-6])(?:\s[^<>]*)?>", re.I)
_MD_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
# an attribute list after a heading ({align="center"}, {#id .class}) and a container fence (::: tip)
_MD_ATTRIBUTES = re.compile(r"\s*\{(?:\s*(?:[#.][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)))+\s*\}\s*$")
_MD_FENCE = re.compile(r"^\s*:::")


def markdown_to_text(text: str) -> str:
    """Markdown as the text model: headings, emphasis, links and comments unwrapped,
    pipe tables as tab-separated rows."""
    text = _MD_COMMENT.sub("", normalise_text(text))
    if _MD_HTML_TAG.search(text):
        text = normalise_text(html.unescape(_MD_HTML_TAG.sub("", _MD_HTML_BREAK.sub("\n", text))))
    out = []
    for line in text.split("\n"):
        if (_MD_RULE.match(line) and "-" in line) or _MD_FENCE.match(line):
            continue
        line = _MD_ATTRIBUTES.sub("", line)
        line = _MD_LINK.sub(r"\1", _MD_EMPHASIS.sub(r"\2", _MD_HEADING.sub("", line)))
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            line = CELL_SEPARATOR.join(cell.strip() for cell in stripped[1:-1].split("|"))
        elif stripped.startswith(">"):
            line = stripped.lstrip("> ")
        out.append(line.rstrip())
    return "\n".join(out)


def read_markdown(path: Path) -> str:
    return markdown_to_text(decode_text(path.read_bytes()))


# HTML ----------------------------------------------------------------------------------

_BOILERPLATE = re.compile(
    r"nav|menu|header|footer|breadcrumb|crumb|share|sidebar|side-bar|toolbar|copyright|banner|"
    r"search|login|related|relevant|friend|links?$|print|position|location|subnav|topbar|bottom",
    re.I,
)
_CONTENT_HINT = re.compile(r"zoom|TRS_Editor|article|content|detail|main|text|pages_content|UCAP", re.I)
_DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "header", "footer", "form", "button", "select", "head")
_BLOCK_TAGS = {
    "p", "div", "section", "article", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "pre", "center", "ul", "ol", "dd", "dt", "br", "hr", "title",
}


def _text_len(element: Any) -> int:
    return len(re.sub(r"\s", "", element.text_content() or ""))


def _main_content(root: Any) -> Any:
    """The element holding the document: the densest text block that is not boilerplate."""
    best, best_score = root, 0.0
    for element in root.iter("div", "td", "article", "section", "main"):
        marker = f"{element.get('id', '')} {element.get('class', '')}"
        length = _text_len(element)
        if length < 200:
            continue
        paragraphs = sum(_text_len(p) for p in element.iter("p", "table"))
        links = sum(_text_len(a) for a in element.iter("a"))
        score = paragraphs - 2 * links + (length * 0.2 if _CONTENT_HINT.search(marker) else 0)
        if score > best_score:
            best, best_score = element, score
    return best


def _cell_text(element: Any) -> str:
    """A cell's text on one line: its paragraphs (…计8分。 2. …) apart by a space after a
    sentence ends, a word broken over lines of a narrow cell (减/分/指/标) joined."""
    out: list[str] = [""]
    _html_lines(element, out)
    text = ""
    for line in (re.sub(r"\s+", " ", line).strip() for line in out):
        if line:
            text += (" " if text and text[-1] in _SENTENCE_END else "") + line
    return text


def _fill_carried(carried: dict[int, tuple[str, int]], cells: list[str], column: int) -> int:
    """Write the cells a rowspan above carries into this row from `column`; the next free column."""
    while column in carried:
        text, left = carried.pop(column)
        cells.append(text)
        if left > 1:
            carried[column] = (text, left - 1)
        column += 1
    return column


def _html_table_rows(table: Any) -> list[str]:
    """Rows of a table, rowspan cells repeated down their column, colspan cells left empty."""
    carried: dict[int, tuple[str, int]] = {}
    rows = []
    for tr in table.iter("tr"):
        cells: list[str] = []
        column = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            column = _fill_carried(carried, cells, column)
            text = _cell_text(td)
            span = int(td.get("colspan", "1") or 1)
            down = int(td.get("rowspan", "1") or 1)
            cells.append(text)
            cells.extend([""] * (span - 1))
            if down > 1:
                carried[column] = (text, down - 1)
            column += span
        _fill_carried(carried, cells, column)
        if any(cells):
            rows.append(CELL_SEPARATOR.join(cells))
    return rows


def _html_lines(element: Any, out: list[str]) -> None:
    """Walk the tree writing one line per block; tables become tab-separated rows."""
    if element.tag == "table":
        out.append("")
        out.extend(_html_table_rows(element))
        out.append("")
        if element.tail and element.tail.strip():
            out.append(element.tail.strip())
        return
    block = element.tag in _BLOCK_TAGS
    if block:
        out.append("")
    if element.text:
        out[-1] = out[-1] + element.text if out else element.text
    for child in element:
        if not isinstance(child.tag, str):
            if child.tail:
                out[-1] = out[-1] + child.tail if out else child.tail
            continue
        _html_lines(child, out)
    if block:
        out.append("")
    if element.tail:
        out[-1] = out[-1] + element.tail if out else element.tail


_SENTENCE_END = "。；;！？!?：:"
_SITE_NAME = re.compile(r"(网站|网|门户|平台|首页)$")
# Page furniture written as text inside the content block of gov.cn pages
_CHROME_LINE = re.compile(
    r"^(扫一扫在手机(上)?打开(当前页|本页)?|【?(打印本页|关闭窗口|打印|关闭)】?(\s*【?(打印本页|关闭窗口|打印|关闭)】?)*|"
    r"分享到[:：]?|【?字[体号][:：]?\s*[大中小\s]*】?|A\+?[大中小]|[-—_\s]+|"  # font-size buttons, an empty counter
    r"[^\s:：]{2,8}[:：]\s*https?://\S+|"  # 政策解读：https://… links
    # the page's info line: when it went up, from where, how often read (not a 成文日期 or a 文号)
    r"(发表|发布|更新)(时间|日期)[:：]\s*[\d\-/:.年月日\s]*|(信息)?来源[:：]\s*[^\s。；，]{0,20}|"
    r"(浏览|访问|阅读|点击)(量|次数|数)[:：]\s*[\d\-]*)$"
)


def _title_outside(root: Any, content: Any, page_title: str) -> str:
    """The page's heading when the text block leaves it out: an <h1>…<h4> that repeats the
    document's part of the page's <title> (中华人民共和国市场主体登记管理条例 of 某局网站-中华人民
    共和国市场主体登记管理条例, above a block opening with （…公布） and 第一章)."""
    names = {part for part in re.split(r"[-_|｜—–]+", page_title) if len(part) >= 6 and not _SITE_NAME.search(part)}
    body = re.sub(r"\s", "", content.text_content() or "")
    for heading in root.iter("h1", "h2", "h3", "h4"):
        text = re.sub(r"\s+", " ", heading.text_content() or "").strip()
        compact = re.sub(r"\s", "", text)
        if compact in names:
            return "" if compact in body[: len(compact) + 200] else text
    return ""


def html_to_text(html: str) -> str:
    """The document text of a government web page, navigation and boilerplate dropped."""
    from lxml import html as lxml_html  # a reader's dependency, loaded when a page is read

    try:
        root = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise CorpusError(f"not a readable HTML page: {exc}") from exc
    page_title = re.sub(r"\s", "", " ".join(t.text_content() for t in root.iter("title")))
    for element in list(root.iter(*_DROP_TAGS)):
        element.drop_tree()
    for element in list(root.iter()):
        marker = f"{element.get('id', '')} {element.get('class', '')}" if isinstance(element.tag, str) else ""
        boilerplate = marker.strip() and _BOILERPLATE.search(marker) and not _CONTENT_HINT.search(marker)
        if boilerplate and element.getparent() is not None:
            element.drop_tree()
    content = _main_content(root)
    out: list[str] = [""]
    _html_lines(content, out)
    title = _title_outside(root, content, page_title)
    if title:
        out.insert(0, title)
    pieces = [piece for block in out for piece in block.split("\n")]  # a block keeps its source's line breaks
    lines = [re.sub(r"[ \t\u3000]+$", "", re.sub(r"^[ \u3000]+", "", line)) for line in pieces]
    return normalise_text("\n".join(line for line in lines if line.strip() and not _CHROME_LINE.match(line.strip())))


def read_html(path: Path) -> str:
    raw = path.read_bytes()
    declared = re.search(rb"charset=[\"']?([\w-]+)", raw[:2048])
    encoding = declared.group(1).decode("ascii").lower() if declared else ""
    if encoding in ("gb2312", "gbk", "gb18030"):
        text = raw.decode("gb18030", errors="replace")
    else:
        text = decode_text(raw)
    return html_to_text(text)


# DOCX ----------------------------------------------------------------------------------

_CN_FORMATS = ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting",
               "ideographDigital", "taiwaneseCounting", "chineseLegalSimplified")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _format_number(value: int, fmt: str) -> str:
    from assistant.ingest.numbering import int_to_cn

    if fmt in _CN_FORMATS:
        return int_to_cn(value)
    if fmt == "decimalEnclosedCircle" and value <= len(CIRCLED):
        return CIRCLED[value - 1]
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


class _ListNumbers:
    """Word's automatic list numbering, written out as the numbers a reader sees."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        ns = numbering.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        w = f"{{{ns}}}"
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in numbering.findall(f"{w}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{w}lvl"):
                fmt = lvl.find(f"{w}numFmt")
                text = lvl.find(f"{w}lvlText")
                start = lvl.find(f"{w}start")
                levels[int(lvl.get(f"{w}ilvl"))] = (
                    fmt.get(f"{w}val") if fmt is not None else "decimal",
                    text.get(f"{w}val") if text is not None else "",
                    int(start.get(f"{w}val")) if start is not None else 1,
                )
            abstract[node.get(f"{w}abstractNumId")] = levels
        for num in numbering.findall(f"{w}num"):
            ref = num.find(f"{w}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{w}val"), {}).items():
                self.levels[(num.get(f"{w}numId"), ilvl)] = spec
        self.w = w

    @staticmethod
    def _num_pr(paragraph: Any) -> Any:
        """The paragraph's own list numbering, or its style's (List Number and the like)."""
        props = paragraph._p.pPr
        if props is not None and props.numPr is not None and props.numPr.numId is not None:
            return props.numPr
        style = paragraph.style
        while style is not None:
            style_props = style.element.pPr
            if style_props is not None and style_props.numPr is not None and style_props.numPr.numId is not None:
                return style_props.numPr
            style = style.base_style
        return None

    def prefix(self, paragraph: Any) -> str:
        num_pr = self._num_pr(paragraph)
        if num_pr is None:
            return ""
        num_id = str(num_pr.numId.val)
        ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        spec = self.levels.get((num_id, ilvl))
        if spec is None or spec[0] in ("none", "bullet"):
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        text = spec[1]
        for level in range(ilvl + 1):
            level_spec = self.levels.get((num_id, level), ("decimal", "", 1))
            value = counters[level] + level_spec[2] - 1 if counters[level] else level_spec[2]
            text = text.replace(f"%{level + 1}", _format_number(value, level_spec[0]))
        return text


def _docx_table_rows(table: Any) -> list[str]:
    rows: list[str] = []
    previous: list[str] = []
    for row in table.rows:
        cells, seen = [], None
        for column, cell in enumerate(row.cells):
            if cell._tc is seen:  # a cell merged across columns appears once
                cells.append("")
                continue
            seen = cell._tc
            text = re.sub(r"\s*\n\s*", "", cell.text).strip()
            if not text and column < len(previous) and cell._tc.vMerge == "continue":
                text = previous[column]
            cells.append(text)
        previous = cells
        if any(cells):
            rows.append(CELL_SEPARATOR.join(cells))
    return rows


def read_docx(path: Path) -> str:
    """Paragraphs and tables of a .docx in body order, list numbers written out."""
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - python-docx is a core dependency
        raise CorpusError("reading .docx needs python-docx: pip install python-docx") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise CorpusError(f"not a readable .docx file: {exc}") from exc
    numbers = _ListNumbers(document)
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            lines.append(numbers.prefix(paragraph) + paragraph.text)
        elif child.tag == qn("w:tbl"):
            lines.extend(_docx_table_rows(Table(child, document)))
    return normalise_text("\n".join(lines))


# PDF -----------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^[-—－\s]*(第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,4}|\d+\s*/\s*\d+)[-—－\s]*$")
_SENTENCE_END = "。！？：；”」』）)"
_REPEATED_SHARE = 0.5  # a line on at least half the pages (3 or more) is a running header or footer
_INDENT_CHARS = 1.5  # a paragraph's first line is indented by two characters in 公文 layout


def _page_lines(page: Any) -> tuple[list[dict[str, Any]], list[list[str]]]:
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside(obj: dict[str, Any]) -> bool:
        return not any(x0 <= obj["x0"] <= x1 and top <= obj["top"] <= bottom for x0, top, x1, bottom in boxes)

    rows = [[CELL_SEPARATOR.join(re.sub(r"\s+", "", c or "") for c in row) for row in t.extract()] for t in tables]
    filtered = page.filter(outside) if boxes else page
    lines = filtered.extract_text_lines(return_chars=True)
    for line in lines:
        line["table_after"] = None
    for table, table_rows in zip(tables, rows, strict=True):
        lines.append({"text": "", "top": table.bbox[1], "x0": 0, "x1": 0, "chars": [], "table_after": table_rows})
    lines.sort(key=lambda line: line["top"])
    return lines, rows


def pdf_lines_to_text(pages: list[list[dict[str, Any]]]) -> str:
    """Join lines broken by layout, drop running headers, footers and page numbers."""
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        edge = [_edge_key(line) for line in (lines[:2] + lines[-2:]) if line["text"].strip()]
        counts.update(set(edge))
    repeated = {key for key, n in counts.items() if len(pages) >= 3 and n >= _REPEATED_SHARE * len(pages)}
    body = [line for lines in pages for line in lines]
    text_lines = [line for line in body if line["text"].strip() or line["table_after"]]
    left = min((line["x0"] for line in text_lines if line["text"].strip()), default=0.0)
    right = max((line["x1"] for line in text_lines if line["text"].strip()), default=0.0)
    out: list[str] = []
    previous_full = False
    for line in text_lines:
        if line["table_after"]:
            out.extend(["", *line["table_after"], ""])
            previous_full = False
            continue
        text = line["text"].strip()
        if _edge_key(line) in repeated or _PAGE_NUMBER.match(text):
            continue
        width = (line["chars"][0]["x1"] - line["chars"][0]["x0"]) if line["chars"] else 10.0
        indented = line["x0"] - left > _INDENT_CHARS * width * 0.9
        if previous_full and out and not indented and not _starts_block(text):
            out[-1] += text  # a line broken by the page width continues the paragraph
        else:
            out.append(text)
        previous_full = right - line["x1"] < 2 * width
    return "\n".join(out)


def _edge_key(line: dict[str, Any]) -> tuple[str, int]:
    """A running header or footer repeats its text at the same height on every page."""
    return line["text"].strip(), round(line["top"])


def _starts_block(text: str) -> bool:
    from assistant.ingest.numbering import match_heading

    return match_heading(text) is not None


def read_pdf(path: Path) -> str:
    """The text layer of a PDF (scanned PDFs without one are refused with a message)."""
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - pdfplumber is a core dependency
        raise CorpusError("reading .pdf needs pdfplumber: pip install pdfplumber") from exc
    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = [_page_lines(page)[0] for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many types for a damaged file
        raise CorpusError(f"not a readable PDF: {exc}") from exc
    text = pdf_lines_to_text(pages)
    if not text.strip():
        raise CorpusError("the PDF has no text layer (a scan?); convert it with OCR first")
    return normalise_text(text)


READERS: dict[str, Reader] = {
    ".txt": read_plain_text,
    ".text": read_plain_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
}


def known_extensions() -> Iterable[str]:
    return sorted(READERS)
