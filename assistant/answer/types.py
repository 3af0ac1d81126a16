"""What every answer strategy returns: an answer and the clauses it cites."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from assistant.ingest.document import Clause, Heading
from assistant.intent import Kind

Mode = Literal["extractive", "llm"]


@dataclass(frozen=True)
class Citation:
    """A clause (or a heading) an answer rests on, with the sentences of it the answer used."""

    doc_id: str
    locator: str
    label: str
    breadcrumb: tuple[str, ...]
    text: str
    lead_unit: str | None
    score: float
    marker: str
    highlights: tuple[str, ...] = ()
    relevance: float = 1.0  # how likely this clause answers the question, in [0, 1]
    document: str = ""  # the document's short title, when the corpus has more than one

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "breadcrumb": list(self.breadcrumb), "highlights": list(self.highlights)}


@dataclass(frozen=True)
class Answer:
    question: str
    standalone_question: str
    answer: str
    abstained: bool
    mode: Mode
    kind: str
    citations: tuple[Citation, ...]
    notice: str | None = None
    # how likely the documents answer the question, in [0, 1]: the abstention model's
    # probability for facts, 1.0 for answers read from the document's structure or fields
    relevance: float = 1.0


def cite(clause: Clause, score: float, highlights: Sequence[str] = (), relevance: float = 1.0) -> Citation:
    return Citation(
        doc_id=clause.doc_id,
        locator=clause.locator,
        label=clause.label,
        breadcrumb=clause.breadcrumb,
        text=clause.text,
        lead_unit=clause.lead_unit,
        score=score,
        marker=clause.marker,
        highlights=tuple(highlights),
        relevance=relevance,
    )


def cite_heading(heading: Heading, score: float = 1.0) -> Citation:
    """A heading cited for itself: a part or chapter whose children an answer lists."""
    return Citation(
        doc_id=heading.doc_id,
        locator=heading.locator,
        label=heading.label,
        breadcrumb=(heading.label,),
        text=heading.source,
        lead_unit=None,
        score=score,
        marker=heading_marker(heading),
        highlights=(heading.source,),
    )


def heading_marker(heading: Heading) -> str:
    return f"［{heading.cite or heading.locator.replace('/', '·')}］"


def with_marker(quote: str, marker: str) -> str:
    """Put the marker before the closing full stop: ……人才公寓［二（三）3］。"""
    body = quote.rstrip("。；;，, ")
    return f"{body}{marker}。"


def make(
    question: str,
    text: str,
    kind: Kind | str,
    citations: Sequence[Citation],
    abstained: bool = False,
    relevance: float = 1.0,
) -> Answer:
    """An extractive answer; the router fills in the standalone question."""
    return Answer(question, question, text, abstained, "extractive", str(kind), tuple(citations), None, relevance)
