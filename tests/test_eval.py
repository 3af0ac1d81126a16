"""The evaluation harness and its CI gate, on the committed gold sets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.abstain import AbstentionModel
from assistant.answer import Answerer
from assistant.embed import Embedder, Side
from assistant.fit import FitMatcher, load_vocabulary
from assistant.retrieve import Searcher
from eval.baseline_langchain import LangChainBaseline, clause_positions
from eval.gold import load_gold
from eval.harness import BASELINE_TOLERANCE, gate_failures, run_evaluation
from eval.report import BASELINE, diff, flatten, markdown

from .conftest import CORPUS_DIR

pytestmark = pytest.mark.slow
GATE_METRICS = ("hybrid.overall.hit_rate@5", "overall.key_phrase_coverage", "overall.abstention_accuracy")


@pytest.fixture(scope="module")
def report(answerer: Answerer) -> dict[str, object]:
    matcher = FitMatcher(answerer, load_vocabulary(CORPUS_DIR, answerer.lexicon.places))
    return run_evaluation(answerer, matcher, load_gold(), ["hybrid"])


def test_gold_set_is_large_and_varied() -> None:
    gold = load_gold()
    kinds = [item.type for item in gold]
    assert len(gold) >= 150
    assert (
        kinds.count("unanswerable") >= 20 and kinds.count("paraphrase") >= 30 and kinds.count("followup") >= 5
    )
    covered = {loc for item in gold for loc in (*item.expected_any, *item.expected_all)}
    items_of_part_two = [
        f"二/{s}/{n}"
        for s, count in zip("一二三四五六七", (3, 5, 5, 5, 4, 3, 4), strict=True)
        for n in range(1, count + 1)
    ]
    assert set(items_of_part_two) <= covered
    assert {"清单/一/1", "清单/二/1", "清单/三/1", "清单/四/1"} <= covered


def test_ci_gate_passes_on_the_shipped_configuration(report: dict[str, object]) -> None:
    assert gate_failures(report) == []


def test_no_regression_against_the_committed_baseline(report: dict[str, object]) -> None:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    now, before = flatten(report), flatten(baseline)
    for suffix in GATE_METRICS:
        key = next(k for k in before if k.endswith(suffix))
        assert now[key] >= before[key] - BASELINE_TOLERANCE, (key, now[key], before[key])


class ScrambledEmbedder(Embedder):
    """A degraded embedding backend: random query vectors, so dense retrieval is noise."""

    def __init__(self, real: Embedder) -> None:
        super().__init__()
        self.identity = real.identity
        self.random = np.random.default_rng(0)

    def embed_batch(self, texts: list[str], side: Side) -> np.ndarray:
        return self.random.normal(size=(len(texts), self.identity.dimension))


def test_gate_fails_on_a_degraded_configuration(answerer: Answerer, embedder) -> None:  # type: ignore[no-untyped-def]
    dense_only = Searcher(
        answerer.searcher.index, ScrambledEmbedder(embedder), fusion="weighted", dense_weight=1.0
    )
    always_abstain = AbstentionModel(answerer.abstention.weights, answerer.abstention.bias, threshold=1.0)
    degraded = Answerer(dense_only, answerer.lexicon, always_abstain)
    matcher = FitMatcher(degraded, load_vocabulary(CORPUS_DIR, degraded.lexicon.places))
    failures = gate_failures(run_evaluation(degraded, matcher, load_gold(), ["hybrid"]))
    assert any(f.startswith("hybrid.hit_rate@5") for f in failures)
    assert any(f.startswith("answers.key_phrase_coverage") for f in failures)


def test_report_markdown_and_diff(report: dict[str, object]) -> None:
    text = markdown(report, [])
    assert "| hybrid |" in text and "## Policy fit" in text
    worse = json.loads(json.dumps(report))
    worse["answers"]["overall"]["key_phrase_coverage"] -= 0.2  # type: ignore[index]
    changes = diff(worse, report)
    assert [c["metric"] for c in changes if c["regression"]] == ["answers.overall.key_phrase_coverage"]


def test_langchain_baseline_maps_chunks_to_clauses(plan, source, embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    owners = clause_positions(plan)
    assert owners.count("二/三/3") > 600
    baseline = LangChainBaseline(plan, source.text, embedder, tmp_path)
    assert all(len(chunk) <= 500 for chunk in baseline.chunks)
    assert "二/三/3" in baseline.ranking("人才公寓建设多少平方米", k=5)
