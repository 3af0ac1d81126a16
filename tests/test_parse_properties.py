"""Property: whatever numbering a document throws at the parser, nothing is lost.

Generated documents mix the three families (公文, legal, decimal), with half-width
variants, stray spaces, skipped, repeated and out-of-order numbers and quantities that
look like numbers (1.5亿元, 3.1人户).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ingest.corpus import DocumentMeta, SourceDocument
from assistant.ingest.document import non_blank, render
from assistant.ingest.numbering import int_to_cn
from assistant.ingest.parse import parse_document

_TEXT = st.text(alphabet="加强组织领导推进改革资金万元亩企业。，；：（）", min_size=1, max_size=30)


@st.composite
def heading_line(draw: st.DrawFn) -> str:
    number = draw(st.integers(min_value=1, max_value=25))
    cn = int_to_cn(number)
    token = draw(
        st.sampled_from(
            [
                f"{cn}、", f"{cn} 、", f"（{cn}）", f"({cn})", f"{number}.", f"{number}、", f"{number}．",
                f"（{number}）", f"第{cn}章 ", f"第{cn}条 ", f"第 {number} 条 ", f"{number}.{number % 3 + 1} ",
                f"{number}.5亿元", "①", "附件", "附件：", "目录", "序号\t名称\t牵头单位", f"{number}\t事项\t市局",
                "2024年12月30日", "（此件公开发布）", "",
            ]
        )
    )
    return token + draw(_TEXT)


@settings(max_examples=150, deadline=None)
@given(st.lists(heading_line(), min_size=1, max_size=40))
def test_any_numbering_reassembles_and_keeps_locators_unique(lines: list[str]) -> None:
    text = "\n".join(lines)
    document = parse_document(SourceDocument(DocumentMeta("g", "t", "", "", "", "g.txt"), text))
    assert non_blank(render(document)) == non_blank(text)
    locators = [c.locator for c in document.clauses]
    assert len(locators) == len(set(locators))
    assert all(c.cite for c in document.clauses)
