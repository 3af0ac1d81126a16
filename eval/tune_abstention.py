"""Fit the abstention model on the gold set and write assistant/abstention.json.

    python -m eval.tune_abstention [--dry-run]

A logistic regression on the retrieval signals (assistant/abstain.py) separates the
answerable fact questions of the gold set from the unanswerable ones. The threshold is
the one with the best balanced accuracy among those wrongly abstaining on at most 5% of
answerable ones, counting the answerer's own figure check (a 多少/几/何时 question
whose quotes state no figure is turned down before the model is asked). Leave-one-out figures are printed beside the training figures.
"""

from __future__ import annotations

import argparse

import numpy as np

from assistant.abstain import AbstentionModel
from assistant.service import load_answerer
from assistant.settings import get_settings
from eval.gold import load_gold

MAX_WRONG_ABSTENTION = 0.05
FACT_TYPES = ("fact", "paraphrase")


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 0.05, steps: int = 4000
) -> tuple[np.ndarray, float]:
    """Weights and bias in the raw feature space (features are standardised while fitting)."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.5 * float(np.mean(p - y))
    return w / std, b - float(np.sum(w * mean / std))


def probabilities(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w + b)))


def pick_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The threshold with the best balanced accuracy among those whose wrong abstentions on
    answerable items stay within bounds (ties: the lowest, which abstains least)."""
    best, best_score = 0.0, -1.0
    for t in np.linspace(0.01, 0.99, 99):
        wrong = float(np.mean(p[y == 1] < t))
        recall = float(np.mean(p[y == 0] < t))
        if wrong <= MAX_WRONG_ABSTENTION and recall + (1 - wrong) > best_score + 1e-9:
            best, best_score = float(t), recall + (1 - wrong)
    return best


def report(name: str, p: np.ndarray, y: np.ndarray, t: float) -> None:
    abstain = p < t
    true_abstain = np.sum(abstain & (y == 0))
    precision = true_abstain / max(np.sum(abstain), 1)
    recall = true_abstain / max(np.sum(y == 0), 1)
    wrong = np.mean(abstain[y == 1])
    print(
        f"{name:14} abstention precision {precision:.3f}  recall {recall:.3f}  wrong on answerable {wrong:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="print figures, do not write the model")
    args = parser.parse_args()
    answerer = load_answerer(get_settings(), progress=False)
    items = [i for i in load_gold() if i.type in (*FACT_TYPES, "unanswerable")]
    rows = []
    for item in items:
        retrieval, evidence = answerer.evidence(item.question)
        missing = answerer.figure_missing(item.question, answerer.excerpts(item.question, retrieval.hits))
        rows.append((evidence.features(), missing))
    x = np.array([features for features, _ in rows])
    figure_missing = np.array([missing for _, missing in rows])
    y = np.array([1.0 if i.type in FACT_TYPES else 0.0 for i in items])
    w, b = fit_logistic(x, y)
    # Questions the figure check already turns down need no help from the model.
    p = np.where(figure_missing, 0.0, probabilities(x, w, b))
    t = pick_threshold(p, y)
    print(
        f"{int(y.sum())} answerable, {int((1 - y).sum())} unanswerable; weights {np.round(w, 3)}, bias {b:.3f}, threshold {t:.2f}"
    )
    report("training", p, y, t)
    loo = np.zeros_like(p)
    for k in range(len(y)):
        keep = np.arange(len(y)) != k
        wk, bk = fit_logistic(x[keep], y[keep])
        loo[k] = 0.0 if figure_missing[k] else probabilities(x[k : k + 1], wk, bk)[0]
    report("leave-one-out", loo, y, t)
    if not args.dry_run:
        AbstentionModel(tuple(float(v) for v in w), float(b), t).save()
        print("wrote assistant/abstention.json")


if __name__ == "__main__":
    main()
