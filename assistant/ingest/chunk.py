"""Step 3: split clauses into chunks small enough to embed, keeping the clause locator.

A clause up to the target length is one chunk. A longer clause is split per paragraph,
and a long paragraph at sentence ends (。！？). Short sentences (under half the target)
are packed together; a longer sentence stands alone, and one over the target is split
at its semicolons into pieces packed only with each other. So a substantial sentence
never shares a chunk with another: in 二/一/3 each district's sentences get their own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.ingest.document import Clause

BREADCRUMB_SEPARATOR = " › "
_NAMED_CELL = re.compile(r"(?=.*[\u4e00-\u9fff])[^\d\s，。；,;]{2,12}")  # a name, not a figure or a sentence
_CLOSERS = "”’」』）)"
_SENTENCE = re.compile(rf"[^。！？]*[。！？][{_CLOSERS}]*|[^。！？]+$")
_CLAUSE_PART = re.compile(rf"[^；]*；[{_CLOSERS}]*|[^；]+$")
# A space between two Chinese characters: PDF text breaks words so (条 例, 原 则); written
# Chinese never separates words by spaces, so what is embedded and matched reads across it.
# A label (第三条 …) keeps its space: it is the document's own separator, not a break.
_CJK_GAP = re.compile(
    r"(第[一二三四五六七八九十百零〇\d]+(?:[编章节条款]|部分)[ \u3000]+)|(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])"
)


@dataclass(frozen=True)
class Chunk:
    """A piece of one clause: the unit that is embedded and matched."""

    doc_id: str
    locator: str
    ordinal: int
    text: str
    indexed_text: str

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}#{self.locator}#{self.ordinal}"

    @property
    def content_hash(self) -> str:
        """Identifies what gets embedded; unchanged text keeps its cached vector."""
        return hashlib.sha256(self.indexed_text.encode("utf-8")).hexdigest()


def close_gaps(text: str) -> str:
    """The text without spaces between two Chinese characters (条 例 → 条例); lines stay apart."""
    return _CJK_GAP.sub(lambda gap: gap.group(1) or "", text)


def sentences(text: str) -> list[str]:
    """The sentences of a text, line by line, each keeping its closing punctuation."""
    return [s for line in text.split("\n") for s in _SENTENCE.findall(line) if s.strip()]


def _pack(pieces: Iterable[str], target: int) -> list[str]:
    """Greedily join consecutive pieces while the result stays within target."""
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + len(piece) <= target:
            packed[-1] += piece
        else:
            packed.append(piece)
    return packed


def split_paragraph(paragraph: str, target: int) -> list[str]:
    """Split one paragraph into pieces of about `target` characters; joined they give it back."""
    if len(paragraph) <= target:
        return [paragraph]
    groups: list[str] = []
    short: list[str] = []
    for sentence in _SENTENCE.findall(paragraph):
        if len(sentence) < target // 2:
            short.append(sentence)
            continue
        groups.extend(_pack(short, target))
        short = []
        groups.extend(_pack(_CLAUSE_PART.findall(sentence), target) if len(sentence) > target else [sentence])
    groups.extend(_pack(short, target))
    return groups


def clause_header(clause: Clause) -> str:
    """What every chunk of a clause is indexed with besides its text: where it sits."""
    header = BREADCRUMB_SEPARATOR.join(clause.breadcrumb)
    if clause.lead_unit:
        header += f"\n牵头单位：{clause.lead_unit}"
    for name, value in clause.fields:  # a row's short named cells (所在区：甲区) are found by their words too
        if _NAMED_CELL.fullmatch(value) and value not in clause.text and value not in header:
            header += f"\n{name}：{value}"
    return header


def chunk_clause(clause: Clause, target: int) -> list[Chunk]:
    """The chunks of one clause, in order."""
    if len(clause.text) <= target:
        pieces = [clause.text]
    else:
        pieces = [piece for paragraph in clause.paragraphs for piece in split_paragraph(paragraph, target)]
    header = clause_header(clause)
    return [
        Chunk(
            doc_id=clause.doc_id,
            locator=clause.locator,
            ordinal=ordinal,
            text=piece,
            indexed_text=f"{header}\n{close_gaps(piece)}",
        )
        for ordinal, piece in enumerate(pieces)
    ]


def chunk_clauses(clauses: Iterable[Clause], target: int) -> list[Chunk]:
    return [chunk for clause in clauses for chunk in chunk_clause(clause, target)]
