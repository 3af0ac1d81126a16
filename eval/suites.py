"""The gold suites: a corpus folder and the gold set asked of it.

`huzhou` is the first corpus; `realdocs` the real documents of other styles used in
development; `heldout` the real documents kept out of development. Each suite gets its
own index folder under the configured index directory, so switching suites never makes
another suite's index stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings
from eval.gold import GOLD_FILE

EVAL_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Suite:
    name: str
    corpus_dir: Path
    gold_file: Path
    index_name: str = ""  # suites asking the same corpus share its index


    def settings(self, base: Settings) -> Settings:
        """The settings that point at this suite's corpus and its own index folder."""
        if self.corpus_dir == base.corpus_dir:
            return base
        return base.model_copy(update={"corpus_dir": self.corpus_dir, "index_dir": base.index_dir / f"suite-{self.index_name or self.name}"})


SUITES = {
    "huzhou": Suite("huzhou", PROJECT_ROOT / "corpus", GOLD_FILE),
    "realdocs": Suite("realdocs", EVAL_DIR / "realdocs", EVAL_DIR / "realdocs" / "gold.jsonl"),
    "heldout": Suite("heldout", EVAL_DIR / "realdocs-heldout", EVAL_DIR / "realdocs-heldout" / "gold.jsonl"),
    "fresh": Suite("fresh", EVAL_DIR / "realdocs-fresh", EVAL_DIR / "realdocs-fresh" / "gold.jsonl"),
    "final": Suite("final", EVAL_DIR / "realdocs-final", EVAL_DIR / "realdocs-final" / "gold.jsonl"),
    "blind": Suite("blind", EVAL_DIR / "realdocs-blind", EVAL_DIR / "realdocs-blind" / "gold.jsonl"),
    "blind2": Suite("blind2", EVAL_DIR / "realdocs-blind2", EVAL_DIR / "realdocs-blind2" / "gold.jsonl"),
    "blind3": Suite("blind3", EVAL_DIR / "realdocs-blind3", EVAL_DIR / "realdocs-blind3" / "gold.jsonl"),
    "blind4": Suite("blind4", EVAL_DIR / "realdocs-blind4", EVAL_DIR / "realdocs-blind4" / "gold.jsonl"),
    "blind5": Suite("blind5", EVAL_DIR / "realdocs-blind5", EVAL_DIR / "realdocs-blind5" / "gold.jsonl"),
    "blind6": Suite("blind6", EVAL_DIR / "realdocs-blind6", EVAL_DIR / "realdocs-blind6" / "gold.jsonl"),
    "blind7": Suite("blind7", EVAL_DIR / "realdocs-blind7", EVAL_DIR / "realdocs-blind7" / "gold.jsonl"),
    "blind8": Suite("blind8", EVAL_DIR / "realdocs-blind8", EVAL_DIR / "realdocs-blind8" / "gold.jsonl"),
    "blind9": Suite("blind9", EVAL_DIR / "realdocs-blind9", EVAL_DIR / "realdocs-blind9" / "gold.jsonl"),
    "blind10": Suite("blind10", EVAL_DIR / "realdocs-blind10", EVAL_DIR / "realdocs-blind10" / "gold.jsonl"),
    "blind11": Suite("blind11", EVAL_DIR / "realdocs-blind11", EVAL_DIR / "realdocs-blind11" / "gold.jsonl"),
    "blind12": Suite("blind12", EVAL_DIR / "realdocs-blind12", EVAL_DIR / "realdocs-blind12" / "gold.jsonl"),
    "blind13": Suite("blind13", EVAL_DIR / "realdocs-blind13", EVAL_DIR / "realdocs-blind13" / "gold.jsonl"),
    "blind14": Suite("blind14", EVAL_DIR / "realdocs-blind14", EVAL_DIR / "realdocs-blind14" / "gold.jsonl"),
    "blind15": Suite("blind15", EVAL_DIR / "realdocs-blind15", EVAL_DIR / "realdocs-blind15" / "gold.jsonl"),
    "blind16": Suite("blind16", EVAL_DIR / "realdocs-blind16", EVAL_DIR / "realdocs-blind16" / "gold.jsonl"),
    "blind17": Suite("blind17", EVAL_DIR / "realdocs-blind17", EVAL_DIR / "realdocs-blind17" / "gold.jsonl"),
    "blind18": Suite("blind18", EVAL_DIR / "realdocs-blind18", EVAL_DIR / "realdocs-blind18" / "gold.jsonl"),
    # structure questions (overviews, targets, lists, counts, positions) on the same corpora
    "structure-huzhou": Suite("structure-huzhou", PROJECT_ROOT / "corpus", EVAL_DIR / "structure" / "huzhou.jsonl"),
    "structure-realdocs": Suite(
        "structure-realdocs", EVAL_DIR / "realdocs", EVAL_DIR / "structure" / "realdocs.jsonl", "realdocs"
    ),
    "structure-heldout": Suite(
        "structure-heldout", EVAL_DIR / "realdocs-heldout", EVAL_DIR / "structure" / "heldout.jsonl", "heldout"
    ),
    "structure-fresh": Suite(
        "structure-fresh", EVAL_DIR / "realdocs-fresh", EVAL_DIR / "structure" / "fresh.jsonl", "fresh"
    ),
    "structure-final": Suite(
        "structure-final", EVAL_DIR / "realdocs-final", EVAL_DIR / "structure" / "final.jsonl", "final"
    ),
    "structure-blind": Suite(
        "structure-blind", EVAL_DIR / "realdocs-blind", EVAL_DIR / "structure" / "blind.jsonl", "blind"
    ),
    "structure-blind2": Suite(
        "structure-blind2", EVAL_DIR / "realdocs-blind2", EVAL_DIR / "structure" / "blind2.jsonl", "blind2"
    ),
    "structure-blind3": Suite(
        "structure-blind3", EVAL_DIR / "realdocs-blind3", EVAL_DIR / "structure" / "blind3.jsonl", "blind3"
    ),
    "structure-blind4": Suite(
        "structure-blind4", EVAL_DIR / "realdocs-blind4", EVAL_DIR / "structure" / "blind4.jsonl", "blind4"
    ),
    "structure-blind5": Suite(
        "structure-blind5", EVAL_DIR / "realdocs-blind5", EVAL_DIR / "structure" / "blind5.jsonl", "blind5"
    ),
    "structure-blind6": Suite(
        "structure-blind6", EVAL_DIR / "realdocs-blind6", EVAL_DIR / "structure" / "blind6.jsonl", "blind6"
    ),
    "structure-blind7": Suite(
        "structure-blind7", EVAL_DIR / "realdocs-blind7", EVAL_DIR / "structure" / "blind7.jsonl", "blind7"
    ),
    "structure-blind8": Suite(
        "structure-blind8", EVAL_DIR / "realdocs-blind8", EVAL_DIR / "structure" / "blind8.jsonl", "blind8"
    ),
    "structure-blind9": Suite(
        "structure-blind9", EVAL_DIR / "realdocs-blind9", EVAL_DIR / "structure" / "blind9.jsonl", "blind9"
    ),
    "structure-blind10": Suite(
        "structure-blind10", EVAL_DIR / "realdocs-blind10", EVAL_DIR / "structure" / "blind10.jsonl", "blind10"
    ),
    "structure-blind11": Suite(
        "structure-blind11", EVAL_DIR / "realdocs-blind11", EVAL_DIR / "structure" / "blind11.jsonl", "blind11"
    ),
    "structure-blind12": Suite(
        "structure-blind12", EVAL_DIR / "realdocs-blind12", EVAL_DIR / "structure" / "blind12.jsonl", "blind12"
    ),
    "structure-blind13": Suite(
        "structure-blind13", EVAL_DIR / "realdocs-blind13", EVAL_DIR / "structure" / "blind13.jsonl", "blind13"
    ),
    "structure-blind14": Suite(
        "structure-blind14", EVAL_DIR / "realdocs-blind14", EVAL_DIR / "structure" / "blind14.jsonl", "blind14"
    ),
    "structure-blind15": Suite(
        "structure-blind15", EVAL_DIR / "realdocs-blind15", EVAL_DIR / "structure" / "blind15.jsonl", "blind15"
    ),
    "structure-blind16": Suite(
        "structure-blind16", EVAL_DIR / "realdocs-blind16", EVAL_DIR / "structure" / "blind16.jsonl", "blind16"
    ),
    "structure-blind17": Suite(
        "structure-blind17", EVAL_DIR / "realdocs-blind17", EVAL_DIR / "structure" / "blind17.jsonl", "blind17"
    ),
    "structure-blind18": Suite(
        "structure-blind18", EVAL_DIR / "realdocs-blind18", EVAL_DIR / "structure" / "blind18.jsonl", "blind18"
    ),
    # questions in everyday words, written apart from the vocabulary and never tuned on
    "paraphrase-huzhou": Suite("paraphrase-huzhou", PROJECT_ROOT / "corpus", EVAL_DIR / "paraphrase" / "huzhou.jsonl"),
    "paraphrase-heldout": Suite(
        "paraphrase-heldout", EVAL_DIR / "realdocs-heldout", EVAL_DIR / "paraphrase" / "heldout.jsonl", "heldout"
    ),
    # a second held-out set in everyday words (2026-12-01), on documents of blind sets 4, 6 and 9
    "paraphrase-blind4": Suite(
        "paraphrase-blind4", EVAL_DIR / "realdocs-blind4", EVAL_DIR / "paraphrase" / "blind4.jsonl", "blind4"
    ),
    "paraphrase-blind6": Suite(
        "paraphrase-blind6", EVAL_DIR / "realdocs-blind6", EVAL_DIR / "paraphrase" / "blind6.jsonl", "blind6"
    ),
    "paraphrase-blind9": Suite(
        "paraphrase-blind9", EVAL_DIR / "realdocs-blind9", EVAL_DIR / "paraphrase" / "blind9.jsonl", "blind9"
    ),
    # a third (2026-12-01, twelfth session), on two documents of blind set 17
    "paraphrase-blind17": Suite(
        "paraphrase-blind17", EVAL_DIR / "realdocs-blind17", EVAL_DIR / "paraphrase" / "blind17.jsonl", "blind17"
    ),
}
