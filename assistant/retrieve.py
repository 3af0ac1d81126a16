"""Step 6: hybrid retrieval. Dense (FAISS) and BM25 chunk rankings, fused, merged per clause.

Fusion is reciprocal-rank fusion by default (POLICYQA_FUSION=rrf); a weighted sum of
normalised scores is the alternative (POLICYQA_FUSION=weighted). eval/ measures both.
Either way a hit's score lies in [0, 1]: RRF scores are divided by the score of an item
ranked first by both rankings.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.embed import Embedder
from assistant.errors import UnknownDocumentError
from assistant.expand import NO_EXPANSION, Expander
from assistant.index import PolicyIndex
from assistant.ingest.document import Clause
from assistant.markers import bracket, marker
from assistant.search.backend import EVERYTHING, Scope
from assistant.settings import Settings

Fusion = Literal["rrf", "weighted"]
# How far down each ranking fusion looks; the corpus is small, larger ones are cut here.
CANDIDATES = 100
QUERY_CACHE = 256  # query vectors kept per searcher


@dataclass(frozen=True)
class Hit:
    """A clause that matches a query, with the chunk that matched best."""

    doc_id: str
    locator: str
    label: str
    breadcrumb: tuple[str, ...]
    text: str
    best_chunk: str
    score: float
    lead_unit: str | None
    kind: str
    cite: str = ""
    # how likely this clause answers the query, in [0, 1]; set by the answering step
    # (assistant.answer.relevance), None for raw retrieval
    relevance: float | None = None

    @property
    def marker(self) -> str:
        """The clause's citation marker: ［二（三）3］, ［第十二条（一）］, ［5.1.2］."""
        return bracket(self.cite) if self.cite else marker(self.locator)

    def to_json(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "locator": self.locator,
            "label": self.label,
            "breadcrumb": list(self.breadcrumb),
            "text": self.text,
            "best_chunk": self.best_chunk,
            "score": round(self.score, 6),
            "lead_unit": self.lead_unit,
            "kind": self.kind,
            "relevance": None if self.relevance is None else round(self.relevance, 4),
        }


@dataclass(frozen=True)
class Retrieval:
    """The clause hits of a query and the chunk scores of each ranking (chunk index -> score)."""

    hits: list[Hit]
    dense: dict[int, float]
    sparse: dict[int, float]


def rrf_fuse(rankings: Sequence[Sequence[int]], k: int) -> dict[int, float]:
    """Reciprocal-rank fusion: each ranking adds 1 / (k + rank) to the items it lists."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def weighted_fuse(dense: dict[int, float], sparse: dict[int, float], dense_weight: float) -> dict[int, float]:
    """Weighted sum of scores scaled to [0, 1] within each ranking."""

    def scaled(scores: dict[int, float]) -> dict[int, float]:
        if not scores:
            return {}
        low, high = min(scores.values()), max(scores.values())
        span = high - low
        return {i: (s - low) / span if span > 0 else 1.0 for i, s in scores.items()}

    d, s = scaled(dense), scaled(sparse)
    return {i: dense_weight * d.get(i, 0.0) + (1 - dense_weight) * s.get(i, 0.0) for i in set(d) | set(s)}


class Searcher:
    """Answers queries with clause-level hits from a loaded index."""

    def __init__(
        self,
        index: PolicyIndex,
        embedder: Embedder,
        fusion: Fusion = "rrf",
        rrf_k: int = 60,
        dense_weight: float = 0.5,
        expander: Expander = NO_EXPANSION,
    ) -> None:
        self.index = index
        self.expander = expander
        self.embedder = embedder
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self._clauses: dict[tuple[str, str], Clause] = {
            (clause.doc_id, clause.locator): clause for doc in index.documents for clause in doc.clauses
        }
        self._corpus_text = "\n".join(chunk.text for chunk in index.chunks)  # words the documents use
        # answering may retrieve twice for one question (which document, then which clause)
        self._query_vector = functools.lru_cache(maxsize=QUERY_CACHE)(self._embed_query)
        # …and its keyword tokens, read again when the answer picks the sentence to quote
        self._keyword_tokens = functools.lru_cache(maxsize=QUERY_CACHE)(self._tokens_with_terms)

    def clear_query_cache(self) -> None:
        self._query_vector.cache_clear()
        self._keyword_tokens.cache_clear()

    def _embed_query(self, query: str) -> np.ndarray:
        return self.embedder.encode([query], "query")

    def dense_scores(self, query: str, scope: Scope = EVERYTHING) -> dict[int, float]:
        """Cosine similarity of the query to its nearest chunks in scope."""
        return self.index.backend.dense(self._query_vector(query), CANDIDATES, scope)

    def bm25_scores(self, query: str, scope: Scope = EVERYTHING) -> dict[int, float]:
        """BM25 scores of the chunks in scope sharing at least one token with the query."""
        return self.index.backend.sparse(self.index.tokenizer.tokens(query), CANDIDATES, scope)

    def keyword_tokens(self, query: str) -> list[str]:
        """The query's tokens and those of the official terms its everyday words stand for.

        A term counts by its longest search-mode tokens (机动车驾驶证 → 机动车, 驾驶证; 千瓦时 →
        千瓦时), without the sub-words search mode adds inside them (机动, 动车, 驾驶): an
        everyday word the question said once must not outweigh the words it said itself.
        """
        return list(self._keyword_tokens(query))

    def _tokens_with_terms(self, query: str) -> tuple[str, ...]:
        tokenize = self.index.tokenizer.tokens
        tokens = tokenize(query)
        for term in self.expander.terms_for(query, self._corpus_text.__contains__):
            words = tokenize(term)
            tokens += [w for w in words if not any(w != other and w in other for other in words)]
        return tuple(tokens)

    def search(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None, within: str | None = None
    ) -> list[Hit]:
        """The top_k clauses for a query, best first."""
        return self.retrieve(query, top_k, doc_ids, within).hits

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None, within: str | None = None
    ) -> Retrieval:
        """Hits together with the chunk scores behind them (answering judges confidence on those).

        `doc_ids` keeps to some documents, `within` to a clause and its descendants (a locator
        such as 二 or 第三章); the backend applies both before ranking.
        """
        scope = Scope.of(doc_ids, within)
        # the dense model reads everyday words well; the keyword ranking needs the official ones
        dense = self.dense_scores(query, scope)
        sparse = self.index.backend.sparse(self.keyword_tokens(query), CANDIDATES, scope)
        if self.fusion == "rrf":
            rankings = [sorted(scores, key=scores.__getitem__, reverse=True) for scores in (dense, sparse)]
            best_possible = len(rankings) / (self.rrf_k + 1)
            fused = {i: value / best_possible for i, value in rrf_fuse(rankings, self.rrf_k).items()}
        else:
            fused = weighted_fuse(dense, sparse, self.dense_weight)
        return Retrieval(self._merge_per_clause(fused, top_k), dense, sparse)

    def _merge_per_clause(self, fused: dict[int, float], top_k: int) -> list[Hit]:
        best: dict[tuple[str, str], tuple[float, int]] = {}
        for i, score in fused.items():
            chunk = self.index.chunks[i]
            key = (chunk.doc_id, chunk.locator)
            if key not in best or score > best[key][0]:
                best[key] = (score, i)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1]))[:top_k]
        hits = []
        for key, (score, i) in ranked:
            clause = self._clauses[key]
            hits.append(
                Hit(
                    doc_id=clause.doc_id,
                    locator=clause.locator,
                    label=clause.label,
                    breadcrumb=clause.breadcrumb,
                    text=clause.text,
                    best_chunk=self.index.chunks[i].text,
                    score=score,
                    lead_unit=clause.lead_unit,
                    kind=clause.kind,
                    cite=clause.cite,
                )
            )
        return hits


class PolicyRetriever(BaseRetriever):
    """The searcher as a LangChain retriever: one Document per clause, best first.

        from assistant import PolicyRetriever
        retriever = PolicyRetriever.from_settings(top_k=5, doc_ids=["huzhou-jinxiyi-2024"])
        retriever.invoke("人才公寓建设多少平方米")

    Each Document has `id` "<doc_id>/<locator>", the clause text as `page_content` and in
    `metadata`: doc_id, document_title, locator, marker (［二（三）3］, for citing), label,
    breadcrumb, best_chunk, lead_unit, kind, score and relevance.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Searcher
    top_k: int = 5
    doc_ids: list[str] | None = None  # None: every document

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, top_k: int = 5, doc_ids: list[str] | None = None
    ) -> PolicyRetriever:
        """A retriever over the configured index (POLICYQA_* settings), built if missing or stale."""
        from assistant.embed import load_embedder
        from assistant.expand import NO_EXPANSION, Expander
        from assistant.index import open_index
        from assistant.settings import get_settings

        settings = settings or get_settings()
        embedder = load_embedder(settings)
        index = open_index(settings, embedder, progress=False)
        expander = Expander.for_corpus(settings.corpus_dir) if settings.expand_queries else NO_EXPANSION
        searcher = Searcher(index, embedder, settings.fusion, settings.rrf_k, settings.dense_weight, expander)
        known = {doc.meta.doc_id for doc in index.documents}
        unknown = [d for d in doc_ids or () if d not in known]
        if unknown:
            raise UnknownDocumentError(
                f"unknown document id(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        return cls(searcher=searcher, top_k=top_k, doc_ids=doc_ids)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        titles = {doc.meta.doc_id: doc.meta.title for doc in self.searcher.index.documents}
        return [
            Document(
                id=f"{hit.doc_id}/{hit.locator}",
                page_content=hit.text,
                metadata={
                    **{k: v for k, v in hit.to_json().items() if k != "text"},
                    "marker": hit.marker,
                    "document_title": titles.get(hit.doc_id, ""),
                },
            )
            for hit in self.searcher.search(query, self.top_k, self.doc_ids)
        ]
