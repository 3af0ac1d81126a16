"""The gold set format: JSON Lines, one question per line (see eval/README.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

GOLD_FILE = Path(__file__).parent / "gold.jsonl"
# Kinds of item whose answer must cite an expected clause.
ANSWERABLE = (
    "fact", "paraphrase", "meta", "lead", "listing", "followup",
    # structure questions (eval/structure/): what a part contains, targets, lists, counts, the Nth one
    "contents", "target", "list", "count", "position",
)


@dataclass(frozen=True)
class GoldItem:
    id: str
    type: str
    question: str
    doc_id: str
    expected_any: tuple[str, ...]
    key_phrases: tuple[str, ...]
    expected_all: tuple[str, ...] = ()
    history: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return self.type in ANSWERABLE

    @property
    def standalone(self) -> bool:
        """A question retrieval alone can be judged on (no history, has expected clauses)."""
        return self.answerable and not self.history


def load_gold(path: Path = GOLD_FILE) -> list[GoldItem]:
    items = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            raw = json.loads(line)
            try:
                items.append(
                    GoldItem(
                        id=raw["id"],
                        type=raw["type"],
                        question=raw["question"],
                        doc_id=raw["doc_id"],
                        expected_any=tuple(raw["expected_any"]),
                        key_phrases=tuple(raw.get("key_phrases", ())),
                        expected_all=tuple(raw.get("expected_all", ())),
                        history=tuple(raw.get("history", ())),
                    )
                )
            except KeyError as exc:
                raise ValueError(f"{path}:{number}: missing field {exc}") from exc
    return items
