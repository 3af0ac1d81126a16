from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ingest.chunk import chunk_clause, chunk_clauses, split_paragraph
from assistant.ingest.corpus import DocumentMeta, SourceDocument
from assistant.ingest.document import ParsedDocument, non_blank, render
from assistant.ingest.numbering import int_to_cn
from assistant.ingest.parse import parse_document

DISTRICTS = ("吴兴区", "南浔区", "德清县", "长兴县", "安吉县")


def test_five_districts_come_apart(plan) -> None:  # type: ignore[no-untyped-def]
    chunks = chunk_clause(plan.clause("二/一/3"), 300)
    for district in DISTRICTS:
        own = [c for c in chunks if district in c.text[:4]]
        assert own, f"no chunk starts with {district}"
    for chunk in chunks:
        starting = [d for d in DISTRICTS if f"。{d}" in chunk.text]
        assert not starting, f"chunk {chunk.ordinal} runs into {starting}"


def test_short_clause_is_one_chunk_with_its_heading_path(plan) -> None:  # type: ignore[no-untyped-def]
    (chunk,) = chunk_clause(plan.clause("清单/三/2"), 300)
    assert chunk.locator == "清单/三/2"
    assert chunk.indexed_text.startswith("重大事项清单 › 三、重大工程项目 › 2. 湖州市低空经济高质量发展项目")
    assert "牵头单位：市交通运输局、吴兴区、德清县" in chunk.indexed_text


def test_part_one_paragraphs_are_separate_chunks(plan) -> None:  # type: ignore[no-untyped-def]
    chunks = chunk_clause(plan.clause("一"), 300)
    for start in ("到2026年", "综合实力实现新跨越", "民生福祉实现新改善", "到2030年"):
        assert any(c.text.startswith(start) for c in chunks), start
    assert len(chunks) >= 9


def test_chunks_stay_near_the_target(plan) -> None:  # type: ignore[no-untyped-def]
    chunks = chunk_clauses(plan.clauses, 300)
    assert max(len(c.text) for c in chunks) <= 400


def test_nothing_is_lost_in_the_real_document(source, plan) -> None:  # type: ignore[no-untyped-def]
    assert_chunks_cover(plan, source.text, 300)


def test_split_paragraph_joins_back() -> None:
    paragraph = "甲" * 200 + "。" + "乙" * 150 + "；" + "丙" * 180 + "；“丁”。" + "戊" * 20 + "。"
    pieces = split_paragraph(paragraph, 300)
    assert "".join(pieces) == paragraph
    assert len(pieces) > 1


def assert_chunks_cover(doc: ParsedDocument, text: str, target: int) -> None:
    chunks = chunk_clauses(doc.clauses, target)
    by_clause: dict[str, list[str]] = {}
    for chunk in chunks:
        by_clause.setdefault(chunk.locator, []).append(chunk.text)
    rebuilt = render(doc, body=lambda clause: "".join(by_clause.get(clause.locator, [])))
    assert non_blank(rebuilt) == non_blank(text)
    for clause in doc.clauses:
        assert non_blank("".join(by_clause.get(clause.locator, []))) == non_blank(clause.text)


# Generated documents in the same style: parts, sections, items, sentences with traps.

_HAN = st.text(alphabet="建设推进产业创新合作发展服务平台区域上海湖州体系机制", min_size=2, max_size=60)
_TRAP = st.sampled_from(
    ["", "1小时鲜活农产品物流圈", "30分钟通勤圈", "“2＋8”平台", "5G", "“3+6”新型产业体系"]
)
_SENTENCE = st.builds(
    lambda trap, body, end: f"{body}{trap}{body[:3]}{end}", _TRAP, _HAN, st.sampled_from("。；。")
)
_PARAGRAPH = (
    st.lists(_SENTENCE, min_size=1, max_size=14)
    .map("".join)
    .map(lambda p: p if p.endswith("。") else p + "。")
)
_ITEMS = st.lists(st.tuples(_HAN, st.lists(_PARAGRAPH, min_size=1, max_size=2)), min_size=1, max_size=4)
_SECTION = st.one_of(st.lists(_PARAGRAPH, min_size=1, max_size=3), _ITEMS)
_PART = st.one_of(
    st.lists(_PARAGRAPH, min_size=1, max_size=3), st.lists(st.tuples(_HAN, _SECTION), min_size=1, max_size=3)
)


def write_document(parts: list, preamble: str) -> tuple[str, list[str]]:  # type: ignore[type-arg]
    """Text in the style of the plan, and the locators its clauses must get."""
    lines, locators = ["某市行动计划", "", preamble, ""], ["前言"]
    for p, (part_title, part) in enumerate(parts, start=1):
        lines += [f"{int_to_cn(p)}、{part_title}", ""]
        if isinstance(part[0], str):
            lines += part
            locators.append(int_to_cn(p))
            continue
        for s, (section_title, section) in enumerate(part, start=1):
            lines.append(f"（{int_to_cn(s)}）{section_title}")
            if isinstance(section[0], str):
                lines += section
                locators.append(f"{int_to_cn(p)}/{int_to_cn(s)}")
                continue
            for i, (item_title, paragraphs) in enumerate(section, start=1):
                lines.append(f"{i}.{item_title}。{paragraphs[0]}")
                lines += paragraphs[1:]
                locators.append(f"{int_to_cn(p)}/{int_to_cn(s)}/{i}")
    return "\n".join(lines), locators


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.tuples(_HAN, _PART), min_size=1, max_size=13),
    preamble=_PARAGRAPH,
    target=st.integers(min_value=50, max_value=400),
)
def test_generated_documents_parse_and_chunk_without_loss(parts, preamble, target) -> None:  # type: ignore[no-untyped-def]
    text, locators = write_document(parts, preamble)
    doc = parse_document(SourceDocument(DocumentMeta("g", "t", "", "", "", "g.txt"), text))
    assert [c.locator for c in doc.clauses] == locators
    assert_chunks_cover(doc, text, target)


def test_no_chunk_is_cut_off_from_its_heading(plan) -> None:  # type: ignore[no-untyped-def]
    for clause in plan.clauses:
        chunks = chunk_clause(clause, 300)
        for chunk in chunks:
            assert chunk.indexed_text.startswith(" › ".join(clause.breadcrumb)), (
                clause.locator,
                chunk.ordinal,
            )
        if clause.kind == "item":
            assert chunks[0].text.startswith(clause.paragraphs[0][:10])
            assert clause.title in chunks[0].text


def test_pdf_spaces_and_named_cells_are_indexed_but_the_text_is_kept() -> None:
    text = (
        "某市办法\n第一条 飞行检查应当遵循实事求是的原 则。\n第二条 本办法自印发之日起施行。\n附件\n重点区域\n序号\n所在区\n区域名称\n"
        "四至范围\n1\n甲区\n甲园区\n东至甲路，西至乙路\n"
    )
    doc = parse_document(SourceDocument(DocumentMeta("d", "t", "", "", "", "d.txt"), text))
    (article,) = chunk_clause(doc.clause("第一条"), 300)
    assert article.text.endswith("原 则。") and article.indexed_text.endswith("第一条 飞行检查应当遵循实事求是的原则。")
    (row,) = chunk_clause(doc.clause("附表/1"), 300)
    assert "所在区：甲区" in row.indexed_text and row.text == "东至甲路，西至乙路"


def test_a_quote_is_scored_across_pdf_spaces() -> None:
    from assistant.extract import TermWeights, overlap

    weights = TermWeights.from_token_lists([["原则", "检查"], ["检查"]])
    assert overlap("飞行检查应当遵循程序合法的原 则。", ["原则"], weights) == overlap("遵循原则。", ["原则"], weights) > 0
