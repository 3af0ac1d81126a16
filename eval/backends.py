"""The gold suites on both search backends, side by side: the same figures, within one question.

    python -m eval.backends [--suite huzhou --suite realdocs] [--json]

Each suite is answered from its usual local index and from a Milvus collection (embedded
milvus-lite in a file beside the suite's index, unless POLICYQA_MILVUS_URI names a server).
The Milvus index folder starts from the local one's embedding cache, so nothing is embedded
twice. A row per suite and backend: answerable and unanswerable counts and every rate.
"""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import asdict
from pathlib import Path

from assistant.answer import Answerer
from assistant.service import load_answerer
from assistant.settings import Settings, get_settings
from eval.answers import AnswerScores, evaluate
from eval.gold import load_gold
from eval.suites import SUITES

BACKENDS = ("local", "milvus")


def backend_settings(settings: Settings, backend: str) -> Settings:
    """The suite's settings for one backend; the Milvus index has a folder of its own."""
    if backend == "local":
        return settings.model_copy(update={"search_backend": "local"})
    index_dir = Path(f"{settings.index_dir}-milvus")
    cache = settings.index_dir / "cache"
    if cache.is_dir() and not (index_dir / "cache").exists():
        shutil.copytree(cache, index_dir / "cache")
    return settings.model_copy(update={"search_backend": "milvus", "index_dir": index_dir})


def compare(answerers: dict[str, Answerer], suite: str) -> dict[str, AnswerScores]:
    gold = load_gold(SUITES[suite].gold_file)
    return {backend: evaluate(answerer, gold) for backend, answerer in answerers.items()}


def differing_questions(a: AnswerScores, b: AnswerScores) -> int:
    """The largest difference, in questions, between two runs over any counted outcome."""
    counts = ("first_citation_ok", "key_phrases_ok", "wrongly_abstained", "abstained_ok", "chitchat_ok")
    return max(abs(getattr(a, name) - getattr(b, name)) for name in counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suite", action="append", choices=sorted(SUITES), help="default: huzhou and realdocs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    base = get_settings()
    out: dict[str, dict[str, object]] = {}
    for suite in args.suite or ["huzhou", "realdocs"]:
        settings = SUITES[suite].settings(base)
        answerers = {b: load_answerer(backend_settings(settings, b), progress=False) for b in BACKENDS}
        scores = compare(answerers, suite)
        out[suite] = {
            "differing_questions": differing_questions(scores["local"], scores["milvus"]),
            **{b: {**asdict(s), "rates": s.rates()} for b, s in scores.items()},
        }
        for answerer in answerers.values():
            answerer.searcher.index.backend.close()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for suite, row in out.items():
        print(f"{suite}: the backends differ by at most {row['differing_questions']} question(s)")
        for backend in BACKENDS:
            rates = row[backend]["rates"]  # type: ignore[index]
            print(f"  {backend:7}", "  ".join(f"{k} {v:.3f}" for k, v in rates.items()))


if __name__ == "__main__":
    main()
