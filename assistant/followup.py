"""Turn a follow-up into a standalone question using the conversation so far.

Two shapes cover most follow-ups in practice: ellipsis (德清县的发展定位是什么？ → 那长兴县呢？)
and a pronoun (共建长三角一流营商环境的主要内容是什么？ → 它的牵头单位是谁？).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.lexicon import Lexicon

_ELLIPSIS = re.compile(
    r"^(那么|那|还有|再问一下)?(?P<x>[^，,。？?！!]{1,30}?)(呢|的呢|怎么样|又如何|如何)[？?。！!\s]*$"
)
_QUESTION_WORD = re.compile(r"什么|哪|多少|几|吗|如何|怎么|怎样|是否|谁")
_PRONOUN = re.compile(
    r"(这一事项|这个事项|该事项|这项工作|这个项目|该项目|这一项|这项|此项|上述事项|它们|它|其|这个|该)"
)
_MAX_FOLLOW_UP = 24
# A rewrite never yields more than a question may hold, and only recent turns are read:
# a long earlier turn must not turn a short follow-up into seconds of embedding.
MAX_QUESTION_CHARS = 1000
RECENT_TURNS = 20


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


def _resolve_one(question: str, previous: str | None, subject: str | None, lexicon: Lexicon) -> str:
    text = question.strip()
    if previous is None or len(text) > _MAX_FOLLOW_UP:
        return text
    named_before = lexicon.entities_in(previous)
    ellipsis = _ELLIPSIS.match(text)
    if ellipsis and not _QUESTION_WORD.search(ellipsis["x"]):
        replacement = ellipsis["x"].strip()
        if named_before:
            return previous.replace(named_before[0], replacement, 1)
        return f"{replacement}：{previous}"
    pronoun = _PRONOUN.search(text)
    if pronoun and not lexicon.entities_in(text):
        referent = named_before[0] if named_before else subject
        if referent:
            return text[: pronoun.start()] + referent + text[pronoun.end() :]
    return text


def standalone_question(
    question: str,
    history: Sequence[Turn],
    lexicon: Lexicon,
    subject_of_answer: Callable[[str], str | None],
) -> str:
    """The question with its references to earlier turns spelled out.

    Args:
        subject_of_answer: gives the title of the first clause an assistant turn cites,
            the fallback referent of 它 when the previous question named nothing.
    """
    previous: str | None = None
    subject: str | None = None
    for turn in list(history)[-RECENT_TURNS:]:
        if turn.role == "user":
            previous = _resolve_one(turn.content, previous, subject, lexicon)
            if len(previous) > MAX_QUESTION_CHARS:
                previous = None  # not a question a follow-up can be read against
            subject = None
        else:
            subject = subject_of_answer(turn.content[:MAX_QUESTION_CHARS * 4])
    resolved = _resolve_one(question, previous, subject, lexicon)
    return resolved if len(resolved) <= MAX_QUESTION_CHARS else question.strip()
