"""The Milvus backend: dense vectors and BM25 in one collection, searched by the engine.

`POLICYQA_MILVUS_URI` is a local file path (embedded milvus-lite, one process) or the
http(s) address of a Milvus server, standalone or distributed, that several policyqa
replicas share (`POLICYQA_MILVUS_TOKEN` authenticates). One collection per corpus,
one row per chunk:

    id         VARCHAR primary key: a digest of the chunk, its text and the signature
    doc_id, locator, kind, lead_unit   scalar fields: scopes are filter expressions
    text       the chunk as it reads (for operators inspecting the collection)
    tokens     policyqa's jieba tokens (corpus terms as the user dictionary), split on spaces
    sparse     BM25 of `tokens`, computed by Milvus's BM25 function
    dense      FLOAT_VECTOR of the unit passage embedding, inner product

The tokens are made by policyqa's own tokenizer rather than Milvus's jieba analyzer:
milvus-lite 2.5 rejects a jieba user dictionary (`"dict": [...]`), and the same tokens
on both backends keep their rankings the same. A build adds only rows it does not have
and deletes rows no chunk needs any more, so adding or removing one document touches
only that document's chunks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import signal
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexCorruptError, SearchBackendError
from assistant.ingest.chunk import Chunk
from assistant.search.backend import BuildRows, Scope, SyncReport

log = logging.getLogger(__name__)

BATCH = 512  # rows per insert, ids per get
BM25_PARAMS = {"bm25_k1": 1.5, "bm25_b": 0.75}  # bm25s's defaults, so both backends score alike
MAX_TEXT = 8000  # characters of a chunk kept for display; chunks are a few hundred
MAX_FIELD = 1000  # characters of a lead unit
_NAME = re.compile(r"[^0-9A-Za-z_]")


def row_id(chunk: Chunk, signature: str) -> str:
    """A row's key: the same chunk text at the same place under the same signature."""
    digest = hashlib.sha256(f"{signature}\0{chunk.chunk_id}\0{chunk.indexed_text}".encode())
    return digest.hexdigest()[:32]


def collection_name(prefix: str, dimension: int) -> str:
    """A valid collection name for a corpus prefix and a vector dimension."""
    name = _NAME.sub("_", prefix) or "policyqa"
    if not name[0].isalpha() and name[0] != "_":
        name = f"c_{name}"
    return f"{name}_{dimension}d"[:255]


def _fit(text: str, max_bytes: int) -> str:
    """Cut a string to a VARCHAR's byte limit at a character boundary."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def is_local(uri: str) -> bool:
    return not re.match(r"^(https?|tcp|grpc|unix)://", uri)


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def filter_expression(scope: Scope) -> str:
    """A Milvus boolean expression for a scope ("" for everything)."""
    parts = []
    if scope.doc_ids is not None:
        parts.append(f"doc_id in [{', '.join(_quoted(d) for d in sorted(scope.doc_ids))}]")
    if scope.locator_prefix is not None:
        prefix = scope.locator_prefix
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
        parts.append(f"(locator == {_quoted(prefix)} or locator like {_quoted(like)})")
    return " and ".join(parts)


@contextmanager
def _engine_errors(uri: str) -> Iterator[None]:
    """Any failure of the engine or the connection as one clear sentence."""
    try:
        yield
    except SearchBackendError:
        raise
    except Exception as exc:  # pymilvus raises MilvusException, grpc errors and plain ones
        if type(exc).__module__.startswith(("pymilvus", "grpc", "milvus_lite")) or isinstance(exc, OSError):
            raise SearchBackendError(
                f"Milvus at {uri} failed: {exc}; check that it is running and POLICYQA_MILVUS_URI / "
                "POLICYQA_MILVUS_TOKEN point at it"
            ) from exc
        raise


def connect(uri: str, token: str = "") -> Any:
    """A MilvusClient for a local file (embedded milvus-lite) or a server address."""
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:
        raise SearchBackendError(
            "POLICYQA_SEARCH_BACKEND=milvus needs the optional extra: pip install 'policyqa[milvus]'"
        ) from exc
    logging.getLogger("pymilvus").setLevel(logging.ERROR)  # iterator notices on every build
    if is_local(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    with _engine_errors(uri):
        return MilvusClient(uri=uri, token=token)


def run_embedded_server(db_file: str, host: str, port: int) -> None:
    """milvus-lite as a gRPC server on host:port until this process is interrupted or terminated."""
    try:
        from milvus_lite.server import Server
    except ImportError as exc:
        raise SearchBackendError("milvus-lite is not installed: pip install 'policyqa[milvus]'") from exc
    Path(db_file).parent.mkdir(parents=True, exist_ok=True)
    server = Server(db_file, address=f"{host}:{port}")
    if not server.init() or not server.start():
        raise SearchBackendError(
            f"milvus-lite could not start on {db_file} at {host}:{port}: another process has the file open, "
            "or the port is taken"
        )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        engine = server._p  # the engine process: the server ends when it does
        while engine is not None and engine.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


class MilvusStore:
    """One collection of one corpus in one Milvus: created, synchronised, searched."""

    def __init__(self, client: Any, uri: str, collection: str) -> None:
        self.client = client
        self.uri = uri
        self.collection = collection

    @classmethod
    def open(cls, uri: str, token: str, collection: str) -> MilvusStore:
        return cls(connect(uri, token), uri, collection)

    def _create(self, dimension: int) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(description="policyqa chunks")
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=256)
        schema.add_field("locator", DataType.VARCHAR, max_length=512)
        schema.add_field("kind", DataType.VARCHAR, max_length=64)
        schema.add_field("lead_unit", DataType.VARCHAR, max_length=MAX_FIELD * 4)
        schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT * 4)
        schema.add_field(
            "tokens", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
            analyzer_params={"tokenizer": "whitespace"},
        )
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
        schema.add_function(
            Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["tokens"],
                     output_field_names=["sparse"])
        )
        index = self.client.prepare_index_params()
        index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params=BM25_PARAMS)
        # AUTOINDEX: exact (FLAT) in milvus-lite, a graph index on a Milvus server
        index.add_index("dense", index_type="AUTOINDEX", metric_type="IP")
        index.add_index("doc_id", index_type="INVERTED")
        self.client.create_collection(self.collection, schema=schema, index_params=index)

    def _dimension(self) -> int | None:
        """The dense dimension of the existing collection, None when there is none."""
        if not self.client.has_collection(self.collection):
            return None
        for field in self.client.describe_collection(self.collection)["fields"]:
            if field["name"] == "dense":
                return int(field["params"]["dim"])
        return -1  # not one of ours: recreate it

    def ids(self) -> set[str]:
        """Every row id in the collection."""
        return set(self.rows())

    def rows(self) -> dict[str, str]:
        """Every row id in the collection, with the document it belongs to."""
        iterator = self.client.query_iterator(
            self.collection, batch_size=4096, filter="", output_fields=["id", "doc_id"]
        )
        found: dict[str, str] = {}
        try:
            while batch := iterator.next():
                found.update((row["id"], row["doc_id"]) for row in batch)
        finally:
            iterator.close()
        return found

    def add(self, rows: BuildRows, progress: Any = None) -> SyncReport:
        """Insert the rows the collection lacks (creating it if needed); nothing is deleted yet."""
        dimension = int(rows.vectors.shape[1])
        with _engine_errors(self.uri):
            existing = self._dimension()
            if existing is not None and existing != dimension:
                log.warning("recreating %s: its vectors have dimension %s, not %s", self.collection, existing, dimension)
                self.client.drop_collection(self.collection)
                existing = None
            if existing is None:
                self._create(dimension)
            present = self.ids()
            wanted = [row_id(chunk, rows.signature) for chunk in rows.chunks]
            new = [i for i, key in enumerate(wanted) if key not in present]
            if progress:
                progress(len(wanted) - len(new))
            for start in range(0, len(new), BATCH):
                batch = new[start : start + BATCH]
                self.client.insert(self.collection, [self._row(rows, i, wanted[i]) for i in batch])
                if progress:
                    progress(len(batch))
            self.client.flush(self.collection)
            self.client.load_collection(self.collection)
        return SyncReport(added=len(new), removed=0, kept=len(wanted) - len(new))

    def prune(self, rows: BuildRows, ours: Collection[str]) -> int:
        """Delete the rows of our documents (`ours`: this corpus's and its previous index's) that none
        of these chunks needs: a removed document's, an old text's. How many went.

        Rows of other documents belong to another corpus sharing the collection by mistake:
        they are left alone, with a warning, rather than deleted from under it.
        """
        wanted = {row_id(chunk, rows.signature) for chunk in rows.chunks}
        with _engine_errors(self.uri):
            present = self.rows()
            foreign = sorted({doc for doc in present.values() if doc not in ours})
            if foreign:
                log.warning(
                    "Milvus collection %s also holds documents of another corpus (%s); they are left alone. "
                    "Give each corpus its own POLICYQA_MILVUS_COLLECTION",
                    self.collection, ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else ""),
                )
            stale = sorted(key for key, doc in present.items() if doc in ours and key not in wanted)
            for start in range(0, len(stale), BATCH):
                self.client.delete(self.collection, ids=stale[start : start + BATCH])
            if stale:
                self.client.flush(self.collection)
        return len(stale)

    @staticmethod
    def _row(rows: BuildRows, i: int, key: str) -> dict[str, object]:
        chunk = rows.chunks[i]
        return {
            "id": key,
            "doc_id": chunk.doc_id,
            "locator": chunk.locator,
            "kind": rows.kinds[i],
            "lead_unit": rows.lead_units[i][:MAX_FIELD],
            "text": chunk.text[:MAX_TEXT],
            "tokens": _fit(" ".join(rows.tokens[i]), 65535),
            "dense": rows.vectors[i].astype(np.float32).tolist(),
        }

    def drop(self) -> None:
        with _engine_errors(self.uri):
            if self.client.has_collection(self.collection):
                self.client.drop_collection(self.collection)


class MilvusBackend:
    """Searches a synchronised collection; hits map back to the loaded index's chunks by row id."""

    name = "milvus"

    def __init__(self, store: MilvusStore, chunks: Sequence[Chunk], signature: str) -> None:
        self.store = store
        self._number = {row_id(chunk, signature): i for i, chunk in enumerate(chunks)}
        self._documents: frozenset[str] | None = None  # set when the collection holds rows of others

    @classmethod
    def load(cls, store: MilvusStore, chunks: Sequence[Chunk], signature: str) -> MilvusBackend:
        """Open the collection of a build, refusing one that lacks any of its chunks."""
        backend = cls(store, chunks, signature)
        keys = list(backend._number)
        with _engine_errors(store.uri):
            if not store.client.has_collection(store.collection):
                raise IndexCorruptError(
                    f"Milvus at {store.uri} has no collection {store.collection}; run `policyqa index` to rebuild"
                )
            store.client.load_collection(store.collection)
            found = 0
            for start in range(0, len(keys), BATCH):
                found += len(store.client.get(store.collection, ids=keys[start : start + BATCH], output_fields=["id"]))
            total = store.client.query(store.collection, filter="", output_fields=["count(*)"])[0]["count(*)"]
        if total > found:  # rows of another corpus (or not yet pruned): keep every search to our documents
            backend._documents = frozenset(chunk.doc_id for chunk in chunks)
        if found != len(keys):
            raise IndexCorruptError(
                f"Milvus collection {store.collection} at {store.uri} holds {found} of the index's {len(keys)} "
                "chunks; run `policyqa index` to rebuild"
            )
        return backend

    def _search(self, data: list[Any], field: str, metric: str, limit: int, scope: Scope) -> dict[int, float]:
        with _engine_errors(self.store.uri):
            results = self.store.client.search(
                self.store.collection, data=data, anns_field=field, limit=limit,
                filter=filter_expression(self._ours(scope)), search_params={"metric_type": metric},
            )
        scores: dict[int, float] = {}
        for hit in results[0]:
            number = self._number.get(hit["id"])
            if number is not None:  # a row another build is adding: not in this index yet
                scores[number] = float(hit["distance"])
        return scores

    def _ours(self, scope: Scope) -> Scope:
        if self._documents is None or scope.doc_ids is not None:
            return scope
        return Scope(self._documents, scope.locator_prefix)

    def dense(self, vector: np.ndarray, limit: int, scope: Scope) -> dict[int, float]:
        data = [np.asarray(vector, dtype=np.float32).reshape(-1).tolist()]
        return self._search(data, "dense", "IP", limit, scope)

    def sparse(self, tokens: Sequence[str], limit: int, scope: Scope) -> dict[int, float]:
        if not tokens:
            return {}
        scores = self._search([" ".join(tokens)], "sparse", "BM25", limit, scope)
        return {i: s for i, s in scores.items() if s > 0}

    def close(self) -> None:
        try:
            self.store.client.close()
        except Exception:  # closing twice, or after the server went away
            log.debug("closing the Milvus client failed", exc_info=True)
