"""Fit the abstention model on the gold sets and write assistant/abstention.json.

    python -m eval.tune_abstention [--suites huzhou,realdocs] [--report heldout] [--dry-run]

Fitted on the Huzhou plan and the development real documents together, so the model
does not learn one document's score levels; figures are printed for leave-one-document-out
and for the held-out real documents, which the fit never sees.

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
from eval.gold import GoldItem, load_gold
from eval.suites import SUITES

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


def suite_rows(name: str) -> tuple[list[GoldItem], np.ndarray, np.ndarray]:
    """The fact and unanswerable items of a suite, their features and the figure check."""
    suite = SUITES[name]
    answerer = load_answerer(suite.settings(get_settings()), progress=False)
    items = [i for i in load_gold(suite.gold_file) if i.type in (*FACT_TYPES, "unanswerable")]
    features, missing = [], []
    for item in items:
        retrieval, evidence = answerer.evidence(item.question)
        missing.append(answerer.figure_missing(item.question, answerer.excerpts(item.question, retrieval.hits)))
        features.append(evidence.features())
    return items, np.array(features), np.array(missing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="print figures, do not write the model")
    parser.add_argument("--suites", default="huzhou,realdocs", help="suites to fit on")
    parser.add_argument("--report", default="heldout", help="suites only reported on (empty: none)")
    args = parser.parse_args()
    items: list[GoldItem] = []
    blocks, flags = [], []
    for name in args.suites.split(","):
        suite_items, x_suite, missing_suite = suite_rows(name)
        items += suite_items
        blocks.append(x_suite)
        flags.append(missing_suite)
    x = np.vstack(blocks)
    figure_missing = np.concatenate(flags)
    y = np.array([1.0 if i.type in FACT_TYPES else 0.0 for i in items])
    w, b = fit_logistic(x, y)
    # Questions the figure check already turns down need no help from the model.
    p = np.where(figure_missing, 0.0, probabilities(x, w, b))
    t = pick_threshold(p, y)
    print(
        f"{int(y.sum())} answerable, {int((1 - y).sum())} unanswerable; weights {np.round(w, 3)}, bias {b:.3f}, threshold {t:.2f}"
    )
    report("training", p, y, t)
    groups = np.array([i.doc_id for i in items])
    lodo = np.zeros_like(p)
    for group in sorted(set(groups)):
        out = groups == group
        wk, bk = fit_logistic(x[~out], y[~out])
        lodo[out] = np.where(figure_missing[out], 0.0, probabilities(x[out], wk, bk))
    report("leave-one-doc-out", lodo, y, t)
    for name in filter(None, args.report.split(",")):
        report_items, x_report, missing_report = suite_rows(name)
        y_report = np.array([1.0 if i.type in FACT_TYPES else 0.0 for i in report_items])
        report(name, np.where(missing_report, 0.0, probabilities(x_report, w, b)), y_report, t)
    if not args.dry_run:
        AbstentionModel(tuple(float(v) for v in w), float(b), t).save()
        print("wrote assistant/abstention.json")


if __name__ == "__main__":
    main()
