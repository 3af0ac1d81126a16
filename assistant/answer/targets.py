"""Targets: what a plan aims to reach, read where plans state it; and what a text applies to.

Chinese plans state their targets in paragraphs that open with the year to reach them by
(到2026年，…基本建成… / 力争到2030年，…), often followed by run-in headed paragraphs that
break the target down (综合实力实现新跨越。…). A question about the targets gets those
paragraphs: each dated target whole, each breakdown by its run-in heading. A target
stated under its own heading (工作目标, 主要目标) is answered by the structure strategy first.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from jieba import posseg

from assistant.answer.knowledge import Knowledge
from assistant.answer.structure import subject_of
from assistant.answer.types import Answer, cite, make, with_marker
from assistant.extract import RUN_IN_HEADING, asks_quantity, strip_numbering
from assistant.ingest.document import Clause
from assistant.intent import Kind

_ASKS_TARGET = re.compile(r"目标|要达到|达到什么|实现什么|建成什么|什么程度|什么水平")
# What may stand beside the target words in a question about the plan's targets as a whole.
_TARGET_WORDS = re.compile(
    r"(总体|主要|发展|工作|具体|预期|近期|远期|阶段性|建设)?目标|到?\s*\d{4}\s*年(底|末)?|要|达到|实现|建成|程度|水平|打造|力争"
    r"|(?:提出|确定|明确|设定|制定)了?(?:哪些|什么)?|定了(?:哪些|什么)?"  # 提出了什么目标: the plan states them
)
_DATED = re.compile(r"^(?:力争)?到\s*(\d{4})\s*年")
_YEAR = re.compile(r"(\d{4})\s*年")
# …，特制定方案如下 / …，制定本方案: what is enacted, not part of the target (…，制定完善一批标准 is)
_ENACTING = re.compile(r"[，,][^，,。；]*(?:制定|制订)了?(?:本|[^，,。；]{0,10}如下)[^，,。；]{0,8}$")
_INNER_DATED = re.compile(r"[，,]((?:力争)?到\s*(\d{4})\s*年[，,][^。；]+)")
TARGET_CHARS = 300


def asks_target(question: str, titles: Collection[str] = ()) -> bool:
    """A question about the plan's targets as a whole (人才公寓的建设目标 asks about one item).

    What is left beside the target words may only name the document: every character of
    it occurs in a title (a short form of the title, or the place it names).
    """
    if not _ASKS_TARGET.search(question) or asks_quantity(question):
        return False
    rest = _TARGET_WORDS.sub("", subject_of(question))
    named = set("".join(titles))
    return all(ch in named for ch in rest if ch.isalnum())


def _target_lines(clause: Clause, years: set[str]) -> list[str]:
    """The dated paragraphs (the asked years only, when the question names one) and their breakdowns."""
    lines: list[str] = []
    inside = False
    for paragraph in clause.paragraphs:
        dated = _DATED.match(paragraph)
        if dated:
            inside = not years or dated.group(1) in years
            if inside:
                lines.append(paragraph if len(paragraph) <= TARGET_CHARS else paragraph[:TARGET_CHARS] + "……")
            continue
        run_in = RUN_IN_HEADING.match(paragraph)
        if inside and run_in:
            lines.append(run_in.group(1))
            continue
        inside = False
        closing = _closing_targets(paragraph, years) if clause.kind == "preamble" else ""
        if closing:
            lines.append(closing)
    return lines


def _closing_targets(paragraph: str, years: set[str]) -> str:
    """Dated sentences that close a paragraph (…制定本行动方案。到2025年，…。到2030年前…。):
    the targets of a preamble that states them after its purpose. One dated sentence among
    others (…。到2030年，屋顶光伏应装尽装。对于…) is a task's deadline, not a target."""
    sentences = [s for s in re.findall(r"[^。；]+[。；]?", paragraph) if s.strip()]
    start = len(sentences)
    while start > 1 and _DATED.match(sentences[start - 1].strip()):
        start -= 1
    dated = [s.strip() for s in sentences[start:] if not years or _DATED.match(s.strip()).group(1) in years]  # type: ignore[union-attr]
    if dated:
        return "".join(dated)
    # 为贯彻…，到2030年，完成一批…建设，特制定本方案。: the target inside the purpose sentence
    inner = _INNER_DATED.search(paragraph)
    if inner is None or years and inner.group(2) not in years:
        return ""
    return _ENACTING.sub("", inner.group(1)) + "。"


# Plan-level concepts stated inside a paragraph rather than under their own heading
# (…以产业互嵌、科创协同…为路径, …的功能定位); under a heading the structure strategy finds them.
_CONCEPT = re.compile(r"功能定位|战略定位|发展定位|总体定位|定位|路径|指导思想|总体思路|基本原则|工作原则")
_SENTENCE = re.compile(r"[^。；]+[。；]?")


def answer_concept(
    knowledge: Knowledge, question: str, doc_ids: Collection[str] | None, ranked: Sequence[str] = ()
) -> Answer | None:
    """The first sentence stating the concept asked about (路径, 功能定位 …) that also holds
    whatever else the question names."""
    concept = _CONCEPT.search(question)
    if concept is None:
        return None
    documents = knowledge.in_scope(doc_ids, ranked)
    scope = {d.meta.doc_id for d in documents}
    named = set("".join(t for names in knowledge.names if names.doc_id in scope for t in names.titles))
    rest = [
        word
        for word, tag in posseg.lcut(_TARGET_WORDS.sub("", subject_of(question).replace(concept.group(0), "")))
        if tag.startswith("n") and not set(word) <= named  # the nouns that name something other than the plan
    ]
    for document in documents:
        for clause in document.clauses:
            if clause.kind in ("notice", "preamble"):
                continue
            for sentence in _SENTENCE.findall(clause.text.replace("\n", "")):
                if concept.group(0) in sentence and all(word in sentence for word in rest):
                    return make(question, with_marker(sentence, clause.marker), Kind.STRUCTURE, [cite(clause, 1.0, [sentence])])
    return None


def answer_targets(
    knowledge: Knowledge, question: str, doc_ids: Collection[str] | None, ranked: Sequence[str] = ()
) -> Answer | None:
    documents = knowledge.in_scope(doc_ids, ranked)
    titles = [title for names in knowledge.names if names.doc_id in {d.meta.doc_id for d in documents} for title in names.titles]
    if not asks_target(question, titles):
        return None
    years = set(_YEAR.findall(question))
    for document in documents:
        for clause in document.clauses:
            lines = _target_lines(clause, years)
            if lines:
                dated = [line for line in lines if _DATED.match(line)]
                text = "\n".join(with_marker(line, clause.marker) for line in lines)
                return make(question, text, Kind.STRUCTURE, [cite(clause, 1.0, dated)])
    return None


# What a text applies to: asked as 适用范围 / 适用对象 / 适用于哪些…, stated by legal texts and
# policies in the words 本条例适用于… / 本办法所称…适用于… / …适用本办法.
_ASKS_SCOPE = re.compile(
    r"适用范围|适用对象|适用于(哪些|什么|哪|谁)|适用哪些|(哪些|什么)(人|单位|企业|地方|地区|区域|情形|对象|项目|人员|机构|活动)[^，。？]{0,6}适用"
)
_STATES_SCOPE = re.compile(
    r"本(条例|规定|办法|细则|意见|方案|预案|措施|政策|规则|决定|通知|标准)[^。；]{0,30}适用于"
    r"|适用本(条例|规定|办法|细则|实施细则|意见|实施意见|方案|实施方案|预案|措施|政策|规则|决定|通知|标准)"
)


def answer_scope(
    knowledge: Knowledge, question: str, doc_ids: Collection[str] | None, ranked: Sequence[str] = ()
) -> Answer | None:
    """What the text applies to: the first clause saying so (本条例适用于… , …适用本办法), whole
    when short, since its other 款 (…不适用本条例) bound the scope."""
    if not _ASKS_SCOPE.search(question):
        return None
    for document in knowledge.in_scope(doc_ids, ranked)[:1]:  # the document asked about, or retrieval's first
        for clause in document.clauses:
            if clause.kind in ("notice", "preamble"):
                continue
            stating = [s for s in _SENTENCE.findall(clause.text.replace("\n", "")) if _STATES_SCOPE.search(s)]
            if stating:
                text = strip_numbering(clause.text.strip()) if len(clause.text) <= TARGET_CHARS else "".join(stating)
                return make(question, with_marker(text, clause.marker), Kind.STRUCTURE, [cite(clause, 1.0, stating)])
    return None
