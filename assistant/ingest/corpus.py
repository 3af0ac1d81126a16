"""Step 1: read the corpus manifest and the documents' text.

Readers are chosen by file extension (assistant.ingest.readers): each turns a file into
the same text model, so one parser reads them all.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError
from assistant.ingest.readers import READERS, decode_text, normalise_text

__all__ = ["decode_text", "normalise_text", "read_document", "load_corpus", "load_manifest"]

MANIFEST_NAME = "documents.toml"



@dataclass(frozen=True)
class DocumentMeta:
    """What the manifest says about one document."""

    doc_id: str
    title: str
    number: str
    issuer: str
    date: str
    source: str
    short_title: str = ""  # what staff call the document; optional
    clauses: int = 0  # clauses it parsed into when added (0: not recorded); a build checks it still does

    @property
    def short_name(self) -> str:
        """The short title given in the manifest, else one made from the title."""
        return self.short_title or short_title_of(self.title)


_PRINTED = re.compile(r"关于(?:印发|转发|公布|发布)[《“]?(.+?)[》”]?的(?:通知|决定|通告|公告)$")
_SUBJECT = re.compile(r"^.{0,40}?关于(.+)$")
_PERIOD = re.compile(r"[（(][^（）()]*\d{4}[^（）()]*[）)]$")


def short_title_of(title: str) -> str:
    """A title without its frame: 《X》 of a 关于印发《X》的通知, the subject after 甲关于, no （2024—2030年）."""
    short = title.strip().strip("《》")
    printed = _PRINTED.search(short)
    if printed:
        short = printed.group(1)
    else:
        subject = _SUBJECT.match(short)
        if subject and len(subject.group(1)) >= 6:
            short = subject.group(1)
    return _PERIOD.sub("", short).strip() or title


@dataclass(frozen=True)
class SourceDocument:
    """A document's metadata and its text, normalised (LF line ends, no BOM)."""

    meta: DocumentMeta
    text: str


def read_document(path: Path) -> str:
    """Read one document with the reader registered for its extension."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise CorpusError(f"{path.name}: no reader for '{path.suffix}' files (known: {known})")
    try:
        return reader(path)
    except OSError as exc:
        raise CorpusError(f"{path}: {exc.strerror or exc}") from exc
    except CorpusError as exc:
        raise CorpusError(f"{path.name}: {exc}") from exc


def _meta_from_entry(entry: object, position: int) -> DocumentMeta:
    if not isinstance(entry, dict):
        raise CorpusError(f"{MANIFEST_NAME}: documents[{position}] is not a table")
    missing = [key for key in ("id", "title", "source") if not entry.get(key)]
    if missing:
        raise CorpusError(f"{MANIFEST_NAME}: documents[{position}] lacks {', '.join(missing)}")
    clauses = entry.get("clauses", 0)
    if not isinstance(clauses, int) or isinstance(clauses, bool) or clauses < 0:
        raise CorpusError(f"{MANIFEST_NAME}: documents[{position}].clauses must be a whole number, not {clauses!r}")
    return DocumentMeta(
        clauses=clauses,
        doc_id=str(entry["id"]),
        title=str(entry["title"]),
        number=str(entry.get("number", "")),
        issuer=str(entry.get("issuer", "")),
        date=str(entry.get("date", "")),
        source=str(entry["source"]),
        short_title=str(entry.get("short_title", "")),
    )


def load_manifest(corpus_dir: Path) -> list[DocumentMeta]:
    """Read documents.toml; ids must be unique."""
    path = corpus_dir / MANIFEST_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorpusError(f"no corpus manifest at {path}; set POLICYQA_CORPUS_DIR") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: invalid TOML: {exc}") from exc
    entries = data.get("documents", [])
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{path}: no [[documents]] entries")
    metas = [_meta_from_entry(entry, i) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for meta in metas:
        if meta.doc_id in seen:
            raise CorpusError(f"{path}: document id '{meta.doc_id}' appears twice")
        seen.add(meta.doc_id)
    return metas


def load_corpus(corpus_dir: Path) -> list[SourceDocument]:
    """Every document of the manifest with its text."""
    return [
        SourceDocument(meta=meta, text=read_document(corpus_dir / meta.source))
        for meta in load_manifest(corpus_dir)
    ]


def corpus_checksum(documents: list[SourceDocument]) -> str:
    """A digest of every document's metadata and text: it changes when the corpus does."""
    digest = hashlib.sha256()
    for doc in documents:
        for part in (doc.meta.doc_id, doc.meta.title, doc.meta.number, doc.meta.date, doc.meta.short_title, doc.text):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
    return digest.hexdigest()
