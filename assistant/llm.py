"""Optional LLM mode: any OpenAI-compatible chat endpoint, called through langchain-openai.

The model sees the retrieved clauses numbered with their markers and must cite them.
Every marker in its reply is checked against those clauses; unknown ones are removed
and logged. A reply that cites nothing, a timeout or an error raises LLMUnavailable and
the caller answers extractively instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.errors import PolicyQAError
from assistant.followup import Turn
from assistant.ingest.document import Clause
from assistant.markers import marker_text, markers_in

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "你是政府政策文件问答助手。只能依据用户消息中给出的条款回答，不得编造条款以外的内容。"
    "用简洁的中文作答，每句话后面用条款前的方括号标记注明出处，例如［二（三）3］。"
    "如果给出的条款不能回答问题，就回答：现有文件没有涉及这个问题。"
)
HISTORY_TURNS = 4


class LLMUnavailable(PolicyQAError):
    """The LLM could not give a usable, cited answer this time."""


class LLMUngrounded(LLMUnavailable):
    """The LLM's reply states a figure or names a unit that none of the clauses it cites contains."""


_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^<>]{0,500}>", re.IGNORECASE | re.DOTALL)
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
# A named unit: an administrative level, then a body's name (市交通运输局, 省发展改革委, 县人民政府).
_LEVEL = r"(?:国务院|国家|中央|省|自治区|市|州|县|区|旗|镇|乡|街道)"
_UNIT = re.compile(
    _LEVEL + r"[\u4e00-\u9fff]{0,12}?(?:委员会|管委会|办公室|办公厅|人民政府|政府|局|委|厅|办|署|院|中心)"
)
MIN_UNIT_CHARS = 3


def _unsupported_units(text: str, stated: str) -> list[str]:
    """Named units of the text that the stated clauses do not name. A unit counts as named
    when it, or its tail from a later level word, is there: 某某市财政局 by 市财政局, never by 县财政局."""
    found = []
    for match in _UNIT.finditer(text):
        unit = match.group(0)
        tails = [unit[level.start() :] for level in re.finditer(_LEVEL, unit)]
        if not any(len(tail) >= MIN_UNIT_CHARS and tail in stated for tail in tails):
            found.append(unit)
    return found


@dataclass(frozen=True)
class LLMReply:
    text: str
    cited: tuple[Clause, ...]


def build_prompt(question: str, clauses: Sequence[Clause]) -> str:
    blocks = [
        f"{c.marker} {c.label}\n{c.text}" + (f"\n牵头单位：{c.lead_unit}" if c.lead_unit else "")
        for c in clauses
    ]
    return "条款：\n\n" + "\n\n".join(blocks) + f"\n\n问题：{question}"


_MARKER = re.compile(r"［[^］]*］")


def check_citations(text: str, clauses: Sequence[Clause]) -> LLMReply:
    """Keep the markers that name a given clause; drop (and log) the others. A reply whose
    figures (digits) or named units (市财政局) are not in the clauses it cites is refused, markup
    is removed."""
    known = {c.cite or marker_text(c.locator): c for c in clauses}
    cited: list[Clause] = []
    for found in markers_in(text):
        clause = known.get(found)
        if clause is None:
            log.warning("LLM cited an unknown clause, dropped: ［%s］", found)
            text = text.replace(f"［{found}］", "")
        elif clause not in cited:
            cited.append(clause)
    if not cited:
        raise LLMUnavailable("the reply cites none of the retrieved clauses")
    if _TAG.search(text):  # an answer is plain text: markup from the endpoint never reaches a client
        log.warning("LLM reply carried markup, removed")
        text = _TAG.sub("", text)
    claimed = _MARKER.sub("", text)
    stated = " ".join(f"{c.label} {c.text} {c.lead_unit or ''}" for c in cited)
    unsupported = sorted(f for f in set(_FIGURE.findall(claimed)) if f not in stated)
    unsupported += _unsupported_units(claimed, stated)
    if unsupported:
        raise LLMUngrounded(
            f"the reply states figures or units its cited clauses do not: {', '.join(unsupported)}"
        )
    return LLMReply(text.strip(), tuple(cited))


class LLMAnswerer:
    def __init__(self, base_url: str, model: str, api_key: str, timeout: float) -> None:
        from langchain_openai import ChatOpenAI

        self.chat = ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=api_key or "not-needed",  # type: ignore[arg-type]
            timeout=timeout,
            max_retries=0,
            temperature=0,
        )

    def answer(self, question: str, history: Sequence[Turn], clauses: Sequence[Clause]) -> LLMReply:
        messages: list[BaseMessage] = [SystemMessage(SYSTEM_PROMPT)]
        for turn in list(history)[-HISTORY_TURNS:]:
            messages.append(HumanMessage(turn.content) if turn.role == "user" else AIMessage(turn.content))
        messages.append(HumanMessage(build_prompt(question, clauses)))
        try:
            result = self.chat.invoke(messages)
        except Exception as exc:  # network, HTTP and timeout errors come in many classes
            raise LLMUnavailable(f"{type(exc).__name__}: {exc}") from exc
        content = result.content if isinstance(result.content, str) else str(result.content)
        return check_citations(content, clauses)
