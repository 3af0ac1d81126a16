"""Benchmark of the library: a full build, an incremental re-index after adding one document,
and ask / fit latency with every gold document loaded.

    python -m eval.bench_library [--work DIR] [--json]

The library is the one eval.library builds (Huzhou + realdocs + heldout, through
`policyqa docs add`). Steps, on this machine, each timed from the command line a user runs:
  full         `policyqa index` with an empty embedding and parse cache (every chunk embedded)
  unchanged    `policyqa index` again: nothing to parse or embed
  add_one      `policyqa docs add` of one more document, then `policyqa index`
Then ask (every gold question of the three suites) and fit (every fit gold profile) p50/p95,
in process, query-vector cache cleared before each call. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from assistant.service import load_answerer, load_fit_matcher
from assistant.settings import PROJECT_ROOT, get_settings
from eval.gold import load_gold
from eval.harness import percentile
from eval.library import CORPORA, build_library
from eval.suites import SUITES

EXTRA_DOCUMENT = PROJECT_ROOT / "tests" / "data" / "sample-corpus"  # a document outside the library


def timed_cli(args: list[str], env: dict[str, str]) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], env=env, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    return seconds, json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}


def latency(calls: list[object], call: object) -> dict[str, float]:
    assert callable(call)
    times = []
    for argument in calls:
        started = time.perf_counter()
        call(argument)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "calls": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "index" / "library-bench")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    shutil.rmtree(args.work / "index", ignore_errors=True)
    corpus = build_library(args.work, "given")
    env = {**os.environ, "POLICYQA_CORPUS_DIR": str(corpus), "POLICYQA_INDEX_DIR": str(args.work / "index")}
    report: dict[str, object] = {}
    for step in ("full", "unchanged"):
        seconds, manifest = timed_cli(["index", "--json", "--quiet"], env)
        report[step] = {
            "seconds": round(seconds, 1),
            **{k: manifest[k] for k in ("documents", "chunks", "embedded", "parsed")},
        }
    extra = next(p for p in EXTRA_DOCUMENT.iterdir() if p.suffix == ".txt")
    added, _ = timed_cli(["docs", "add", str(extra), "--id", "bench-extra", "--json"], env)
    seconds, manifest = timed_cli(["index", "--json", "--quiet"], env)
    report["add_one"] = {
        "docs_add_seconds": round(added, 1),
        "index_seconds": round(seconds, 1),
        **{k: manifest[k] for k in ("documents", "chunks", "embedded", "parsed")},
    }

    settings = get_settings().model_copy(update={"corpus_dir": corpus, "index_dir": args.work / "index"})
    answerer = load_answerer(settings, progress=False)
    fit = load_fit_matcher(settings, answerer)
    questions = [item.question for suite in CORPORA for item in load_gold(SUITES[suite].gold_file)]
    profiles = [
        json.loads(line)["profile"]
        for line in (PROJECT_ROOT / "eval" / "fit_gold.jsonl").open(encoding="utf-8")
    ]
    for question in questions[:20]:
        answerer.ask(question)  # warm up

    def ask(question: object) -> None:
        answerer.searcher.clear_query_cache()
        answerer.ask(str(question))

    def fit_one(profile: object) -> None:
        answerer.searcher.clear_query_cache()
        fit.fit(str(profile))

    report["ask"] = latency(list(questions), ask)
    report["fit"] = latency(list(profiles), fit_one)
    report["documents_loaded"] = len(answerer.documents)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for key, value in report.items():
        print(f"{key:17} {value}")


if __name__ == "__main__":
    main()
