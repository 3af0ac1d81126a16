"""Answer latency in process: p50 / p95 of Answerer.ask over a gold suite's questions.

    python -m eval.latency [--suite huzhou] [--passes 3]

Every question is asked `passes` times after a warm-up; the query-vector cache is cleared
before each question, so a repeated question costs what a new one does. Run it on an idle
machine; compare two commits by running it in each checkout, interleaved.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from assistant.service import load_answerer
from assistant.settings import get_settings
from eval.gold import load_gold
from eval.harness import percentile
from eval.suites import SUITES

WARM_UP = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", choices=sorted(SUITES), default="huzhou")
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    suite = SUITES[args.suite]
    answerer = load_answerer(suite.settings(get_settings()), progress=False)
    questions = [item.question for item in load_gold(suite.gold_file)]
    for question in questions[:WARM_UP]:
        answerer.ask(question)
    times = []
    for _ in range(args.passes):
        for question in questions:
            answerer.searcher.clear_query_cache()
            started = time.perf_counter()
            answerer.ask(question)
            times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"suite": args.suite, "asks": len(times), "p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1)}))


if __name__ == "__main__":
    main()
