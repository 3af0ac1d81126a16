"""What every answer strategy reads: the loaded documents, their clauses and their shape.

Built once per loaded index and shared read-only between threads.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from assistant.abstain import AbstentionModel
from assistant.extract import TermWeights
from assistant.ingest.document import (
    Clause,
    Element,
    Heading,
    ParsedDocument,
    attachment_title,
    parent_locator,
)
from assistant.ingest.numbering import match_heading
from assistant.lexicon import Lexicon
from assistant.markers import marker_text
from assistant.retrieve import Searcher
from assistant.scope import DocumentNames


@dataclass(frozen=True)
class Node:
    """A heading or clause with the elements numbered under it (the root has no element)."""

    element: Element | None
    children: tuple[Node, ...] = ()

    @property
    def locator(self) -> str:
        return self.element.locator if self.element is not None else ""

    @property
    def kind(self) -> str:
        return self.element.kind if self.element is not None else "document"

    def walk(self) -> list[Node]:
        """This node's descendants in document order."""
        found: list[Node] = []
        for child in self.children:
            found.append(child)
            found.extend(child.walk())
        return found


def heading_title(heading: Heading) -> str:
    """二、重点任务 → 重点任务; 第二章 规划与建设 → 规划与建设."""
    found = match_heading(heading.label)
    return found.rest.strip() if found is not None else heading.label


def element_title(element: Element) -> str:
    if isinstance(element, Heading) and element.kind == "attachment":  # 附件1 and its title line
        return attachment_title(element)
    return heading_title(element) if isinstance(element, Heading) else element.title


DISPLAY_CHARS = 60


def display(element: Clause | Heading) -> str:
    """How a child is listed: its heading line, or its first sentence (cut when long)."""
    if isinstance(element, Heading):
        title = attachment_title(element) if element.kind == "attachment" else ""
        return f"{element.label} {title}" if title and title not in element.label else element.label
    if element.kind == "row" and element.title:
        return element.title
    text = element.heading.split("\n")[0] if element.heading else element.paragraphs[0] if element.paragraphs else ""
    if element.kind == "row":  # a row without a name column: what its content cell says
        text = element.paragraphs[0] if element.paragraphs else text
    if alnum_chars(text) == alnum_chars(element.label) and not alnum_chars(element.title):  # 第十条 alone on its line
        rest = [p for p in element.paragraphs if alnum_chars(p) != alnum_chars(text)]
        text = f"{text} {rest[0]}" if rest else text
    first = re.split(r"(?<=[。；;：:])", text, maxsplit=1)[0].rstrip("。；;：:")
    first = re.sub(r"[ \u3000]+", " ", first)  # 3　灾害预警响应 is listed as 3 灾害预警响应
    return first if len(first) <= DISPLAY_CHARS else first[:DISPLAY_CHARS] + "……"


def alnum_chars(text: str) -> set[str]:
    """The letters and digits of a text, as a set (what title matching compares)."""
    return {ch for ch in text if ch.isalnum()}


def build_tree(document: ParsedDocument) -> Node:
    """The document's elements nested by locator; unnumbered frame parts stay out.

    Articles are numbered through a whole regulation (第十二条, not 第二章/第十二条), so a
    heading with no numbered children of its own (第二章 规划与建设, （四）鼓励企业技术进步)
    takes the clauses that follow it, up to the next heading.
    """
    kept = [
        e
        for e in document.elements
        if e.locator
        and e.kind not in ("notice", "preamble", "toc")
        and not (isinstance(e, Heading) and e.kind in ("title", "signature"))
    ]
    numbered_parents = {parent_locator(e.locator) for e in kept}
    entries: dict[str, Element] = {}
    children: dict[str, list[str]] = {}
    adopter: str | None = None  # the last heading without numbered children
    for element in kept:
        if element.locator in entries:
            continue
        entries[element.locator] = element
        parent = parent_locator(element.locator)
        while parent and parent not in entries:
            parent = parent_locator(parent)
        if isinstance(element, Heading):
            adopter = element.locator if element.locator not in numbered_parents else None
        elif adopter is not None and (not parent or adopter.startswith(parent + "/")):
            parent = adopter
        children.setdefault(parent, []).append(element.locator)

    def node(locator: str) -> Node:
        return Node(entries.get(locator), tuple(node(child) for child in children.get(locator, [])))

    return node("")


@dataclass
class Knowledge:
    searcher: Searcher
    lexicon: Lexicon
    abstention: AbstentionModel
    documents: dict[str, ParsedDocument] = field(init=False)
    clauses: dict[tuple[str, str], Clause] = field(init=False)
    rows: list[Clause] = field(init=False)
    led: list[Clause] = field(init=False)
    weights: TermWeights = field(init=False)
    names: list[DocumentNames] = field(init=False)
    trees: dict[str, Node] = field(init=False)
    nodes: dict[tuple[str, str], Node] = field(init=False)
    parents: dict[tuple[str, str], Node] = field(init=False)
    by_marker: dict[str, Clause] = field(init=False)
    chunks_of: dict[tuple[str, str], list[int]] = field(init=False)
    memo: dict[object, object] = field(init=False)  # what strategies precompute once per index

    def __post_init__(self) -> None:
        index = self.searcher.index
        self.documents = {doc.meta.doc_id: doc for doc in index.documents}
        self.clauses = {(c.doc_id, c.locator): c for doc in index.documents for c in doc.clauses}
        self.rows = [c for c in self.clauses.values() if c.kind == "row"]
        # Clauses that name a lead unit: table rows, and items with an inline （牵头单位：…）.
        self.led = [c for c in self.clauses.values() if c.lead_unit and c.kind not in ("notice", "preamble")]
        self.weights = TermWeights.from_token_lists(index.tokenizer.tokens(c.indexed_text) for c in index.chunks)
        self.names = [DocumentNames.of(doc) for doc in index.documents]
        self.trees = {doc_id: build_tree(doc) for doc_id, doc in self.documents.items()}
        self.nodes, self.parents = {}, {}
        for doc_id, root in self.trees.items():
            for parent in [root, *root.walk()]:
                for child in parent.children:
                    self.nodes[(doc_id, child.locator)] = child
                    self.parents[(doc_id, child.locator)] = parent
        self.memo = {}
        self.chunks_of = {}
        for number, chunk in enumerate(index.chunks):
            self.chunks_of.setdefault((chunk.doc_id, chunk.locator), []).append(number)
        self.by_marker = {clause.cite or marker_text(loc): clause for (_, loc), clause in self.clauses.items()}

    def tokens(self, text: str) -> list[str]:
        return self.searcher.index.tokenizer.tokens(text)

    def in_scope(self, doc_ids: Collection[str] | None, ranked: Sequence[str] = ()) -> list[ParsedDocument]:
        """The documents a question may be answered from, those retrieval ranked first first."""
        found = [doc for doc_id, doc in self.documents.items() if doc_ids is None or doc_id in doc_ids]
        order = {doc_id: position for position, doc_id in reversed(list(enumerate(ranked)))}
        return sorted(found, key=lambda doc: order.get(doc.meta.doc_id, len(order)))

    def clause(self, doc_id: str, locator: str) -> Clause:
        return self.clauses[(doc_id, locator)]
