"""Step 2: recover a document's structure from its numbering.

A document is read as: the issuing notice (通知, up to its date line), the plan's title,
the preamble (前言), the numbered body 一、 → （一） → 1. → （1） → ①, and an attached
table that starts at a 序号 header cell. Headings are recognised by the numbering
grammar and accepted only when their number continues the sequence of their level, so
numbers inside sentences never open a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.corpus import SourceDocument
from assistant.document import TITLE_KIND, Clause, Element, Heading, ParsedDocument
from assistant.numbering import HeadingMatch, Level, first_sentence, has_inline_body, match_heading
from assistant.table import is_header_line, parse_table

NOTICE_LOCATOR = "通知"
PREAMBLE_LOCATOR = "前言"
_KIND_OF_LEVEL = {
    Level.PART: "part",
    Level.SECTION: "section",
    Level.ITEM: "item",
    Level.SUBITEM: "subitem",
    Level.POINT: "point",
}
_DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号")
_DATE_LINE = re.compile(
    r"^(\d{4}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)$"
)
_TITLE_MAX_CHARS = 40
_TITLE_MAX_LINES = 4


@dataclass
class _Node:
    """A heading under construction while the body is read."""

    heading: HeadingMatch | None
    locator: tuple[str, ...]
    crumbs: tuple[str, ...]
    tokens: tuple[str, ...]
    title: str = ""
    heading_line: str = ""
    paragraphs: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    last_number: dict[Level, int] = field(default_factory=dict)

    @property
    def level(self) -> int:
        return int(self.heading.level) if self.heading else 0


def _is_title_like(line: str) -> bool:
    return (
        0 < len(line) <= _TITLE_MAX_CHARS
        and line[-1] not in "。；：，"
        and match_heading(line) is None
        and not _DATE_LINE.match(line)
    )


def _split_notice(lines: list[str]) -> int:
    """How many lines the issuing notice takes (0 when the document has none)."""
    head = [line.strip() for line in lines[:40]]
    opening = [line for line in head if line][:6]
    if not any(_DOC_NUMBER.search(line) or line.endswith("通知") for line in opening):
        return 0
    for position, line in enumerate(head):
        if _DATE_LINE.match(line):
            return position + 1
    return 0


def _title_lines(lines: list[str], start: int) -> int:
    """Index just past the short, unpunctuated lines that form the plan's title."""
    position, taken = start, 0
    while position < len(lines) and taken < _TITLE_MAX_LINES:
        line = lines[position].strip()
        if line and not _is_title_like(line):
            break
        taken += bool(line)
        position += 1
    return position


def _table_start(lines: list[str], start: int) -> tuple[int, int]:
    """(first title line, header line) of the attached table, or (len, len) without one."""
    header = next((i for i in range(start, len(lines)) if is_header_line(lines[i])), len(lines))
    first, taken = header, 0
    for position in range(header - 1, start - 1, -1):
        line = lines[position].strip()
        if not line:
            continue
        if not _is_title_like(line) or taken == 3:
            break
        first, taken = position, taken + 1
    return first, header


class _BodyReader:
    """Reads the numbered body into a tree of _Node, one stripped line at a time."""

    def __init__(self) -> None:
        self.root = _Node(heading=None, locator=(), crumbs=(), tokens=())
        self.stack = [self.root]

    def feed(self, line: str) -> None:
        found = match_heading(line)
        if found and self._open(found, line):
            return
        self.stack[-1].paragraphs.append(line)

    def _open(self, found: HeadingMatch, line: str) -> bool:
        depth = len(self.stack)
        while self.stack[depth - 1].level >= found.level:
            depth -= 1
        parent = self.stack[depth - 1]
        if found.number != parent.last_number.get(found.level, 0) + 1:
            return False
        del self.stack[depth:]
        parent.last_number[found.level] = found.number
        inline = found.level >= Level.ITEM or has_inline_body(found.rest)
        title = first_sentence(found.rest) if inline else found.rest.rstrip("。")
        separator = " " if found.token.endswith(".") else ""
        node = _Node(
            heading=found,
            locator=(*parent.locator, found.locator_token),
            crumbs=(*parent.crumbs, f"{found.token}{separator}{title}"),
            tokens=(*parent.tokens, found.token),
            title=title,
            heading_line="" if inline else line,
            paragraphs=[line] if inline else [],
        )
        parent.children.append(node)
        self.stack.append(node)
        return True


def _emit(node: _Node, doc_id: str, out: list[Element]) -> None:
    assert node.heading is not None
    locator = "/".join(node.locator)
    if node.paragraphs:
        separator = " " if node.heading.token.endswith(".") else ""
        out.append(
            Clause(
                doc_id=doc_id,
                locator=locator,
                kind=_KIND_OF_LEVEL[node.heading.level],
                label=f"{''.join(node.tokens)}{separator}{node.title}",
                title=node.title,
                breadcrumb=node.crumbs,
                paragraphs=tuple(node.paragraphs),
                heading=node.heading_line,
            )
        )
    elif node.heading_line:
        out.append(
            Heading(doc_id, locator, _KIND_OF_LEVEL[node.heading.level], node.crumbs[-1], node.heading_line)
        )
    for child in node.children:
        _emit(child, doc_id, out)


def _plain_clause(doc_id: str, locator: str, lines: list[str]) -> Clause:
    return Clause(
        doc_id=doc_id,
        locator=locator,
        kind=locator and {NOTICE_LOCATOR: "notice", PREAMBLE_LOCATOR: "preamble"}[locator],
        label=locator,
        title=locator,
        breadcrumb=(locator,),
        paragraphs=tuple(lines),
    )


def parse_document(document: SourceDocument) -> ParsedDocument:
    """Split a document into clauses and headings, in source order."""
    doc_id = document.meta.doc_id
    lines = document.text.split("\n")
    notice_end = _split_notice(lines)
    title_end = _title_lines(lines, notice_end)
    table_first, table_header = _table_start(lines, title_end)

    elements: list[Element] = []
    notice = [line.strip() for line in lines[:notice_end] if line.strip()]
    if notice:
        elements.append(_plain_clause(doc_id, NOTICE_LOCATOR, notice))
    title = [line.strip() for line in lines[notice_end:title_end] if line.strip()]
    if title:
        elements.append(Heading(doc_id, "", TITLE_KIND, "".join(title), "\n".join(title)))

    reader = _BodyReader()
    for line in lines[title_end:table_first]:
        if line.strip():
            reader.feed(line.strip())
    if reader.root.paragraphs:
        elements.append(_plain_clause(doc_id, PREAMBLE_LOCATOR, reader.root.paragraphs))
    for child in reader.root.children:
        _emit(child, doc_id, elements)

    if table_header < len(lines):
        table_title = [line.strip() for line in lines[table_first:table_header] if line.strip()]
        elements.extend(parse_table(doc_id, table_title, lines[table_header:]))
    return ParsedDocument(meta=document.meta, elements=tuple(elements))
