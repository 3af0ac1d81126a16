"""Which documents a question names: by title, by a distinctive run of its title, or by 文号.

Titles come from the parsed documents and their manifest (the manifest title, the titles
of the policies a notice carries), never from a list kept in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.ingest.document import Heading, Kind, ParsedDocument, attachment_title

MIN_SHARED_CHARS = 6
EXACT_NAME = 99  # a whole title (100: the 文号)
_MIN_REST_CHARS = 4  # what is left of a question once its document's name is taken out  # a shared run this long (支持重点产业, 生活垃圾分类管理) names a document
_KIND = re.compile(r"(条例|规定|办法|细则|意见|方案|计划|规划|通知|决定|通告|公告|措施|政策|预案|复函|批复|指南|纲要)$")
_ABBREVIATED_RUN = 4
_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,8}〔\d{4}〕\d+号")
# The two and the three characters before 省/市/县/区 (广州 of 关于推出供应广州市…, 石家庄 of 石家庄市):
# the one a question says is matched; the other never is.
_PLACES = (re.compile(r"(?=([\u4e00-\u9fa5]{2})(?:省|市|县|区))"), re.compile(r"(?=([\u4e00-\u9fa5]{3})(?:省|市|县|区))"))
_GENERIC = re.compile(r"关于|印发|的通知|实施意见|实施方案|行动计划|若干措施|管理办法|人民政府|办公室|办公厅")


def longest_shared_run(a: str, b: str) -> tuple[int, int]:
    """(length, end in a) of the longest substring the two texts share (dynamic programming)."""
    best, end = 0, 0
    previous = [0] * (len(b) + 1)
    for i, ch in enumerate(a, start=1):
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            if ch == other:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, end = current[j], i
        previous = current
    return best, end


@dataclass(frozen=True)
class DocumentNames:
    doc_id: str
    number: str
    titles: tuple[str, ...]
    places: tuple[str, ...] = ()  # 嘉兴 of 嘉兴市…条例: where the document applies
    body: str = field(default="", repr=False, compare=False)  # its clauses' text

    @classmethod
    def of(cls, document: ParsedDocument) -> DocumentNames:
        titles = [document.meta.title, document.meta.short_title]
        titles += [
            e.label if e.kind is Kind.TITLE else attachment_title(e)
            for e in document.elements
            if isinstance(e, Heading) and e.kind in (Kind.TITLE, Kind.ATTACHMENT)
        ]
        places = {m.group(1) for pattern in _PLACES for m in pattern.finditer(document.meta.title)}
        body = "\n".join(clause.text for clause in document.clauses)
        return cls(document.meta.doc_id, document.meta.number, tuple(t for t in titles if t), tuple(sorted(places)), body)

    def mention(self, question: str) -> tuple[int, str]:
        """How clearly the question names this document (characters of its title it shares,
        100 for its 文号), and the words that name it."""
        if self.number and self.number in question:
            return 100, self.number
        best, said = 0, ""
        for title in self.titles:
            if title in question:
                return EXACT_NAME, title
            length, end = longest_shared_run(question, _GENERIC.sub("|", title))
            if length > best:
                best, said = length, question[end - length : end]
                whole, whole_end = longest_shared_run(question, title)  # …管理办法: the name goes on
                if whole_end - whole <= end - length and whole_end >= end:
                    said = question[whole_end - whole : whole_end]
            kind = _KIND.search(title)
            named = kind and re.match(rf"的?{kind.group(0)}", question[end:])
            if named and length >= _ABBREVIATED_RUN:
                # 价格规定 for 价格管理和收费规定, 科技节水的复函 for 关于科技节水建议的复函: a run of
                # the title followed by its kind
                best, said = max(best, MIN_SHARED_CHARS), question[end - length : end + named.end()]
        return best, said


@dataclass(frozen=True)
class Scope:
    """The documents a question names, and the question with the naming words taken out
    (嘉兴 in 嘉兴市生活垃圾分类管理条例 should not pull retrieval to every clause saying 嘉兴)."""

    doc_ids: frozenset[str]
    question: str
    places: tuple[str, ...] = ()  # named only by a place (嘉兴), which other documents may speak of


def documents_named(question: str, documents: Iterable[DocumentNames]) -> Scope | None:
    """The documents the question names most clearly, if it names any (ties are kept)."""
    documents = list(documents)
    mentions = {names.doc_id: names.mention(question) for names in documents}
    if not mentions:
        return None
    best = max(strength for strength, _ in mentions.values())
    if best < MIN_SHARED_CHARS:
        return _place_named(question, documents)
    chosen = {doc_id: said for doc_id, (strength, said) in mentions.items() if strength == best}
    said = next(iter(chosen.values()))
    if len(documents) == 1 and best < EXACT_NAME and not _KIND.search(said):
        return None  # the only document: named by its name (…办法), not by a topic its title shares
    if best < EXACT_NAME and any(said in d.body for d in documents if d.doc_id not in chosen):
        # a run of a title that other documents use in their text is their common topic
        # (公共租赁住房 of two housing policies), not the name of one
        return _place_named(question, documents)
    rest = question.replace(said, "", 1).strip("《》“”\"' ")
    if len(chosen) > 1:  # the words just before the name (新疆 of 新疆自然灾害救助应急预案), not what is asked
        chosen = _by_rest_of_title(chosen, question[: max(question.find(said), 0)][-_PREFIX_CHARS:], documents)
    return Scope(frozenset(chosen), rest if len(re.sub(r"\W", "", rest)) >= _MIN_REST_CHARS else question)


_TIE_RUN = 2  # 新疆 of 新疆自然灾害救助应急预案 tells 新疆维吾尔自治区… from 国家…
_PREFIX_CHARS = 8  # a place or issuer said before a document's name: 新疆维吾尔自治区, 上海市


def _by_rest_of_title(chosen: dict[str, str], before: str, documents: list[DocumentNames]) -> dict[str, str]:
    """Of documents named equally, those whose titles also hold the words the question says
    just before their name (新疆 of 新疆自然灾害救助应急预案); all of them when none does."""
    runs = {  # the title without the words that named it (新疆维吾尔自治区 of 新疆维吾尔自治区自然灾害救助应急预案)
        d.doc_id: max((longest_shared_run(before, title.replace(chosen[d.doc_id], ""))[0] for title in d.titles), default=0)
        for d in documents
        if d.doc_id in chosen
    }
    top = max(runs.values())
    if top < _TIE_RUN or list(runs.values()).count(top) == len(runs):
        return chosen
    return {doc_id: said for doc_id, said in chosen.items() if runs[doc_id] == top}


_SPOKEN_OF = 2  # mentions of a place in a document's text that make it a subject, not a passing word


def _place_named(question: str, documents: list[DocumentNames]) -> Scope | None:
    """The documents of the place a question names (嘉兴生活垃圾分为哪几类 → the 嘉兴 条例),
    when that place is not every document's; the place name leaves the retrieval query.

    A question naming two places (在甲市买房能享受乙市的配套吗) is about the documents of one
    that speak of the other (甲市's plan full of 对接乙市), not about every document of either;
    the other place stays in the question, as what it asks about.
    """
    said = {place for d in documents for place in d.places if place in question}
    named = [d for d in documents if any(place in said for place in d.places)]
    if not named or len(named) == len(documents):
        return None
    distinct = {place for place in said if not any(place != other and place in other for other in said)}  # 家庄 of 石家庄
    if len(distinct) > 1:  # the other place spoken of more than in passing
        reach = {d.doc_id: sum(1 for p in distinct if p in d.places or d.body.count(p) >= _SPOKEN_OF) for d in named}
        named = [d for d in named if reach[d.doc_id] == max(reach.values())]
    # the longest first: 石家庄 before 家庄
    own = sorted({place for d in named for place in d.places if place in said}, key=len, reverse=True)
    rest = question
    for place in own:
        rest = re.sub(rf"{place}(省|市|县|区)?", "", rest)
    rest = rest if len(re.sub(r"\W", "", rest)) >= _MIN_REST_CHARS else question
    return Scope(frozenset(d.doc_id for d in named), rest, tuple(own))
