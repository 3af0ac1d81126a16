"""The seam between policyqa and a search engine: one small protocol, two value types."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.ingest.chunk import Chunk


@dataclass(frozen=True)
class Scope:
    """Which chunks a search may return: some documents, a clause and its descendants.

    A backend applies the scope before ranking (an expression in Milvus, a mask over
    FAISS and BM25 locally), so a narrow scope still gets its full number of candidates.
    """

    doc_ids: frozenset[str] | None = None
    locator_prefix: str | None = None  # "二" admits 二 itself and 二/一/3, not 二十

    @classmethod
    def of(cls, doc_ids: Collection[str] | None = None, locator_prefix: str | None = None) -> Scope:
        return cls(None if doc_ids is None else frozenset(doc_ids), locator_prefix or None)

    @property
    def everything(self) -> bool:
        return self.doc_ids is None and self.locator_prefix is None

    def admits(self, chunk: Chunk) -> bool:
        if self.doc_ids is not None and chunk.doc_id not in self.doc_ids:
            return False
        prefix = self.locator_prefix
        return prefix is None or chunk.locator == prefix or chunk.locator.startswith(prefix + "/")


EVERYTHING = Scope()


@dataclass(frozen=True)
class BuildRows:
    """What a backend indexes: the chunks in index order, their unit vectors and BM25 tokens."""

    chunks: Sequence[Chunk]
    vectors: np.ndarray  # float32, one unit row per chunk
    tokens: Sequence[list[str]]
    # per chunk: the clause's kind and lead unit, kept as filterable fields where the engine has them
    kinds: Sequence[str]
    lead_units: Sequence[str]
    signature: str  # embedder and tokenizer: rows made under another signature are replaced


@dataclass(frozen=True)
class SyncReport:
    """What a build changed in the backend (a local build rewrites everything it holds)."""

    added: int
    removed: int
    kept: int

    def to_json(self) -> dict[str, int]:
        return {"added": self.added, "removed": self.removed, "kept": self.kept}


class SearchBackend(Protocol):
    """Ranks the chunks of a loaded index; chunk numbers are positions in `PolicyIndex.chunks`."""

    name: str

    def dense(self, vector: np.ndarray, limit: int, scope: Scope) -> dict[int, float]:
        """Inner product (cosine of unit vectors) of the query with its nearest chunks in scope."""
        ...

    def sparse(self, tokens: Sequence[str], limit: int, scope: Scope) -> dict[int, float]:
        """BM25 scores of the best chunks in scope sharing a token with the query (all > 0)."""
        ...

    def close(self) -> None:
        """Release connections when the process is done searching (pymilvus shares one per address)."""
        ...
