"""Benchmark, not a test: the local and Milvus search backends side by side at 1×, 10×, 100×
the real-document corpus.

    pip install -e '.[milvus]' && python -m eval.bench_backends [--scales 1,10,100] [--json]

The 1× corpus is every chunk of the real documents (eval/realdocs and eval/realdocs-heldout,
indexed first if needed). Larger corpora are synthetic, made as in eval.bench: chunk texts
of 3–6 sentences drawn from the real ones, vectors mixed from two real ones plus noise.
Queries are the real-document gold questions. Each backend and scale runs in a fresh
process, so its memory is its own: for local the process's resident growth over loading
the model and corpus (FAISS and BM25 arrays), for Milvus that growth plus the resident
memory of the embedded milvus-lite engine. Search is what a question costs the backend:
its dense and its BM25 ranking of 100 candidates (fusion is the same code for both).
Writes eval/reports/backends.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.embed import load_embedder
from assistant.index import open_index
from assistant.ingest.chunk import Chunk
from assistant.search.backend import EVERYTHING, BuildRows, SearchBackend
from assistant.search.local import LocalBackend, write_local
from assistant.search.milvus import MilvusBackend, MilvusStore
from assistant.settings import get_settings
from assistant.tokenize import Tokenizer
from eval.bench import latencies, synthetic_texts, synthetic_vectors
from eval.gold import load_gold
from eval.report import REPORTS_DIR
from eval.suites import SUITES

REAL = ("realdocs", "heldout")
CANDIDATES = 100


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def real_corpus() -> tuple[list[Chunk], np.ndarray, Tokenizer, list[str]]:
    """Every chunk of the real documents with its vector, their tokenizer and the gold questions."""
    base = get_settings().model_copy(update={"search_backend": "local"})
    embedder = load_embedder(base)
    chunks: list[Chunk] = []
    vectors = []
    words: set[str] = set()
    questions: list[str] = []
    for name in REAL:
        index = open_index(SUITES[name].settings(base), embedder, progress=False)
        assert isinstance(index.backend, LocalBackend)
        chunks += index.chunks
        vectors.append(index.backend.vectors.reconstruct_n(0, index.backend.vectors.ntotal))
        words |= set(index.tokenizer.user_words)
        questions += [item.question for item in load_gold(SUITES[name].gold_file)]
    return chunks, np.vstack(vectors), Tokenizer(words), questions


def scaled_rows(chunks: list[Chunk], real: np.ndarray, tokenizer: Tokenizer, factor: int) -> BuildRows:
    if factor == 1:
        texts, vectors = [c.indexed_text for c in chunks], real
        made = list(chunks)
    else:
        texts, vectors = synthetic_texts([c.indexed_text for c in chunks], factor), synthetic_vectors(real, factor)
        made = [Chunk(f"synthetic-{i % 100}", str(i), 0, text, text) for i, text in enumerate(texts)]
    return BuildRows(
        chunks=made, vectors=np.ascontiguousarray(vectors, dtype=np.float32),
        tokens=[tokenizer.tokens(t) for t in texts], kinds=["item"] * len(made), lead_units=[""] * len(made),
        signature=f"bench-{factor}",
    )


def run_one(backend: str, factor: int, out: multiprocessing.Queue) -> None:
    """One backend at one scale, in a process of its own."""
    chunks, real, tokenizer, questions = real_corpus()
    queries = load_embedder(get_settings()).encode(questions, "query")
    query_tokens = [tokenizer.tokens(q) for q in questions]
    started = time.perf_counter()
    rows = scaled_rows(chunks, real, tokenizer, factor)
    prepare = time.perf_counter() - started
    before = rss_mb(os.getpid())
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-{factor}-"))
    try:
        started = time.perf_counter()
        searcher: SearchBackend
        if backend == "local":
            write_local(folder, rows, real.shape[1])
            searcher = LocalBackend.load(folder, rows.chunks, real.shape[1])
        else:
            store = MilvusStore.open(str(folder / "milvus.db"), "", "bench")
            store.add(rows)
            searcher = MilvusBackend.load(store, rows.chunks, rows.signature)
        build = time.perf_counter() - started

        def search(i: int) -> None:
            searcher.dense(queries[i], CANDIDATES, EVERYTHING)
            searcher.sparse(query_tokens[i], CANDIDATES, EVERYTHING)

        for i in range(min(10, len(questions))):  # warm up
            search(i)
        p50, p95 = latencies(search, range(len(questions)))
        dense_p50, dense_p95 = latencies(lambda i: searcher.dense(queries[i], CANDIDATES, EVERYTHING), range(len(questions)))
        memory = rss_mb(os.getpid()) - before
        engine = sum(rss_mb(pid) for pid in descendants(os.getpid())) if backend == "milvus" else 0.0
        out.put({
            "backend": backend, "scale": factor, "chunks": len(rows.chunks), "prepare_s": round(prepare, 2),
            "build_s": round(build, 2), "search_p50_ms": round(p50, 2), "search_p95_ms": round(p95, 2),
            "dense_p50_ms": round(dense_p50, 2), "dense_p95_ms": round(dense_p95, 2),
            "memory_mb": round(memory + engine, 1), "engine_mb": round(engine, 1),
            "queries": len(questions),
        })
        searcher.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    rows = []
    for factor in map(int, args.scales.split(",")):
        for backend in ("local", "milvus"):
            queue = context.Queue()
            process = context.Process(target=run_one, args=(backend, factor, queue))
            process.start()
            row = queue.get(timeout=3600)
            process.join()
            rows.append(row)
            if not args.json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
    report = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores", "rows": rows}
    (REPORTS_DIR / "backends.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
