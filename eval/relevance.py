"""Does the relevance score separate what the documents answer from what they do not?

    python -m eval.relevance [--suite huzhou] [--json]

For the answerable and the unanswerable questions of a gold suite, the distribution of
the top score: Dify's /retrieval (routed like an answer: the clauses an answer rests on,
capped at the answer's relevance when it declines), the calibrated relevance of the top
search hit (what /api/search returns, and /retrieval did before it was routed) and the
rank-based fusion score /retrieval returned first. Reports
quartiles and the share of questions whose top hit clears 0.5 (a Dify threshold).
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from api.dify import candidates
from assistant.service import load_answerer
from assistant.settings import get_settings
from eval.gold import load_gold
from eval.suites import SUITES

THRESHOLD = 0.5


def summary(values: list[float]) -> dict[str, float]:
    array = np.array(values or [0.0])
    q1, median, q3 = np.percentile(array, [25, 50, 75])
    return {
        "n": len(values),
        "q1": round(float(q1), 3),
        "median": round(float(median), 3),
        "q3": round(float(q3), 3),
        f"share_at_least_{THRESHOLD}": round(float((array >= THRESHOLD).mean()), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", choices=sorted(SUITES), default="huzhou")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    suite = SUITES[args.suite]
    answerer = load_answerer(suite.settings(get_settings()), progress=False)
    groups: dict[str, dict[str, list[float]]] = {
        "answerable": {"dify": [], "relevance": [], "fusion": []},
        "unanswerable": {"dify": [], "relevance": [], "fusion": []},
    }
    for item in load_gold(suite.gold_file):
        if item.history or item.type == "chitchat":
            continue
        hits = answerer.search(item.question, 5)
        group = groups["answerable" if item.answerable else "unanswerable"]
        group["relevance"].append(hits[0].relevance or 0.0 if hits else 0.0)
        group["fusion"].append(hits[0].score if hits else 0.0)
        offered = candidates(answerer, item.question, 5, None)  # what /retrieval returns, best first
        group["dify"].append(max((c.score for c in offered), default=0.0))
    report = {name: {score: summary(values) for score, values in group.items()} for name, group in groups.items()}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for name, scores in report.items():
        for score, values in scores.items():
            print(f"{name:13} {score:10} " + "  ".join(f"{k} {v}" for k, v in values.items()))


if __name__ == "__main__":
    main()
