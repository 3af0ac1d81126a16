"""The optional LLM mode: the model writes the answer from the retrieved clauses.

Any failure falls back to the extractive answer with a notice.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import replace

from assistant.answer.knowledge import Knowledge
from assistant.answer.types import Answer, cite
from assistant.followup import Turn
from assistant.llm import LLMAnswerer, LLMUnavailable, LLMUngrounded

log = logging.getLogger(__name__)


def with_llm(
    knowledge: Knowledge,
    llm: LLMAnswerer | None,
    extractive: Answer,
    history: Sequence[Turn],
    top_k: int,
    doc_ids: Collection[str] | None,
) -> Answer:
    if llm is None:
        return replace(extractive, notice="未配置大模型（POLICYQA_LLM_BASE_URL），已使用摘录模式回答。")
    hits = knowledge.searcher.search(extractive.standalone_question, top_k, doc_ids)
    clauses = [knowledge.clause(h.doc_id, h.locator) for h in hits]
    try:
        reply = llm.answer(extractive.standalone_question, history, clauses)
    except LLMUngrounded as exc:
        log.warning("LLM reply not grounded, answering extractively: %s", exc)
        return replace(extractive, notice="大模型的回答含有所引条款中没有的数字或单位名称，已改用摘录模式回答。")
    except LLMUnavailable as exc:
        log.warning("LLM call failed, answering extractively: %s", exc)
        return replace(extractive, notice="大模型暂时不可用，已改用摘录模式回答。")
    scores = {(h.doc_id, h.locator): h.score for h in hits}
    citations = [cite(c, scores[(c.doc_id, c.locator)]) for c in reply.cited]
    return replace(extractive, answer=reply.text, mode="llm", citations=tuple(citations))
