"""A question that repeats a clause's own words: that clause goes first.

Retrieval ranks by shared words and meaning, so a clause that mentions the question's words
often (甲信息, 乙区域 in a long list of measures) can outrank the one clause that says the
question's phrase itself (对接“甲乙区域”平台建设). When the best hit shares no run of the
question's characters that other hits lack, and exactly one of the next hits shares a run of at
least five characters that no other hit says, that hit is what the question quotes. A run the
document's title holds (a question naming the policy) does not count: every clause belongs to
it. Punctuation and quotation marks are ignored on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.knowledge import Knowledge
from assistant.retrieve import Hit

POOL = 10  # hits compared: a run said by any of them is not one clause's own
DEPTH = 5  # hits that may be promoted
MIN_RUN = 5  # measured: 5 to 7 characters promote the right clause as often; 5 more often wrong less often

_IGNORED = re.compile(r"[\s“”‘’\"'《》〈〉「」『』（）()【】〔〕、，,。；;：:！!？?·—…\-]")


def quoted_first(knowledge: Knowledge, question: str, hits: Sequence[Hit]) -> list[Hit]:
    """The hits, with the one that alone says a run of the question's words moved to the front."""
    ranked = list(hits)
    if len(ranked) < 2:
        return ranked
    asked = _IGNORED.sub("", question)
    texts = [_IGNORED.sub("", f"{hit.label}{hit.text}") for hit in ranked[:POOL]]
    titles = "|".join(_titles(knowledge, hit.doc_id) for hit in ranked[:POOL])
    runs = [_own_run(asked, texts, i, titles) for i in range(min(DEPTH, len(texts)))]
    quoting = [i for i, run in enumerate(runs) if run >= MIN_RUN]
    if runs[0] == 0 and len(quoting) == 1:  # it ranks as high as the best hit did
        ranked.insert(0, replace(ranked.pop(quoting[0]), score=ranked[0].score))
    return ranked


def _own_run(asked: str, texts: Sequence[str], i: int, titles: str) -> int:
    """The longest run of the question said by text i and by no other (nor by the titles)."""
    text, others = texts[i], [t for j, t in enumerate(texts) if j != i]
    best = 0
    for start in range(len(asked)):
        for end in range(start + best + 1, len(asked) + 1):
            run = asked[start:end]
            if run not in text:
                break
            if run not in titles and not any(run in other for other in others):
                best = end - start
    return best


def _titles(knowledge: Knowledge, doc_id: str) -> str:
    key = ("verbatim.titles", doc_id)
    if key not in knowledge.memo:
        names = [title for n in knowledge.names if n.doc_id == doc_id for title in n.titles]
        knowledge.memo[key] = "|".join(_IGNORED.sub("", name) for name in names)
    return str(knowledge.memo[key])
