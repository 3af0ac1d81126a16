"""The parsed shape of a document: clauses with their place, and the headings between them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from assistant.errors import UnknownLocatorError
from assistant.ingest.corpus import DocumentMeta


class Kind(StrEnum):
    """What an element of a parsed document is; a StrEnum so JSON keeps plain strings."""

    NOTICE = "notice"  # the issuing notice, decree or letter (通知, 令, 函, 决定)
    PREAMBLE = "preamble"  # text between the title and the first numbered heading
    TITLE = "title"
    TOC = "toc"  # a 目录 repeating the headings
    SIGNATURE = "signature"  # 落款: issuer, date, （此件公开发布）
    ATTACHMENT = "attachment"  # an 附件 heading and its title
    BOOK = "book"
    DIVISION = "division"
    CHAPTER = "chapter"
    SUBCHAPTER = "subchapter"
    ARTICLE = "article"
    PARAGRAPH = "paragraph"  # 款: a paragraph of an article after its items (第十条第二款)
    PART = "part"
    SECTION = "section"
    OUTLINE = "outline"  # a decimal heading 1 / 1.1 / 1.1.1
    ITEM = "item"
    SUBITEM = "subitem"
    POINT = "point"
    TABLE = "table"
    CATEGORY = "category"
    ROW = "row"


TITLE_KIND = Kind.TITLE


@dataclass(frozen=True)
class Clause:
    """The unit of citation: an item, a section or part without numbered children, a table row.

    `paragraphs` hold the clause's own text exactly as in the source (one entry per source
    line). `heading` and `trailer` keep the source lines that belong to the clause but are
    not its body: the standalone heading of a part, a table row's number, name and lead-unit
    cells. Together they let the document be rendered back without losing a character.
    """

    doc_id: str
    locator: str
    kind: str
    label: str
    title: str
    breadcrumb: tuple[str, ...]
    paragraphs: tuple[str, ...]
    heading: str = ""
    trailer: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    lead_unit: str | None = None
    cite: str = ""  # the marker text: 二（三）3, 第十二条（一）, 5.1.2, 清单·一·5

    @property
    def marker(self) -> str:
        """The citation marker, brackets included."""
        return f"［{self.cite or self.locator.replace('/', '·')}］"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Heading:
    """A heading with numbered children and no text of its own (二、重点任务, 一、重大战略任务)."""

    doc_id: str
    locator: str
    kind: str
    label: str
    source: str
    cite: str = ""


Element = Clause | Heading


@dataclass(frozen=True)
class ParsedDocument:
    """A document as the parser recovered it, elements in source order."""

    meta: DocumentMeta
    elements: tuple[Element, ...]

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(e for e in self.elements if isinstance(e, Clause))

    def clause(self, locator: str) -> Clause:
        for element in self.elements:
            if isinstance(element, Clause) and element.locator == locator:
                return element
        raise UnknownLocatorError(f"{self.meta.doc_id} has no clause at '{locator}'")


def render(document: ParsedDocument, body: Callable[[Clause], str] | None = None) -> str:
    """Write the document back out from its elements.

    Args:
        body: how to write a clause's body; defaults to its text. Tests pass the
            concatenated chunks here to prove that chunking loses nothing.
    """
    write_body = body or (lambda clause: clause.text)
    pieces: list[str] = []
    for element in document.elements:
        if isinstance(element, Heading):
            pieces.append(element.source)
        else:
            pieces.extend(p for p in (element.heading, write_body(element), element.trailer) if p)
    return "\n".join(pieces)


def attachment_title(heading: Heading) -> str:
    """The title an attachment heading carries: its lines without the 附件N line, if any."""
    lines = heading.source.split("\n")
    if lines and re.fullmatch(r"\s*附\s*件\s*\d*\s*[:：]?\s*", lines[0]):
        lines = lines[1:]
    return "".join(line.strip() for line in lines)


def non_blank(text: str) -> str:
    """The characters that carry content: everything except whitespace (full-width included)."""
    return "".join(ch for ch in text if not ch.isspace())


def document_to_json(document: ParsedDocument) -> dict[str, object]:
    """A JSON-ready form of a parsed document (the index stores documents this way)."""
    elements = [
        {"type": "clause" if isinstance(e, Clause) else "heading", **asdict(e)} for e in document.elements
    ]
    return {"meta": asdict(document.meta), "elements": elements}


def document_from_json(data: dict[str, Any]) -> ParsedDocument:
    """Inverse of document_to_json; raises KeyError or TypeError on malformed input."""
    elements: list[Element] = []
    for raw in data["elements"]:
        fields = {key: value for key, value in raw.items() if key != "type"}
        if raw["type"] == "clause":
            fields["breadcrumb"] = tuple(fields["breadcrumb"])
            fields["paragraphs"] = tuple(fields["paragraphs"])
            fields["fields"] = tuple(tuple(pair) for pair in fields["fields"])
            elements.append(Clause(**fields))
        else:
            elements.append(Heading(**fields))
    return ParsedDocument(meta=DocumentMeta(**data["meta"]), elements=tuple(elements))


@dataclass(frozen=True)
class OutlineNode:
    """One entry of a document's table of contents."""

    locator: str
    label: str
    short_label: str  # what a tree shows: the last breadcrumb item of a clause
    kind: str
    is_clause: bool
    children: tuple[OutlineNode, ...] = ()


def parent_locator(locator: str) -> str:
    return locator.rsplit("/", 1)[0] if "/" in locator else ""


def outline(document: ParsedDocument) -> tuple[OutlineNode, ...]:
    """The table of contents: headings and clauses nested by their locators."""
    children: dict[str, list[str]] = {}
    entries: dict[str, Element] = {}
    for element in document.elements:
        if not element.locator or element.locator in entries:
            continue
        entries[element.locator] = element
        parent = parent_locator(element.locator)
        while parent and parent not in entries:
            parent = parent_locator(parent)
        children.setdefault(parent, []).append(element.locator)

    def node(locator: str) -> OutlineNode:
        element = entries[locator]
        kids = tuple(node(child) for child in children.get(locator, []))
        short = element.breadcrumb[-1] if isinstance(element, Clause) else element.label
        return OutlineNode(locator, element.label, short, element.kind, isinstance(element, Clause), kids)

    return tuple(node(locator) for locator in children.get("", []))
