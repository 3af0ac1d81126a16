"""When to say the documents do not cover a question.

Three signals from retrieval, combined by a logistic model whose weights are data
(`abstention.json`, fitted by `python -m eval.tune_abstention` on the gold set):
- dense_top: cosine of the best chunk;
- dense_lift: how far the best chunk stands out from the 6th–60th (flat means no match);
- coverage: share of the question's IDF mass found in the top clauses' words;
- missing_peak: the rarest question word the top clauses lack (one missing key term,
  such as 补贴 or GDP, is often what makes a question unanswerable).
Raw BM25 hits alone are not trusted: a keyword index happily matches 你好.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.extract import TermWeights, overlap

MODEL_FILE = Path(__file__).with_name("abstention.json")


@dataclass(frozen=True)
class Evidence:
    dense_top: float
    dense_lift: float
    coverage: float
    missing_peak: float

    def features(self) -> list[float]:
        return [self.dense_top, self.dense_lift, self.coverage, self.missing_peak]


def gather_evidence(
    dense: dict[int, float],
    tokens: list[str],
    top_texts: list[str],
    weights: TermWeights,
    translated: Callable[[str, str], bool] | None = None,
) -> Evidence:
    """The signals for one question, from its dense chunk scores and its top clauses.

    `translated(token, text)` says whether text states a question word in official terms
    (抽烟 of 能抽烟吗 by 吸烟): such a word is found, not missing.
    """
    scores = np.array(sorted(dense.values(), reverse=True), dtype=np.float64)
    if scores.size == 0:
        return Evidence(0.0, 0.0, 0.0, 1.0)
    tail = scores[5:60] if scores.size > 10 else scores[1:]
    lift = float(scores[0] - tail.mean()) if tail.size else 0.0
    total = sum(weights.idf(t) for t in set(tokens))
    joined = " ".join(top_texts)
    stated = {t for t in set(tokens) if t not in joined and translated is not None and translated(t, joined)}
    coverage = (overlap(joined, tokens, weights) + sum(weights.idf(t) for t in stated)) / total if total > 0 else 0.0
    missing = [weights.idf(t) for t in set(tokens) if t not in joined and t not in stated]
    missing_peak = max(missing, default=0.0) / weights.idf("") if tokens else 1.0
    return Evidence(float(scores[0]), lift, coverage, missing_peak)


@dataclass(frozen=True)
class AbstentionModel:
    """p(answerable) = sigmoid(bias + Σ weight·feature); abstain below the threshold."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, evidence: Evidence) -> float:
        z = self.bias + sum(w * f for w, f in zip(self.weights, evidence.features(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def abstains(self, evidence: Evidence) -> bool:
        return self.probability(evidence) < self.threshold

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AbstentionModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["weights"]), float(data["bias"]), float(data["threshold"]))
