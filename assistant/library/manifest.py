"""documents.toml written back safely: a complete new file swapped in by one rename."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path

import tomli_w

from assistant.ingest.corpus import MANIFEST_NAME, DocumentMeta

HEADER = (
    "# The documents policyqa answers from. One [[documents]] table per document.\n"
    "# Managed by `policyqa docs add/remove` (editing by hand works too).\n"
    "# `source` is a file in this folder; its reader is chosen by extension.\n\n"
)


def entry_of(meta: DocumentMeta) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": meta.doc_id,
        "title": meta.title,
        "number": meta.number,
        "issuer": meta.issuer,
        "date": meta.date,
        "source": meta.source,
    }
    if meta.short_title:
        entry["short_title"] = meta.short_title
    if meta.clauses:
        entry["clauses"] = meta.clauses
    return entry


def read_entries(corpus_dir: Path) -> list[dict[str, object]]:
    """The raw [[documents]] tables (keys policyqa does not know are kept)."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("documents", [])
    return [dict(entry) for entry in entries if isinstance(entry, dict)]


def write_entries(corpus_dir: Path, entries: list[dict[str, object]]) -> None:
    """Replace documents.toml atomically: readers see the old file or the new one, never half."""
    text = HEADER + tomli_w.dumps({"documents": entries})
    corpus_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".documents-", suffix=".toml", dir=corpus_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, corpus_dir / MANIFEST_NAME)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
