"""Step 5: the persisted index: FAISS over chunk vectors, BM25 over jieba tokens.

Layout under POLICYQA_INDEX_DIR:
    current -> builds/<id>     symlink, swapped atomically once a build is complete
    builds/<id>/manifest.json  format version, embedder, corpus checksum, counts
    builds/<id>/documents.json parsed documents (clauses and headings)
    builds/<id>/chunks.jsonl   one chunk per line, in index order
    builds/<id>/vectors.faiss  native FAISS inner-product index over unit vectors (local backend)
    builds/<id>/bm25/          bm25s arrays (.npy) and vocabulary (.json) (local backend)
    builds/<id>/terms.json     the jieba user words the BM25 tokens were made with
    cache/<embedder>/          passage vectors by chunk hash, reused by the next build
    cache/parsed/<hash>.json   parsed documents by text, metadata and parser version
    .build.lock                held while a build runs: a second build is refused at once
Only documents that changed are parsed again and only new chunks are embedded; the
rest of a build (FAISS, BM25 over every chunk) takes well under a second. With the
Milvus backend (assistant.search.milvus) vectors and BM25 live in a collection instead,
and a build inserts only the chunks the collection lacks; the folder keeps the rest.
Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.embed import Embedder, EmbedderIdentity, EmbeddingCache
from assistant.errors import CorpusError, IndexCorruptError, IndexMissingError, IndexWriteError
from assistant.filelock import exclusive
from assistant.ingest.chunk import Chunk, chunk_clauses
from assistant.ingest.corpus import SourceDocument, corpus_checksum, load_corpus
from assistant.ingest.document import ParsedDocument, document_from_json, document_to_json
from assistant.ingest.parse import parse_document
from assistant.search.backend import BuildRows, SearchBackend, SyncReport
from assistant.search.local import LocalBackend, write_local
from assistant.search.milvus import MilvusBackend, MilvusStore, collection_name
from assistant.settings import Settings, get_settings
from assistant.tokenize import Tokenizer, read_terms, words_of_names

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)

FORMAT_VERSION = 1
# Bump when parsing or chunking changes what a clause or chunk is: old indexes become stale.
PARSER_VERSION = 27  # (the index's version: 22 changed the BM25 tokens, not the parse) 3: ingest/ grammar (legal, decimal, frame, tables, inline lead units); 4: 款; 5: bare part numbers, attachment lists as trailers, 公开方式 in the signature; 6: run-together decimal headings split, unmarked 目录, a table between two parts; 7: a long heading without punctuation is a title; 8: a category column before 序号, table cells keep their paragraphs apart; 9: a web page's <h1> title outside its text block; 10: a decimal heading under a lost parent heading, a notice opening with its 主送 line, the contact 附注 after its date; 11: a 目录 whose last entry ran into the first heading, attachments listed in an unmarked 目录; 12: a page title in <h2>…<h4>, the site's name never taken for it; 13: 政策解读：https://… link lines dropped; 14: items a web page ran into one paragraph (1.…；2.…；3.…) split; 15: letter points a. b. below ①, a web page's info line (发表时间, 来源, 浏览量) and font-size buttons dropped; 16: a cell-per-line table led by a 任务类型 column, category rows 行动一：…, 推进单位 as the lead column, …清单（2023-2025年） named 清单; 17: inline （推进单位：…） and （实施单位：…） notes are lead units, a category row 行动一： only by a colon; 18: a table straight after the title, a merged lead cell shared by the rows below it in its category; 19: a cell wrapped inside its block in a cell-per-block table, a figure such as 4.42 alone on its line is no item; 20: an article's name in round brackets (第一条（目的和依据）), an article or item whose line only names it is a heading over its items; 21: lines a web page broke at every inline element joined back (ingest/fragments.py); 22: BM25 tokens and the embedded text read across a space between two Chinese characters (chunk.close_gaps); 23: a notice whose attachments are only tables keeps its body as the preamble, 附件 over the title of a text with no notice only labels the file, a paragraph inside an item whose numbering goes on is no 款, a 款 count without a line that only names the article, a lead note split by a page break; 24: a long column name that ends in what it names (…名称) is a header cell, a row's short named cells in its chunk header; 25: a decimal number against its title (1.1编制目的, 1总则 1.1…), a bare 附件： over an attachment a list named; 26: HTML inside Markdown read (<p>, <br>, entities), a short title ending in a colon counts as a heading when ranking styles, 实施部门/执行单位 lead fields, a bracket's later labels read once; 27: of several tables the one named …清单 is 清单, the others 附表 (numbered when several)
TERMS_FILE = "terms.txt"
BUILD_LOCK = ".build.lock"


class ParseCache:
    """Parsed documents by a digest of their text, metadata and the parser version."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.misses = 0

    @staticmethod
    def key(document: SourceDocument) -> str:
        digest = hashlib.sha256(f"parser {PARSER_VERSION}\0".encode())
        digest.update(json.dumps(asdict(document.meta), ensure_ascii=False, sort_keys=True).encode())
        digest.update(document.text.encode())
        return digest.hexdigest()

    def parse(self, document: SourceDocument) -> ParsedDocument:
        key = self.key(document)
        self.used.add(key)
        path = self.folder / f"{key}.json"
        try:
            return document_from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):  # not cached, or a damaged entry: parse again
            pass
        self.misses += 1
        parsed = parse_document(document)
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(document_to_json(parsed), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
        return parsed

    def prune(self) -> None:
        """Forget documents no longer in the corpus."""
        for path in self.folder.glob("*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


@dataclass(frozen=True)
class IndexManifest:
    format_version: int
    parser_version: int
    embedder: EmbedderIdentity
    corpus_checksum: str
    chunk_chars: int
    built_at: str
    documents: int
    clauses: int
    chunks: int
    embedded: int
    parsed: int = 0  # documents parsed by this build; the rest came from the parse cache
    # SHA-256 of every file of the build: bytes changed after the build are found at load
    checksums: dict[str, str] = field(default_factory=dict)
    backend: str = "local"  # where vectors and BM25 live: "local" (this folder) or "milvus"
    collection: str = ""  # the Milvus collection (milvus backend)
    signature: str = ""  # embedder and tokenizer the backend rows were made with
    sync: dict[str, int] = field(default_factory=dict)  # rows the build added, removed and kept

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> IndexManifest:
        fields = dict(data)
        fields["embedder"] = EmbedderIdentity(**fields["embedder"])  # type: ignore[arg-type]
        return cls(**fields)  # type: ignore[arg-type]


@dataclass
class PolicyIndex:
    """Everything retrieval needs, loaded once."""

    manifest: IndexManifest
    documents: tuple[ParsedDocument, ...]
    chunks: tuple[Chunk, ...]
    backend: SearchBackend
    tokenizer: Tokenizer


@dataclass(frozen=True)
class CorpusState:
    """What an index must match to be fresh."""

    checksum: str
    chunk_chars: int
    embedder: EmbedderIdentity
    backend: str = "local"
    collection: str = ""


def _terms_path(settings: Settings) -> Path:
    return settings.corpus_dir / TERMS_FILE


def current_state(settings: Settings, embedder: Embedder) -> CorpusState:
    documents = load_corpus(settings.corpus_dir)
    digest = hashlib.sha256(corpus_checksum(documents).encode())
    terms = _terms_path(settings)
    if terms.exists():
        digest.update(terms.read_bytes())
    backend = settings.search_backend
    collection = collection_name(settings.milvus_collection, embedder.identity.dimension) if backend == "milvus" else ""
    return CorpusState(digest.hexdigest(), settings.chunk_chars, embedder.identity, backend, collection)


def stale_reason(manifest: IndexManifest, state: CorpusState) -> str | None:
    """Why an index no longer fits the corpus and settings, or None if it does."""
    if manifest.parser_version != PARSER_VERSION:
        return f"parser version {manifest.parser_version} is not {PARSER_VERSION}"
    if manifest.embedder != state.embedder:
        return f"built with {manifest.embedder.slug}, configured {state.embedder.slug}"
    if manifest.chunk_chars != state.chunk_chars:
        return f"chunk size {manifest.chunk_chars} is not {state.chunk_chars}"
    if manifest.corpus_checksum != state.checksum:
        return "the corpus changed since it was built"
    if manifest.backend != state.backend:
        return f"built for the {manifest.backend} search backend, configured {state.backend}"
    if manifest.collection != state.collection:
        return f"built into Milvus collection {manifest.collection!r}, configured {state.collection!r}"
    return None


def build_index(settings: Settings, embedder: Embedder, progress: bool = True) -> IndexManifest:
    """Parse, chunk, embed and index the corpus, then swap the new index in.

    The build is written to a fresh folder and becomes `current` by one atomic rename,
    so a crash mid-build leaves the previous index untouched.
    """
    with _writing(settings.index_dir), exclusive(settings.index_dir / BUILD_LOCK, "an index build"):
        return _build(settings, embedder, progress)


@contextmanager
def _writing(index_dir: Path) -> Iterator[None]:
    """An OS error while building (a read-only folder, a full disk) as one clear sentence."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or index_dir
        raise IndexWriteError(
            f"cannot write the index at {where}: {exc.strerror or exc}; make {index_dir} writable "
            "(or point POLICYQA_INDEX_DIR at a writable folder), then run `policyqa index`"
        ) from exc


# A document that now parses into less than this share of the clauses recorded when it was
# added has most likely been cut short or damaged; a deliberate rewrite is re-added instead.
MIN_SHARE_OF_RECORDED = 0.5


def check_complete(parsed: Sequence[ParsedDocument]) -> None:
    """Refuse a corpus in which a document parses into nothing, or into far fewer clauses than
    documents.toml recorded for it."""
    for doc in parsed:
        meta = doc.meta
        if not doc.clauses:
            raise CorpusError(
                f"{meta.source} ({meta.doc_id}) parses into no clauses: the file is empty or holds no text; "
                f"restore it, or remove it with `policyqa docs remove {meta.doc_id}`"
            )
        if meta.clauses and len(doc.clauses) < meta.clauses * MIN_SHARE_OF_RECORDED:
            raise CorpusError(
                f"{meta.source} ({meta.doc_id}) parses into {len(doc.clauses)} clauses, but documents.toml "
                f"recorded {meta.clauses}: the file looks cut short or damaged; restore it (if it really "
                f"changed, add it again with `policyqa docs remove {meta.doc_id}` and `policyqa docs add`)"
            )


def _stale(settings: Settings, state: CorpusState) -> str | None:
    try:
        return stale_reason(read_manifest(settings.index_dir), state)
    except IndexMissingError:
        return "no index yet"


def _build(settings: Settings, embedder: Embedder, progress: bool) -> IndexManifest:
    documents = load_corpus(settings.corpus_dir)
    ours = {doc.meta.doc_id for doc in documents} | _previous_documents(settings.index_dir)
    parse_cache = ParseCache(settings.index_dir / "cache" / "parsed")
    parsed = [parse_cache.parse(doc) for doc in documents]
    check_complete(parsed)
    clauses = [clause for doc in parsed for clause in doc.clauses]
    chunks = chunk_clauses(clauses, settings.chunk_chars)
    state = current_state(settings, embedder)
    terms = read_terms(str(_terms_path(settings)) if _terms_path(settings).exists() else None)
    tokenizer = Tokenizer([*terms, *words_of_names(c.lead_unit for c in clauses if c.lead_unit)])

    identity = embedder.identity
    cache = EmbeddingCache(settings.index_dir / "cache" / identity.slug, identity.dimension)
    hashes = [chunk.content_hash for chunk in chunks]
    missing = cache.count_missing(hashes)
    with tqdm(total=missing, desc="embedding", unit="chunk", file=sys.stderr, disable=not progress) as bar:
        matrix, embedded = cache.embed_passages(
            embedder, [c.indexed_text for c in chunks], hashes, settings.embed_batch_size, bar.update
        )

    of_clause = {(c.doc_id, c.locator): c for c in clauses}
    rows = BuildRows(
        chunks=chunks,
        vectors=np.ascontiguousarray(matrix, dtype=np.float32),
        tokens=[tokenizer.tokens(c.indexed_text) for c in chunks],
        kinds=[of_clause[(c.doc_id, c.locator)].kind for c in chunks],
        lead_units=[of_clause[(c.doc_id, c.locator)].lead_unit or "" for c in chunks],
        signature=signature(identity, tokenizer),
    )
    manifest = IndexManifest(
        format_version=FORMAT_VERSION,
        parser_version=PARSER_VERSION,
        embedder=identity,
        corpus_checksum=state.checksum,
        chunk_chars=settings.chunk_chars,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        documents=len(parsed),
        clauses=len(clauses),
        chunks=len(chunks),
        embedded=embedded,
        parsed=parse_cache.misses,
        backend=state.backend,
        collection=state.collection,
        signature=rows.signature,
    )
    store = None
    if state.backend == "milvus":  # reached first: an unreachable engine leaves no half-made folder
        store = MilvusStore.open(settings.milvus_address, settings.milvus_token, state.collection)
    builds = settings.index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
    if store is not None:
        with tqdm(total=len(chunks), desc="milvus", unit="chunk", file=sys.stderr, disable=not progress) as bar:
            report = store.add(rows, bar.update)
    else:
        report = write_local(target, rows, identity.dimension)
    manifest = _write(target, replace(manifest, sync=report.to_json()), parsed, chunks, tokenizer)
    _swap_in(settings.index_dir, target)
    if store is not None:  # rows no chunk needs any more go once the new index is current
        manifest = replace(manifest, sync=SyncReport(report.added, store.prune(rows, ours), report.kept).to_json())
        _write_manifest(target, manifest)
        # not closed: pymilvus shares one connection per address, and the serving index uses it
    cache.save(keep=hashes)
    parse_cache.prune()
    return manifest


def _previous_documents(index_dir: Path) -> set[str]:
    """The documents of the index being replaced (their rows in a backend are ours to remove)."""
    try:
        with (index_dir / "current" / "chunks.jsonl").open(encoding="utf-8") as handle:
            return {json.loads(line)["doc_id"] for line in handle if line.strip()}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def signature(identity: EmbedderIdentity, tokenizer: Tokenizer) -> str:
    """What a backend row depends on besides its chunk: the embedder and the BM25 tokenizer."""
    digest = hashlib.sha256(identity.slug.encode())
    for word in tokenizer.user_words:
        digest.update(f"\0{word}".encode())
    return digest.hexdigest()[:16]


def _write(
    target: Path,
    manifest: IndexManifest,
    parsed: list[ParsedDocument],
    chunks: list[Chunk],
    tokenizer: Tokenizer,
) -> IndexManifest:
    """Write a build's files, then its manifest with their checksums (returned)."""
    (target / "documents.json").write_text(
        json.dumps([document_to_json(doc) for doc in parsed], ensure_ascii=False), encoding="utf-8"
    )
    with (target / "chunks.jsonl").open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
    (target / "terms.json").write_text(json.dumps(tokenizer.user_words, ensure_ascii=False), encoding="utf-8")
    manifest = replace(manifest, checksums=file_checksums(target))
    # The manifest goes last: a folder without one is an unfinished build.
    _write_manifest(target, manifest)
    return manifest


def _write_manifest(target: Path, manifest: IndexManifest) -> None:
    temporary = target / f".manifest.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(manifest.to_json(), indent=2), encoding="utf-8")
    os.replace(temporary, target / "manifest.json")


def file_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of a build but its manifest, by path relative to the build."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "manifest.json" and not path.name.startswith(".manifest.")
    }


def _swap_in(index_dir: Path, target: Path) -> None:
    current = index_dir / "current"
    link = index_dir / f".current-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(target.relative_to(index_dir))
    previous = current.resolve() if current.is_symlink() else None
    os.replace(link, current)
    for build in (index_dir / "builds").iterdir():
        if build != target and build.resolve() != previous:
            shutil.rmtree(build, ignore_errors=True)
    if previous and previous != target.resolve():
        shutil.rmtree(previous, ignore_errors=True)


def read_manifest(index_dir: Path) -> IndexManifest:
    """The manifest of the current index, or IndexMissingError / IndexCorruptError."""
    path = index_dir / "current" / "manifest.json"
    if not path.exists():
        raise IndexMissingError(f"no index at {index_dir}; run `policyqa index`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexCorruptError(
                f"index format {data.get('format_version')} at {path.parent} is not {FORMAT_VERSION}; "
                "run `policyqa index` to rebuild"
            )
        return IndexManifest.from_json(data)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise IndexCorruptError(
            f"unreadable manifest {path}: {exc}; run `policyqa index` to rebuild"
        ) from exc


def load_index(index_dir: Path, settings: Settings | None = None) -> PolicyIndex:
    """Load the current index, checking that its parts agree with each other.

    `settings` says where Milvus is for an index built for it (default: the environment's).
    """
    manifest = read_manifest(index_dir)
    folder = index_dir / "current"
    if manifest.checksums:
        found = file_checksums(folder)
        changed = sorted(name for name in manifest.checksums.keys() | found.keys()
                         if manifest.checksums.get(name) != found.get(name))
        if changed:
            raise IndexCorruptError(
                f"index at {folder} is damaged ({', '.join(changed)} changed since the build); "
                "run `policyqa index` to rebuild"
            )
    try:
        documents = tuple(
            document_from_json(doc)
            for doc in json.loads((folder / "documents.json").read_text(encoding="utf-8"))
        )
        with (folder / "chunks.jsonl").open(encoding="utf-8") as handle:
            chunks = tuple(Chunk(**json.loads(line)) for line in handle if line.strip())
        tokenizer = Tokenizer(json.loads((folder / "terms.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise IndexCorruptError(
            f"index at {folder} is damaged ({exc}); run `policyqa index` to rebuild"
        ) from exc
    if len(chunks) != manifest.chunks or len(documents) != manifest.documents:
        raise IndexCorruptError(
            f"index at {folder} is inconsistent ({len(chunks)} of {manifest.chunks} chunks, "
            f"{len(documents)} of {manifest.documents} documents); run `policyqa index` to rebuild"
        )
    backend: SearchBackend
    if manifest.backend == "milvus":
        settings = settings or get_settings()
        store = MilvusStore.open(settings.milvus_address, settings.milvus_token, manifest.collection)
        backend = MilvusBackend.load(store, chunks, manifest.signature)
    else:
        backend = LocalBackend.load(folder, chunks, manifest.embedder.dimension)
    return PolicyIndex(manifest, documents, chunks, backend, tokenizer)


def open_index(settings: Settings, embedder: Embedder, progress: bool = True) -> PolicyIndex:
    """The current index, built first when missing and rebuilt when stale."""
    state = current_state(settings, embedder)
    if _stale(settings, state):
        # Another process may be building this very index: wait for it, then look again.
        with _writing(settings.index_dir), exclusive(settings.index_dir / BUILD_LOCK, "an index build", wait=True):
            reason = _stale(settings, state)
            if reason:
                log.warning("building the index: %s", reason)
                _build(settings, embedder, progress)
    try:
        return load_index(settings.index_dir, settings)
    except IndexCorruptError as exc:  # the corpus is the source of truth: build the index again
        log.warning("rebuilding a damaged index: %s", exc)
        with _writing(settings.index_dir), exclusive(settings.index_dir / BUILD_LOCK, "an index build", wait=True):
            _build(settings, embedder, progress)
        return load_index(settings.index_dir, settings)
