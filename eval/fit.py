"""Policy-fit quality on the fit gold set (eval/fit_gold.jsonl).

    python -m eval.fit [--json]

recall@10: share of a profile's expected clauses among its first 10 matches (averaged);
must-have@3: share of profiles with one of their must-have clauses in the first 3.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.fit import FitMatcher
from assistant.service import load_answerer, load_fit_matcher
from assistant.settings import get_settings

FIT_GOLD_FILE = Path(__file__).parent / "fit_gold.jsonl"


@dataclass(frozen=True)
class FitItem:
    id: str
    profile: str
    district: str
    industry: str
    must_have: tuple[str, ...]
    expected: tuple[str, ...]


@dataclass
class FitScores:
    profiles: int = 0
    recall_at_10: float = 0.0
    must_have_at_3: float = 0.0
    failures: list[str] = field(default_factory=list)


def load_fit_gold(path: Path = FIT_GOLD_FILE) -> list[FitItem]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [
        FitItem(
            r["id"],
            r["profile"],
            r.get("district", ""),
            r.get("industry", ""),
            tuple(r["must_have"]),
            tuple(r["expected"]),
        )
        for r in rows
    ]


def evaluate_fit(matcher: FitMatcher, items: list[FitItem]) -> FitScores:
    scores = FitScores(profiles=len(items))
    recall_sum, must_hits = 0.0, 0
    for item in items:
        ranked = [
            m.locator for m in matcher.fit(item.profile, item.district, item.industry, top_k=10).matches
        ]
        recall = len(set(item.expected) & set(ranked)) / len(item.expected)
        must = any(loc in ranked[:3] for loc in item.must_have)
        recall_sum += recall
        must_hits += must
        if recall < 1 or not must:
            scores.failures.append(f"{item.id} {item.profile}: top {ranked[:5]} (recall {recall:.2f})")
    scores.recall_at_10 = recall_sum / max(len(items), 1)
    scores.must_have_at_3 = must_hits / max(len(items), 1)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = get_settings()
    matcher = load_fit_matcher(settings, load_answerer(settings, progress=False))
    scores = evaluate_fit(matcher, load_fit_gold())
    if args.json:
        print(json.dumps(scores.__dict__, ensure_ascii=False, indent=2))
        return
    print(
        f"{scores.profiles} profiles: recall@10 {scores.recall_at_10:.3f}, must-have in top 3 {scores.must_have_at_3:.3f}"
    )
    for failure in scores.failures:
        print("  miss:", failure)


if __name__ == "__main__":
    main()
