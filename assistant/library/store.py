"""The corpus as a library of documents: add, remove, list and show, each change all or nothing.

A document is added only when it is a file of a kind policyqa reads (judged by its bytes),
within the size limit, not already in the library (same checksum) and parses into clauses.
The file is stored under a name made from its id, never the uploaded path, and the
manifest is replaced in one rename; on any failure nothing already stored changes.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from assistant.errors import (
    CorpusError,
    DocumentTooLargeError,
    DuplicateDocumentError,
    LibraryError,
    ParseError,
)
from assistant.filelock import exclusive
from assistant.ingest.corpus import MANIFEST_NAME, DocumentMeta, SourceDocument, load_manifest, read_document
from assistant.ingest.document import non_blank
from assistant.ingest.parse import parse_document
from assistant.library.guess import GuessedMeta, guess_metadata
from assistant.library.manifest import entry_of, read_entries, write_entries
from assistant.library.sniff import checked_extension, safe_stem, slug, sniff

LOCK_NAME = ".policyqa-corpus.lock"
MIN_TEXT_CHARS = 20
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


@dataclass(frozen=True)
class Overrides:
    """Metadata given by the person adding a document; None means read it from the document."""

    doc_id: str | None = None
    title: str | None = None
    number: str | None = None
    issuer: str | None = None
    date: str | None = None
    short_title: str | None = None


@dataclass(frozen=True)
class DocumentInfo:
    meta: DocumentMeta
    clauses: int
    size: int
    sha256: str

    def to_json(self) -> dict[str, object]:
        return {**asdict(self.meta), "clauses": self.clauses, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Added:
    info: DocumentInfo
    guessed: GuessedMeta  # what the document says about itself
    given: tuple[str, ...]  # the fields the person gave

    def to_json(self) -> dict[str, object]:
        return {"document": self.info.to_json(), "read_from_document": self.guessed.to_json(), "given": list(self.given)}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Library:
    def __init__(self, corpus_dir: Path, max_bytes: int) -> None:
        self.corpus_dir = corpus_dir
        self.max_bytes = max_bytes

    def _lock(self) -> AbstractContextManager[None]:
        return exclusive(self.corpus_dir / LOCK_NAME, "a change to the document library")

    def documents(self) -> list[DocumentMeta]:
        if not (self.corpus_dir / MANIFEST_NAME).exists():
            return []
        return load_manifest(self.corpus_dir)

    def meta(self, doc_id: str) -> DocumentMeta:
        for meta in self.documents():
            if meta.doc_id == doc_id:
                return meta
        raise LibraryError(f"文件库中没有编号为 {doc_id} 的文档")

    def info(self, doc_id: str) -> DocumentInfo:
        meta = self.meta(doc_id)
        path = self.corpus_dir / meta.source
        parsed = parse_document(SourceDocument(meta, read_document(path)))
        return DocumentInfo(meta, len(parsed.clauses), path.stat().st_size, _sha256(path))

    def add(self, data: bytes, filename: str, overrides: Overrides = Overrides()) -> Added:
        if not data:
            raise LibraryError("文件为空")
        if len(data) > self.max_bytes:
            raise DocumentTooLargeError(
                f"文件大小 {len(data) / 1e6:.1f} MB 超过上限 {self.max_bytes / 1e6:.1f} MB（POLICYQA_MAX_UPLOAD_MB）"
            )
        kind = sniff(data)
        extension = checked_extension(filename, kind)
        checksum = hashlib.sha256(data).hexdigest()
        with self._lock():
            metas = self.documents()
            for meta in metas:
                path = self.corpus_dir / meta.source
                if path.exists() and _sha256(path) == checksum:
                    raise DuplicateDocumentError(f"同一文件已在文件库中：{meta.doc_id}（{meta.title}）")
            handle, temporary = tempfile.mkstemp(prefix=".upload-", suffix=extension, dir=self.corpus_dir)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                return self._store(Path(temporary), filename, extension, checksum, len(data), overrides, metas)
            finally:
                Path(temporary).unlink(missing_ok=True)

    def _store(
        self,
        upload: Path,
        filename: str,
        extension: str,
        checksum: str,
        size: int,
        overrides: Overrides,
        metas: list[DocumentMeta],
    ) -> Added:
        try:
            text = read_document(upload)
        except CorpusError as exc:
            raise LibraryError(f"无法读取文件：{exc}") from exc
        if len(non_blank(text)) < MIN_TEXT_CHARS:
            raise LibraryError("文件中没有可读取的文字（扫描版 PDF 需先做文字识别后再上传）")
        guessed = guess_metadata(text)
        stem = safe_stem(filename)
        doc_id = overrides.doc_id or slug(stem) or f"doc-{checksum[:8]}"
        if not _DOC_ID.match(doc_id):
            raise LibraryError(f"文档编号 {doc_id!r} 只能包含字母、数字、点、横线和下划线，且以字母或数字开头")
        if any(meta.doc_id == doc_id for meta in metas):
            raise DuplicateDocumentError(f"文档编号 {doc_id} 已存在；请用 --id 另取一个编号")
        meta = DocumentMeta(
            doc_id=doc_id,
            title=overrides.title or guessed.title or stem or doc_id,
            number=overrides.number if overrides.number is not None else guessed.number,
            issuer=overrides.issuer if overrides.issuer is not None else guessed.issuer,
            date=overrides.date if overrides.date is not None else guessed.date,
            source=f"{doc_id}{extension}",
            short_title=overrides.short_title or "",
        )
        try:
            parsed = parse_document(SourceDocument(meta, text))
        except ParseError as exc:
            raise LibraryError(f"文件无法解析为条款：{exc}") from exc
        if not parsed.clauses:
            raise LibraryError("文件解析不出任何条款（没有正文段落）")
        meta = replace(meta, clauses=len(parsed.clauses))  # a later build checks the file still gives them
        target = self.corpus_dir / meta.source
        try:
            os.link(upload, target)  # never replaces a file already there
        except FileExistsError as exc:
            raise LibraryError(f"文件夹中已有文件 {meta.source}（不在清单中）；请移走后再添加") from exc
        try:
            write_entries(self.corpus_dir, [*read_entries(self.corpus_dir), entry_of(meta)])
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        given = tuple(name for name, value in asdict(overrides).items() if value is not None)
        return Added(DocumentInfo(meta, len(parsed.clauses), size, checksum), guessed, given)

    def remove(self, doc_id: str) -> DocumentMeta:
        with self._lock():
            meta = self.meta(doc_id)
            entries = read_entries(self.corpus_dir)
            kept = [entry for entry in entries if entry.get("id") != doc_id]
            if not kept:
                raise LibraryError(f"{doc_id} 是文件库中唯一的文档，不能删除（先添加其他文档）")
            write_entries(self.corpus_dir, kept)
            if not any(entry.get("source") == meta.source for entry in kept):
                (self.corpus_dir / meta.source).unlink(missing_ok=True)
            return meta
