"""The default backend: FAISS inner product and bm25s, in the serving process.

Files in a build folder: vectors.faiss (a flat inner-product index over unit vectors)
and bm25/ (bm25s arrays and vocabulary). A build writes both afresh: the vectors come
from the embedding cache, so this takes well under a second for thousands of chunks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import faiss
import numpy as np

from assistant.errors import IndexCorruptError
from assistant.ingest.chunk import Chunk
from assistant.search.backend import BuildRows, Scope, SyncReport

VECTORS = "vectors.faiss"
BM25 = "bm25"


def write_local(folder: Path, rows: BuildRows, dimension: int) -> SyncReport:
    """Write the FAISS and BM25 files of a build into its folder."""
    vectors = faiss.IndexFlatIP(dimension)
    vectors.add(np.ascontiguousarray(rows.vectors, dtype=np.float32))
    bm25 = bm25s.BM25()
    bm25.index(list(rows.tokens), show_progress=False)
    faiss.write_index(vectors, str(folder / VECTORS))
    bm25.save(str(folder / BM25), show_progress=False)
    return SyncReport(added=len(rows.chunks), removed=0, kept=0)


class LocalBackend:
    """FAISS and bm25s loaded from a build folder."""

    name = "local"

    def __init__(self, vectors: faiss.Index, bm25: bm25s.BM25, chunks: Sequence[Chunk]) -> None:
        self.vectors = vectors
        self.bm25 = bm25
        self._chunks = chunks
        self._scopes: dict[Scope, np.ndarray] = {}

    @classmethod
    def load(cls, folder: Path, chunks: Sequence[Chunk], dimension: int) -> LocalBackend:
        try:
            vectors = faiss.read_index(str(folder / VECTORS))
            bm25 = bm25s.BM25.load(str(folder / BM25), show_progress=False)
        except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
            raise IndexCorruptError(f"index at {folder} is damaged ({exc}); run `policyqa index` to rebuild") from exc
        sizes = {"chunks.jsonl": len(chunks), VECTORS: vectors.ntotal, BM25: int(bm25.scores["num_docs"])}
        if len(set(sizes.values())) != 1 or vectors.d != dimension:
            raise IndexCorruptError(
                f"index at {folder} is inconsistent (chunk counts {sizes}, dimension {vectors.d} "
                f"instead of {dimension}); run `policyqa index` to rebuild"
            )
        return cls(vectors, bm25, chunks)

    def _admitted(self, scope: Scope) -> np.ndarray:
        """The chunk numbers a scope admits (kept for the few scopes a service sees)."""
        admitted = self._scopes.get(scope)
        if admitted is None:  # worker threads share this: never read back what another may clear
            if len(self._scopes) > 256:
                self._scopes.clear()
            admitted = np.array([i for i, chunk in enumerate(self._chunks) if scope.admits(chunk)], dtype=np.int64)
            self._scopes[scope] = admitted
        return admitted

    def dense(self, vector: np.ndarray, limit: int, scope: Scope) -> dict[int, float]:
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        if scope.everything:
            scores, ids = self.vectors.search(query, min(limit, self.vectors.ntotal))
        else:
            admitted = self._admitted(scope)
            if not admitted.size:
                return {}
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(admitted))  # type: ignore[call-arg]
            scores, ids = self.vectors.search(query, min(limit, int(admitted.size)), params=params)
        return {int(i): float(s) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0}

    def sparse(self, tokens: Sequence[str], limit: int, scope: Scope) -> dict[int, float]:
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        if not known:
            return {}
        scores = self.bm25.get_scores(known)
        if not scope.everything:
            masked = np.zeros_like(scores)
            admitted = self._admitted(scope)
            masked[admitted] = scores[admitted]
            scores = masked
        top = np.argsort(-scores)[:limit]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def close(self) -> None:
        pass
