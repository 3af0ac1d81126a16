"""How much the answer figures move under small numeric noise: the margin the gates need.

    python -m eval.perturb [--suites huzhou,realdocs,structure-huzhou,structure-realdocs]
                           [--noise 0.002,0.005,0.01] [--seeds 3] [--json]

Results differ slightly between CPUs (float summation order, SIMD paths in the 4-bit
model), so a quality gate must sit below the spread such differences cause. This runs
every gold suite once as is and then with
- query vectors perturbed by Gaussian noise of the given norm (before re-normalising),
- the abstention model's inputs perturbed by Gaussian noise of the same size,
for several seeds, and reports per figure the clean value, the minimum and maximum over
the perturbed runs. Test floors are set below the minimum (see tests/test_answer.py).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.abstain import AbstentionModel, Evidence
from assistant.answer import Answerer
from assistant.embed import Embedder, Side
from assistant.retrieve import Searcher
from assistant.service import load_answerer
from assistant.settings import get_settings
from eval.answers import evaluate
from eval.gold import load_gold
from eval.suites import SUITES

FIGURES = (
    "first_citation_expected",
    "key_phrase_in_answer",
    "abstention_on_unanswerable",
    "wrong_abstention_on_answerable",
)


class NoisyEmbedder(Embedder):
    """The same model, with Gaussian noise of a fixed norm added to every query vector."""

    def __init__(self, base: Embedder, noise: float, seed: int) -> None:
        super().__init__()
        self.base = base
        self.identity = base.identity
        self.noise = noise
        self.rng = np.random.default_rng(seed)

    def embed_batch(self, texts: list[str], side: Side) -> np.ndarray:
        vectors = self.base.encode(texts, side).astype(np.float64)
        if side == "query" and self.noise > 0:
            direction = self.rng.normal(size=vectors.shape)
            direction /= np.linalg.norm(direction, axis=1, keepdims=True)
            vectors = vectors + self.noise * direction
        return vectors


@dataclass(frozen=True)
class NoisyAbstention(AbstentionModel):
    """The committed model, reading each input with Gaussian noise of a fixed size."""

    noise: float = 0.0
    rng: np.random.Generator = field(default_factory=np.random.default_rng, compare=False)

    def probability(self, evidence: Evidence) -> float:
        jitter = self.rng.normal(scale=self.noise, size=4)
        noisy = Evidence(*(value + delta for value, delta in zip(evidence.features(), jitter, strict=True)))
        return super().probability(noisy)


def perturbed(answerer: Answerer, noise: float, seed: int) -> Answerer:
    searcher = answerer.searcher
    noisy = Searcher(
        searcher.index, NoisyEmbedder(searcher.embedder, noise, seed), searcher.fusion, searcher.rrf_k, searcher.dense_weight
    )
    model = answerer.abstention
    abstention = NoisyAbstention(model.weights, model.bias, model.threshold, noise, np.random.default_rng(seed + 1000))
    return Answerer(noisy, answerer.lexicon, abstention, answerer.llm)


def study(suites: Sequence[str], noises: Sequence[float], seeds: int) -> dict[str, dict[str, dict[str, float]]]:
    report: dict[str, dict[str, dict[str, float]]] = {}
    for name in suites:
        suite = SUITES[name]
        answerer = load_answerer(suite.settings(get_settings()), progress=False)
        gold = load_gold(suite.gold_file)
        clean = evaluate(answerer, gold).rates()
        runs = [
            evaluate(perturbed(answerer, noise, seed), gold).rates() for noise in noises for seed in range(seeds)
        ]
        report[name] = {
            figure: {
                "clean": round(clean[figure], 3),
                "min": round(min(r[figure] for r in runs), 3),
                "max": round(max(r[figure] for r in runs), 3),
            }
            for figure in FIGURES
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suites", default="huzhou,realdocs,structure-huzhou,structure-realdocs")
    parser.add_argument("--noise", default="0.002,0.005,0.01", help="norms of the noise added")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = study(args.suites.split(","), [float(n) for n in args.noise.split(",")], args.seeds)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for name, figures in report.items():
        print(name)
        for figure, values in figures.items():
            print(f"  {figure:34} clean {values['clean']:.3f}  min {values['min']:.3f}  max {values['max']:.3f}")


if __name__ == "__main__":
    main()
