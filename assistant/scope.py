"""Which documents a question names: by title, by a distinctive run of its title, or by 文号.

Titles come from the parsed documents and their manifest (the manifest title, the titles
of the policies a notice carries), never from a list kept in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.ingest.document import Heading, Kind, ParsedDocument

MIN_SHARED_CHARS = 6  # a shared run this long (支持重点产业, 生活垃圾分类管理) names a document
_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,8}〔\d{4}〕\d+号")
_GENERIC = re.compile(r"关于|印发|的通知|实施意见|实施方案|行动计划|若干措施|管理办法|人民政府|办公室|办公厅")


def _longest_shared_run(a: str, b: str) -> int:
    """Length of the longest substring the two texts share (dynamic programming)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            if ch == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


@dataclass(frozen=True)
class DocumentNames:
    doc_id: str
    number: str
    titles: tuple[str, ...]

    @classmethod
    def of(cls, document: ParsedDocument) -> DocumentNames:
        titles = [document.meta.title]
        titles += [
            e.label if e.kind is Kind.TITLE else e.source.split("\n", 1)[-1].replace("\n", "")
            for e in document.elements
            if isinstance(e, Heading) and e.kind in (Kind.TITLE, Kind.ATTACHMENT)
        ]
        return cls(document.meta.doc_id, document.meta.number, tuple(t for t in titles if t))

    def strength(self, question: str) -> int:
        """How clearly the question names this document: characters of title it shares."""
        if self.number and self.number in question:
            return 100
        best = 0
        for title in self.titles:
            if title in question:
                return 99
            core = _GENERIC.sub("|", title)
            best = max(best, _longest_shared_run(question, core))
        return best


def documents_named(question: str, documents: Iterable[ParsedDocument]) -> set[str]:
    """The documents the question names most clearly, if it names any (ties are kept)."""
    strengths = {names.doc_id: names.strength(question) for names in map(DocumentNames.of, documents)}
    if len(strengths) < 2:
        return set()
    best = max(strengths.values())
    return {doc_id for doc_id, s in strengths.items() if s == best} if best >= MIN_SHARED_CHARS else set()
