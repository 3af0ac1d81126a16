"""Benchmarks (not tests): build time, latency, memory, throughput, and scale.

    python -m eval.bench [--scales 10,100,1000] [--clients 20] [--seconds 30]

Writes eval/reports/bench.md. The scale study uses synthetic corpora of 10×, 100× and
1000× the plan: chunk texts recombined from the plan's own sentences (varied, not
copies) for BM25, and for FAISS vectors derived from the real chunk vectors (each a mix
of two real vectors plus noise, renormalised), because embedding 128,000 chunks with the
bundled model would take hours on 2 cores; that embedding time is extrapolated from the
measured throughput and stated as such.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import bm25s
import faiss
import numpy as np

from assistant.embed import load_embedder
from assistant.index import build_index
from assistant.ingest.chunk import sentences
from assistant.search.local import LocalBackend
from assistant.service import load_answerer
from assistant.settings import get_settings
from eval.bench_api import measure_http, percentile, server
from eval.gold import load_gold
from eval.report import REPORTS_DIR

QUERY_EMBEDDING_MS_KEY = "query embedding"
T = TypeVar("T")
HNSW_EF_SEARCH = 128
MIN_HNSW_RECALL = 0.95


def timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def latencies(fn: Callable[[Any], object], inputs: Iterable[Any]) -> tuple[float, float]:
    values = []
    for item in inputs:
        started = time.perf_counter()
        fn(item)
        values.append((time.perf_counter() - started) * 1000)
    return statistics.median(values), percentile(values, 0.95)


def vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def synthetic_texts(base: list[str], factor: int, seed: int = 7) -> list[str]:
    """factor × len(base) chunk texts, each 3–6 sentences drawn from the whole plan."""
    pool = [s for text in base for s in sentences(text)]
    rng = random.Random(seed)
    return ["".join(rng.sample(pool, rng.randint(3, 6))) for _ in range(len(base) * factor)]


def synthetic_vectors(real: np.ndarray, factor: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = len(real) * factor
    a, b = rng.integers(0, len(real), n), rng.integers(0, len(real), n)
    mix = rng.uniform(0.5, 1.0, (n, 1)).astype(np.float32)
    vectors = mix * real[a] + (1 - mix) * real[b] + rng.normal(0, 0.02, real[a].shape).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def scale_row(
    factor: int,
    texts: list[str],
    real: np.ndarray,
    queries: np.ndarray,
    query_tokens: list[list[str]],
    tokenize: Callable[[str], list[str]],
) -> dict[str, float]:
    corpus = synthetic_texts(texts, factor)
    vectors = synthetic_vectors(real, factor)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    _, flat_build = timed(flat.add, vectors)
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efSearch = HNSW_EF_SEARCH
    _, hnsw_build = timed(hnsw.add, vectors)
    flat_p50, flat_p95 = latencies(lambda q: flat.search(q[None, :], 100), queries)
    hnsw_p50, hnsw_p95 = latencies(lambda q: hnsw.search(q[None, :], 100), queries)
    _, exact = flat.search(queries, 10)
    _, approx = hnsw.search(queries, 10)
    recall = float(np.mean([len(set(e) & set(a)) / 10 for e, a in zip(exact, approx, strict=True)]))
    tokens, tokenize_seconds = timed(lambda: [tokenize(t) for t in corpus])
    bm25 = bm25s.BM25()
    _, bm25_build = timed(bm25.index, tokens, show_progress=False)

    def bm25_query(q: list[str]) -> None:
        known = [t for t in q if t in bm25.vocab_dict]
        if known:
            scores = bm25.get_scores(known)
            np.argpartition(-scores, min(100, len(scores) - 1))[:100]

    bm25_p50, bm25_p95 = latencies(bm25_query, query_tokens)
    bm25_bytes = sum(v.nbytes for v in bm25.scores.values() if hasattr(v, "nbytes"))
    return {
        "chunks": float(len(corpus)),
        "flat_build_s": flat_build,
        "flat_mb": vectors.nbytes / 2**20,
        "flat_p50_ms": flat_p50,
        "flat_p95_ms": flat_p95,
        "hnsw_build_s": hnsw_build,
        "hnsw_mb": len(faiss.serialize_index(hnsw)) / 2**20,
        "hnsw_p50_ms": hnsw_p50,
        "hnsw_p95_ms": hnsw_p95,
        "hnsw_recall@10": recall,
        "tokenize_s": tokenize_seconds,
        "bm25_build_s": bm25_build,
        "bm25_mb": bm25_bytes / 2**20,
        "bm25_p50_ms": bm25_p50,
        "bm25_p95_ms": bm25_p95,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="10,100,1000")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    settings = get_settings()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python {platform.python_version()}, {platform.platform()}"
    lines = ["# policyqa benchmarks", "", f"Machine: {machine}.", ""]

    with tempfile.TemporaryDirectory() as scratch:
        cold = settings.model_copy(update={"index_dir": Path(scratch)})
        embedder = load_embedder(cold)
        manifest, cold_seconds = timed(build_index, cold, embedder, False)
        _, warm_seconds = timed(build_index, cold, embedder, False)
    throughput = manifest.chunks / cold_seconds
    lines += [
        "## Index build (the plan)",
        "",
        f"- cold (embeds all {manifest.chunks} chunks): {cold_seconds:.1f} s, {throughput:.1f} chunks/s",
        f"- warm rebuild (embedding cache hit): {warm_seconds:.1f} s",
        "",
    ]

    answerer = load_answerer(settings, progress=False)
    questions = [i.question for i in load_gold() if not i.history]
    search_p50, search_p95 = latencies(lambda q: answerer.searcher.search(q, 5), questions)
    ask_p50, ask_p95 = latencies(answerer.ask, questions)
    embed_p50, embed_p95 = latencies(lambda q: answerer.searcher.embedder.encode([q], "query"), questions)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += [
        "## Latency in process (gold questions)",
        "",
        "| step | p50 ms | p95 ms |",
        "|---|---|---|",
        f"| {QUERY_EMBEDDING_MS_KEY} | {embed_p50:.1f} | {embed_p95:.1f} |",
        f"| search (hybrid, top 5) | {search_p50:.1f} | {search_p95:.1f} |",
        f"| ask (extractive) | {ask_p50:.1f} | {ask_p95:.1f} |",
        "",
        f"Peak RSS of this process (model, index, two index builds): {rss:.0f} MB.",
        "",
    ]

    with server(None) as (base, pid):
        http = measure_http(base, questions, args.clients, args.seconds)
        server_rss = vm_hwm_mb(pid) if pid else 0.0
    lines += [
        "## HTTP (policyqa serve on 127.0.0.1, clients on the same machine)",
        "",
        f"- /api/ask one at a time: p50 {http['sequential_p50_ms']} ms, p95 {http['sequential_p95_ms']} ms",
        f"- {http['clients']} concurrent clients for {http['seconds']} s: {http['requests_per_second']} requests/s, "
        f"{http['errors']} errors, p50 {http['under_load_p50_ms']} ms, p95 {http['under_load_p95_ms']} ms under that load",
        f"- server peak RSS: {server_rss:.0f} MB",
        "",
    ]

    index = answerer.searcher.index
    if not isinstance(index.backend, LocalBackend):
        raise SystemExit("the scale rows measure the local backend: unset POLICYQA_SEARCH_BACKEND")
    real = index.backend.vectors.reconstruct_n(0, index.backend.vectors.ntotal)
    texts = [c.text for c in index.chunks]
    queries = answerer.searcher.embedder.encode(questions[:100], "query")
    query_tokens = [index.tokenizer.tokens(q) for q in questions[:100]]
    rows = {
        int(f): scale_row(int(f), texts, real, queries, query_tokens, index.tokenizer.tokens)
        for f in args.scales.split(",")
    }
    lines += [
        "## Scale (synthetic corpora)",
        "",
        "| corpus | chunks | FAISS flat: add s / MB / p50 / p95 ms | HNSW (M=32, efSearch=128): add s / MB / p50 / p95 ms / recall@10 | BM25: tokenize s / index s / MB / p50 / p95 ms | embedding the corpus (extrapolated) |",
        "|---|---|---|---|---|---|",
    ]
    for factor, r in rows.items():
        hours = r["chunks"] / throughput / 3600
        lines.append(
            f"| {factor}× | {int(r['chunks'])} | {r['flat_build_s']:.2f} / {r['flat_mb']:.0f} / {r['flat_p50_ms']:.2f} / {r['flat_p95_ms']:.2f} "
            f"| {r['hnsw_build_s']:.1f} / {r['hnsw_mb']:.0f} / {r['hnsw_p50_ms']:.2f} / {r['hnsw_p95_ms']:.2f} / {r['hnsw_recall@10']:.3f} "
            f"| {r['tokenize_s']:.1f} / {r['bm25_build_s']:.1f} / {r['bm25_mb']:.0f} / {r['bm25_p50_ms']:.2f} / {r['bm25_p95_ms']:.2f} | {hours:.1f} h |"
        )
    lines += [
        "",
        "The synthetic vectors are mixtures of the plan's 128 real ones, so they crowd together far more than "
        "a real corpus would: that is hard on HNSW, whose recall@10 against flat search is shown.",
        "",
        f"Estimated search p95 = query embedding p95 + dense p95 + BM25 p95 (+ fusion, ~1 ms); HNSW counts only where its recall@10 ≥ {MIN_HNSW_RECALL}:",
        "",
    ]
    verdict = []
    for factor, r in rows.items():
        flat_total = embed_p95 + r["flat_p95_ms"] + r["bm25_p95_ms"] + 1
        hnsw_total = embed_p95 + r["hnsw_p95_ms"] + r["bm25_p95_ms"] + 1
        lines.append(f"- {factor}×: with flat {flat_total:.0f} ms, with HNSW {hnsw_total:.0f} ms")
        usable = [flat_total] + ([hnsw_total] if r["hnsw_recall@10"] >= MIN_HNSW_RECALL else [])
        verdict.append((factor, min(usable)))
    within = [f for f, total in verdict if total <= 100]
    lines += [
        "",
        f"Within 100 ms p95 on this machine: up to {max(within)}× the plan ({int(rows[max(within)]['chunks'])} chunks)."
        if within
        else "None of the measured scales answers within 100 ms p95 on this machine.",
        "",
    ]
    REPORTS_DIR.mkdir(exist_ok=True)
    (REPORTS_DIR / "bench.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
