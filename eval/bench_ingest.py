"""Benchmark (not a test): reading, parsing and indexing the real-document corpus.

    python -m eval.bench_ingest [--repeat 5] [--json]

Reads and parses every document of eval/realdocs and eval/realdocs-heldout (best of
`repeat` passes), then builds a cold index of them in a temporary folder (no embedding
cache) and reports the build time and chunks embedded per second.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from assistant.embed import load_embedder
from assistant.index import build_index
from assistant.ingest.chunk import chunk_clauses
from assistant.ingest.corpus import MANIFEST_NAME, load_corpus
from assistant.ingest.parse import parse_document
from assistant.settings import get_settings
from eval.parse_truth import HELD_OUT, REAL_DOCS


def merged_corpus(folders: list[Path], target: Path) -> Path:
    """One corpus folder holding the documents of several (their manifests concatenated)."""
    target.mkdir(parents=True, exist_ok=True)
    manifests = []
    for folder in folders:
        manifests.append((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        for path in folder.iterdir():
            if path.is_file() and path.name not in (MANIFEST_NAME, "gold.jsonl", "SOURCES.md"):
                shutil.copy(path, target / path.name)
    (target / MANIFEST_NAME).write_text("\n".join(manifests), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = merged_corpus([REAL_DOCS, HELD_OUT], Path(tmp) / "corpus")
        read_s, parse_s = float("inf"), float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            sources = load_corpus(corpus)
            read_s = min(read_s, time.perf_counter() - started)
            started = time.perf_counter()
            parsed = [parse_document(source) for source in sources]
            parse_s = min(parse_s, time.perf_counter() - started)
        clauses = sum(len(doc.clauses) for doc in parsed)
        chunks = len([c for doc in parsed for c in chunk_clauses(doc.clauses, get_settings().chunk_chars)])
        settings = get_settings().model_copy(update={"corpus_dir": corpus, "index_dir": Path(tmp) / "index"})
        embedder = load_embedder(settings)
        started = time.perf_counter()
        build_index(settings, embedder, progress=False)
        build_s = time.perf_counter() - started
    result = {
        "documents": len(sources),
        "clauses": clauses,
        "chunks": chunks,
        "read_ms": round(read_s * 1000, 1),
        "parse_ms": round(parse_s * 1000, 1),
        "cold_build_s": round(build_s, 1),
        "chunks_per_s": round(chunks / build_s, 1),
    }
    if args.json:
        print(json.dumps(result))
        return
    print("| documents | clauses | chunks | read | parse | cold index build | chunks/s |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {result['documents']} | {clauses} | {chunks} | {result['read_ms']} ms | {result['parse_ms']} ms "
        f"| {result['cold_build_s']} s | {result['chunks_per_s']} |"
    )


if __name__ == "__main__":
    main()
