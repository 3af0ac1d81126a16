"""Definitions: what a term means, read where Chinese legal and policy texts define it.

Texts define their terms in fixed words: 本办法所称的重点旧改地块，是指…, 本条例所称生活垃圾，
是指…, 前款所称X，包括…, X是指…. A question that asks what a term means (“重点旧改地块”指哪些,
什么是X, X是指什么, X的含义) is answered by the sentence defining it, wherever it stands,
rather than by the clauses that merely use the term most.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from assistant.answer.knowledge import Knowledge
from assistant.answer.types import Answer, cite, make, with_marker
from assistant.extract import strip_numbering
from assistant.ingest.chunk import sentences
from assistant.intent import Kind

# a quoted term asked about right after its closing quote: “重点旧改地块”指哪些 / “一网通办”是什么意思
_QUOTED = re.compile(r"[“\"「]([^”\"」]{2,20})[”\"」](?:是指|指的是|指|是什么意思|什么意思|的含义|的定义|是什么(?=[？?]|$))")
_ASKS_MEANING = re.compile(r"是指|指的是|指什么|指哪|指谁|[”\"」]指|什么意思|含义|定义|何谓|何为|什么是|是什么")
_TERM_BEFORE = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{2,30}?)(?:是指|指的是|指什么|指哪些|指哪|是什么意思|什么意思|的含义|的定义)")
_TERM_AFTER = re.compile(r"(?:什么是|何谓|何为)([\u4e00-\u9fffA-Za-z0-9]{2,20})")
# what stands before the term in a question without being part of it
_LEAD_IN = re.compile(r"^.*(?:所称的?|所说的?|里的|中的|规定的|提到的|讲的|说的)|^(?:请问|这个|那个|文件|本办法|本条例|本规定)")
_DEFINES = ("所称", "是指", "系指", "指的是")


def asked_term(question: str) -> str:
    """The term a question asks the meaning of, or ""."""
    if not _ASKS_MEANING.search(question):
        return ""
    quoted = _QUOTED.search(question)
    if quoted:
        return quoted.group(1)
    found = _TERM_AFTER.search(question) or _TERM_BEFORE.search(question)
    if found is None:
        return ""
    return _LEAD_IN.sub("", found.group(1))


def defines(sentence: str, term: str) -> bool:
    """Whether a sentence defines the term: 所称…term…是指, or term right before 是指/系指/，指."""
    at = sentence.find(term)
    if at < 0:
        return False
    before, after = sentence[:at], sentence[at + len(term) :]
    if "所称" in before[-12:] and _DEFINING.match(after):
        return True
    return bool(re.match(rf"{_AFTER_TERM}(?:是指|系指|指的是){_NOT_A_VERB}", after))


# between a term and the word defining it: a closing quote, （以下简称…）, 行为 or nothing
_AFTER_TERM = r"[”\"」]?(?:（[^）]{0,20}）|\([^)]{0,20}\))?(?:行为)?[，,]?"
_NOT_A_VERB = r"(?!挥|导|标|示|引|定|令|派|责|出)"  # 是指挥, 指导, 指标 … are no definition
_DEFINING = re.compile(rf"{_AFTER_TERM}(?:是指|系指|指|包括){_NOT_A_VERB}")


def answer_definition(
    knowledge: Knowledge, question: str, doc_ids: Collection[str] | None, ranked: Sequence[str] = ()
) -> Answer | None:
    """The sentence defining the term asked about, from the document asked about first."""
    term = asked_term(question)
    if len(term) < 2:
        return None
    for document in knowledge.in_scope(doc_ids, ranked):
        for clause in document.clauses:
            if term not in clause.text or not any(word in clause.text for word in _DEFINES):
                continue
            for sentence in sentences(clause.text):
                if defines(sentence, term):
                    quote = strip_numbering(sentence).rstrip("。；;")  # 第二条 本办法所称…
                    return make(question, with_marker(quote, clause.marker), Kind.FACT, [cite(clause, 1.0, [sentence])])
    return None
