"""Who leads what: the lead unit of an item, and every item a unit leads (complete, not top-k).

Lead units come from table rows' fields and from inline （牵头单位：…） in items.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from assistant.answer.knowledge import Knowledge, display
from assistant.answer.structure import naming_chars
from assistant.answer.types import Answer, cite, make
from assistant.extract import overlap
from assistant.ingest.document import Clause
from assistant.ingest.leads import HELPER_NAMES, LEAD_NAMES
from assistant.intent import Intent, Kind
from assistant.lexicon import unit_parts

_LEAD_WORDS = re.compile(r"由|哪个|哪家|什么|单位|部门|机构|牵头|负责|主管|谁|是|的|？|\?")
MIN_COVERAGE = 0.6
# the units that help the lead one (配合单位 inline or a 配合单位/协同单位 column): part of who does it
_HELPER = re.compile(r"配合|协同|参与|协办")
_HELPER_NAME = "配合单位"
INLINE_NAMES = (*LEAD_NAMES, *HELPER_NAMES)


def answer_lead_unit(knowledge: Knowledge, question: str, doc_ids: Collection[str] | None) -> Answer | None:
    tokens = knowledge.tokens(_LEAD_WORDS.sub(" ", question))
    weights = knowledge.weights
    total = sum(weights.idf(t) for t in set(tokens))
    if total == 0:
        return None
    rows = [
        (overlap(row.label + row.text, tokens, weights) / total, overlap(row.title, tokens, weights), row)
        for row in knowledge.led
        if doc_ids is None or row.doc_id in doc_ids
    ]
    if not rows:
        return None
    coverage, _, row = max(rows, key=lambda item: (item[1], item[0]))
    if coverage < MIN_COVERAGE or not row.lead_unit:
        return None
    notes = [f"{name}：{value}" for name, value in row.fields if value and name in INLINE_NAMES]
    if row.kind != "row" and notes:  # an item's own note, in the document's words: （责任单位：…）
        text = f"{row.title}（{'，'.join(notes)}）{row.marker}。"
    else:
        helpers = [value for name, value in row.fields if _HELPER.search(name) and value]
        helping = f"，{_HELPER_NAME}是{'；'.join(helpers)}" if helpers else ""
        text = f"{row.title}的{lead_name(row)}是{row.lead_unit}{helping}{row.marker}。"
    return make(question, text, Kind.LEAD_UNIT, [cite(row, coverage)])


def answer_listing(knowledge: Knowledge, question: str, intent: Intent, doc_ids: Collection[str] | None) -> Answer:
    rows = [
        row
        for row in (knowledge.led if intent.units and not intent.categories else knowledge.rows)
        if (doc_ids is None or row.doc_id in doc_ids)
        and (not intent.units or any(u in unit_parts(row.lead_unit or "") for u in intent.units))
        and (not intent.categories or any(row.locator.startswith(c.locator + "/") for c in intent.categories))
    ]
    what = "、".join(c.name for c in intent.categories) or "事项"
    who = "、".join(intent.units)
    subject = f"{who}牵头的{what}" if who else what
    if not rows:
        return make(question, f"文件中没有{subject}。", Kind.LISTING, ())
    return _listed(question, subject, rows)


def _listed(question: str, subject: str, rows: list[Clause]) -> Answer:
    lines = [f"{subject}共{len(rows)}项："]
    for number, row in enumerate(rows, start=1):
        lines.append(f"{number}. {row.title or display(row)}（{lead_name(row)}：{row.lead_unit}）{row.marker}")
    return make(question, "\n".join(lines), Kind.LISTING, [cite(row, 1.0) for row in rows])


# What a question about every item's lead unit says besides the document's name
# (上海若干措施的责任单位有哪些, 各项任务的推进单位分别是什么).
_PLURAL = re.compile(r"哪些|哪几|都|各|分别|所有|全部|每项|每一项")
_EVERY = re.compile(rf"各项|哪几个|{_PLURAL.pattern}|什么|谁|的|是|有|？|\?|，|,")
_COUNTED = re.compile(r"措施|任务|事项|工作|项目|举措|内容")
MAX_UNNAMED = 2


def answer_every_lead(knowledge: Knowledge, question: str, doc_ids: Collection[str] | None) -> Answer | None:
    """Every item of the one document asked about with its lead unit, when the question names
    nothing but that document and the lead units (责任单位有哪些)."""
    documents = knowledge.in_scope(doc_ids)
    if len(documents) != 1 or not _PLURAL.search(question):  # X的牵头单位是谁 asks about one item
        return None
    doc_id = documents[0].meta.doc_id
    rest = question
    for name in INLINE_NAMES:
        rest = rest.replace(name, "")
    rest = _COUNTED.sub("", _EVERY.sub("", rest))
    if len({ch for ch in rest if ch.isalnum()} - naming_chars(knowledge, doc_id)) > MAX_UNNAMED:
        return None
    rows = [row for row in knowledge.led if row.doc_id == doc_id]
    if not rows:
        return None
    return _listed(question, f"{lead_name(rows[0])}明确的事项", rows)


def lead_name(row: Clause) -> str:
    """What the document calls the lead unit of a row or item: 牵头单位, 责任单位, 推进单位 …"""
    return next((name for name, value in row.fields if value and value == row.lead_unit), LEAD_NAMES[0])
