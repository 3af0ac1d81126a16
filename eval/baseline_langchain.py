"""The standard LangChain recipe as a baseline: RecursiveCharacterTextSplitter(500, 50) + FAISS.

Same embedder and the same query side as policyqa, so the difference measured is the
structure-aware chunking. Its chunks know nothing of clauses; each is mapped back to the
clause whose text it overlaps most, so both systems can be scored on the same locators.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.embed import Embedder, EmbeddingCache
from assistant.ingest.document import Clause, ParsedDocument, non_blank

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50


def clause_positions(document: ParsedDocument) -> list[str]:
    """For every non-blank character of the document, the locator of its clause ('' for headings)."""
    owners: list[str] = []
    for element in document.elements:
        if isinstance(element, Clause):
            owners += [element.locator] * len(non_blank(element.heading + element.text + element.trailer))
        else:
            owners += [""] * len(non_blank(element.source))
    return owners


class LangChainBaseline:
    """Fixed-size chunks, dense retrieval only, results mapped to clause locators."""

    def __init__(
        self, document: ParsedDocument, source_text: str, embedder: Embedder, cache_dir: Path
    ) -> None:
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        self.chunks = splitter.split_text(source_text)
        self.embedder = embedder
        flat = non_blank(source_text)
        owners = clause_positions(document)
        self.chunk_clauses: list[str] = []
        cursor = 0
        for chunk in self.chunks:
            text = non_blank(chunk)
            start = flat.find(text, max(0, cursor - len(text)))
            start = start if start >= 0 else flat.find(text)
            cursor = start + len(text)
            votes = Counter(owner for owner in owners[start : start + len(text)] if owner)
            self.chunk_clauses.append(votes.most_common(1)[0][0] if votes else "")
        cache = EmbeddingCache(cache_dir, embedder.identity.dimension)
        hashes = [hashlib.sha256(f"lc500:{chunk}".encode()).hexdigest() for chunk in self.chunks]
        vectors, _ = cache.embed_passages(embedder, self.chunks, hashes, batch_size=16)
        cache.save(keep=hashes)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.ascontiguousarray(vectors))

    def ranking(self, query: str, k: int = 10) -> list[str]:
        """Clause locators in the order their chunks rank, each once."""
        vector = self.embedder.encode([query], "query")
        _, ids = self.index.search(vector, min(self.index.ntotal, 4 * k))
        ranked: list[str] = []
        for i in ids[0]:
            locator = self.chunk_clauses[i] if i >= 0 else ""
            if locator and locator not in ranked:
                ranked.append(locator)
        return ranked[:k]
