"""Answer quality on the gold set, through the same Answerer the API uses.

    python -m eval.answers [--suite huzhou|realdocs|heldout] [--json]

Reports, over answerable items: the first citation is an expected clause; every key
phrase appears in the answer; every clause of a listing is cited; wrong abstentions.
Over unanswerable items: abstention rate. Chit-chat must neither abstain nor cite.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field

from assistant.answer import Answer, Answerer
from assistant.followup import Turn
from assistant.service import load_answerer
from assistant.settings import get_settings
from eval.gold import GoldItem, load_gold
from eval.suites import SUITES


@dataclass
class AnswerScores:
    answerable: int = 0
    first_citation_ok: int = 0
    key_phrases_ok: int = 0
    listing_complete: int = 0
    listings: int = 0
    wrongly_abstained: int = 0
    unanswerable: int = 0
    abstained_ok: int = 0
    chitchat: int = 0
    chitchat_ok: int = 0
    failures: list[str] = field(default_factory=list)

    def rates(self) -> dict[str, float]:
        a, u = max(self.answerable, 1), max(self.unanswerable, 1)
        return {
            "first_citation_expected": self.first_citation_ok / a,
            "key_phrase_in_answer": self.key_phrases_ok / a,
            "listing_complete": self.listing_complete / max(self.listings, 1),
            "wrong_abstention_on_answerable": self.wrongly_abstained / a,
            "abstention_on_unanswerable": self.abstained_ok / u,
            "chitchat_ok": self.chitchat_ok / max(self.chitchat, 1),
        }


def ask_with_history(answerer: Answerer, item: GoldItem) -> Answer:
    """Ask the item's earlier questions first, as a user would, then the item."""
    turns: list[Turn] = []
    for earlier in item.history:
        reply = answerer.ask(earlier, turns)
        turns += [Turn("user", earlier), Turn("assistant", reply.answer)]
    return answerer.ask(item.question, turns)


def evaluate(answerer: Answerer, gold: list[GoldItem]) -> AnswerScores:
    scores = AnswerScores()
    for item in gold:
        answer = ask_with_history(answerer, item)
        cited = [c.locator for c in answer.citations]
        if item.type == "chitchat":
            scores.chitchat += 1
            ok = not answer.abstained and not cited
            scores.chitchat_ok += ok
        elif item.answerable:
            scores.answerable += 1
            first_ok = bool(cited) and cited[0] in item.expected_any and not answer.abstained
            # a refusal listing related clauses may show the phrase; it still answers nothing
            keys_ok = not answer.abstained and all(phrase in answer.answer for phrase in item.key_phrases)
            scores.first_citation_ok += first_ok
            scores.key_phrases_ok += keys_ok
            scores.wrongly_abstained += answer.abstained
            if item.expected_all:
                scores.listings += 1
                scores.listing_complete += set(item.expected_all) <= set(cited)
            ok = first_ok and keys_ok
        else:
            scores.unanswerable += 1
            scores.abstained_ok += answer.abstained
            ok = answer.abstained
        if not ok:
            scores.failures.append(f"{item.id} {item.question} -> {cited[:3]} {answer.answer[:60]!r}")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--suite", choices=sorted(SUITES), default="huzhou", help="corpus and gold set")
    args = parser.parse_args()
    suite = SUITES[args.suite]
    answerer = load_answerer(suite.settings(get_settings()), progress=False)
    gold = load_gold(suite.gold_file)
    scores = evaluate(answerer, gold)
    if args.json:
        print(json.dumps({**asdict(scores), "rates": scores.rates()}, ensure_ascii=False, indent=2))
        return
    print(
        f"{len(gold)} items: {scores.answerable} answerable, {scores.unanswerable} unanswerable, {scores.chitchat} chit-chat"
    )
    for name, value in scores.rates().items():
        print(f"  {name:34} {value:.3f}")
    for failure in scores.failures:
        print("  miss:", failure)


if __name__ == "__main__":
    main()
