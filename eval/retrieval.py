"""Retrieval quality per fusion configuration on the gold set.

    python -m eval.retrieval [--json]

Reports hit@1, hit@5 and MRR@10 of the clause rankings (a hit is any expected locator).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass

from assistant.embed import load_embedder
from assistant.index import open_index
from assistant.retrieve import Fusion, Searcher
from assistant.settings import get_settings
from eval.gold import GoldItem, load_gold

CONFIGS: dict[str, tuple[Fusion, float]] = {
    "bm25": ("weighted", 0.0),
    "dense": ("weighted", 1.0),
    "weighted-0.3": ("weighted", 0.3),
    "weighted-0.5": ("weighted", 0.5),
    "weighted-0.7": ("weighted", 0.7),
    "rrf": ("rrf", 0.5),
}


@dataclass(frozen=True)
class Scores:
    hit_at_1: float
    hit_at_5: float
    mrr_at_10: float
    misses_at_5: tuple[str, ...]


def first_relevant_rank(ranking: list[str], expected: tuple[str, ...]) -> int | None:
    return next((rank for rank, locator in enumerate(ranking, start=1) if locator in expected), None)


def score(searcher: Searcher, gold: list[GoldItem]) -> Scores:
    """Ranking quality on the gold items that retrieval alone can be judged on."""
    ranks = []
    for item in (i for i in gold if i.standalone):
        ranking = [hit.locator for hit in searcher.search(item.question, top_k=10)]
        ranks.append((item.id, first_relevant_rank(ranking, item.expected_any)))
    n = len(ranks)
    return Scores(
        hit_at_1=sum(1 for _, r in ranks if r == 1) / n,
        hit_at_5=sum(1 for _, r in ranks if r and r <= 5) / n,
        mrr_at_10=sum(1 / r for _, r in ranks if r) / n,
        misses_at_5=tuple(i for i, r in ranks if not r or r > 5),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = get_settings()
    embedder = load_embedder(settings)
    index = open_index(settings, embedder, progress=False)
    gold = load_gold()
    results: dict[str, Scores] = {}
    for name, (fusion, weight) in CONFIGS.items():
        searcher = Searcher(index, embedder, fusion=fusion, rrf_k=settings.rrf_k, dense_weight=weight)
        started = time.perf_counter()
        result = results[name] = score(searcher, gold)
        per_query_ms = (time.perf_counter() - started) / len(gold) * 1000
        if not args.json:
            print(
                f"{name:14} hit@1 {result.hit_at_1:.3f}  hit@5 {result.hit_at_5:.3f}  MRR@10 {result.mrr_at_10:.3f}"
                f"  ({per_query_ms:.1f} ms/query)  misses@5 {list(result.misses_at_5)}"
            )
    if args.json:
        report = {
            "questions": len(gold),
            "configs": {name: asdict(result) for name, result in results.items()},
        }
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
