"""Questions about the document itself: 文号, date, issuer, recipients, period, title, purpose.

The values come from the issuing notice and the preamble, never from a list of names.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from assistant.answer.knowledge import Knowledge
from assistant.answer.structure import attachment_named, naming_chars
from assistant.answer.types import Answer, cite, make, with_marker
from assistant.extract import overlap, sentences
from assistant.ingest.document import Clause, ParsedDocument
from assistant.ingest.parse import NOTICE_LOCATOR, PREAMBLE_LOCATOR
from assistant.intent import Kind, MetaField

OPENING_CLAUSES = 3
# 为了规范…，根据…，制定本规定。 / 为深入贯彻…，现提出如下意见。
_STATES_PURPOSE = re.compile(
    r"^\s*(第\S{1,6}条\s*)?为(了)?[^。]{4,}?(制定|特制定|提出|现就|现提出|结合本|本(条例|规定|办法|意见|方案|计划))"
)
_ARTICLE_NUMBER = re.compile(r"^\s*第[\s\d一二三四五六七八九十百零〇]{1,12}条\s*")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$|^[〇零一二三四五六七八九]{4}年.+日$")
_DOC_NUMBER = re.compile(r"\S*〔\d{4}〕\d+号")
_PERIOD = re.compile(r"（(\d{4}[—–-]\d{4}年)）")
_QUOTED_TITLE = re.compile(r"《([^》]+)》")


# 为什么制定, 依据什么: what a purpose statement answers
_ASKS_PURPOSE = re.compile(r"为什么|为何|为了|目的|背景|初衷|出发点|意义|依据|根据|依照|上位法")


def states_purpose_only(clause: Clause) -> bool:
    """A clause that is nothing but the policy's purpose statement (第一条 为了…，根据…，制定本
    办法。): it answers why the policy exists, and shares the title's words with every question."""
    found = sentences(clause.text.replace("\n", ""))
    return clause.kind != "notice" and 0 < len(found) <= 2 and bool(_STATES_PURPOSE.search(found[0]))


# 现将《…》印发给你们，请认真贯彻执行。 / 现予公布 / 特此通知。: what carries a policy, not what it says
_TRANSMITS = re.compile(
    r"(印发|转发|发|公布)给你们|(?:^|[，,。；])\s*现(予|将|把)?[^。]{0,40}(印发|转发|公布|发布)|特此(通知|函告|公告)"
)
_IN_FORCE_WORDS = re.compile(r"施行|生效|废止|有效期")


def transmits_only(clause: Clause) -> bool:
    """An issuing notice whose every sentence hands the policy on or says why it was made
    (为…，制定了《…》。现印发给你们，请…执行。): it shares the title's words with every question
    and answers none of what the policy says."""
    if clause.kind != "notice":
        return False
    said = [s for s in sentences(clause.text) if s.rstrip().endswith(("。", "！", "？"))]
    transmitting = [s for s in said if _TRANSMITS.search(s) and not _IN_FORCE_WORDS.search(s)]  # …自5月1日起施行
    return bool(transmitting) and all(s in transmitting or _STATES_PURPOSE.search(s) for s in said)


def asks_purpose(question: str) -> bool:
    return bool(_ASKS_PURPOSE.search(question))


# What a question about the document itself says besides naming it: the acts of issuing and
# putting it in force, what is asked, and the word for the document (这项扶持政策, 哪些规定).
_ABOUT_THE_DOCUMENT = re.compile(
    r"制定|印发|发布|出台|施行|实施|执行|生效|废止|公布|下发|颁布|发文|字号|文号|编号|依据|根据|依照|按照|上位法|"
    r"法律|法规|有效|日期|时间|期限|哪天|哪年|单位|部门|机关|机构|标题|名称|全称|主送|抄送|规划期|开始|起止|"
    r"(国家|中央|上级|省里|市里)?\S{0,2}(政策|文件|办法|规定|条例|意见|方案|通知|计划|规划|细则)"
)


def names_a_subject(knowledge: Knowledge, question: str, doc_id: str) -> list[str]:
    """The words of a question, besides those naming the document, that its clauses use: a
    question with one (优待凭证的有效期, 补贴在什么日期之前申请) asks about that thing, not about
    the document's 有效期 or date."""
    naming = naming_chars(knowledge, doc_id)
    key = ("body", doc_id)
    if key not in knowledge.memo:
        clauses = knowledge.documents[doc_id].clauses
        knowledge.memo[key] = "".join(c.text for c in clauses if c.kind not in ("notice", "preamble"))
    body = knowledge.memo[key]
    assert isinstance(body, str)
    words = knowledge.tokens(_ABOUT_THE_DOCUMENT.sub(" ", question))
    return [w for w in words if len(w) > 1 and set(w) - naming and w in body and not _where_or_when(w, body, knowledge)]


_PLACE_ENDS = "省市县区镇"


def _where_or_when(word: str, body: str, knowledge: Knowledge) -> bool:
    """广州 of 广州市, 天河区, a year: where and when a policy applies say which policy, not
    what is asked."""
    if any(ch.isdigit() for ch in word):  # 2025年 dates the document or the question
        return True
    if word in knowledge.lexicon.places or (word[-1] in _PLACE_ENDS and len(word) <= 4):
        return True
    return any(f"{word}{end}" in body for end in _PLACE_ENDS)


def answer_metadata(
    knowledge: Knowledge,
    question: str,
    field: MetaField,
    doc_ids: Collection[str] | None,
    ranked: Sequence[str] = (),
    full_question: str = "",
) -> Answer | None:
    if field == MetaField.IN_FORCE:
        return _answer_in_force(knowledge, question, doc_ids, ranked, full_question)
    if field == MetaField.BASIS:
        return _answer_basis(knowledge, question, doc_ids, ranked, full_question)
    for document in knowledge.in_scope(doc_ids, ranked):  # the document asked about first
        notice = next((c for c in document.clauses if c.locator == NOTICE_LOCATOR), None)
        found = notice_value(notice, field) if notice is not None else None
        if notice is not None and found is not None:
            value, line, template = found
            text = template.format(value=value).replace("［］", notice.marker)
            return make(question, text, Kind.METADATA, [cite(notice, 1.0, [line])])
        stated = registered_value(document, field)
        if stated is not None:
            clause, value, line, template = stated
            return make(
                question,
                template.format(value=value).replace("［］", clause.marker),
                Kind.METADATA,
                [cite(clause, 1.0, [line])],
            )
    return None


_LABELS = {
    MetaField.NUMBER: "文号",
    MetaField.DATE: "日期",
    MetaField.ISSUER: "发文机关",
    MetaField.RECIPIENTS: "主送",
    MetaField.PERIOD: "规划期",
    MetaField.TITLE: "全称",
}


def answer_metadata_each(knowledge: Knowledge, question: str, field: MetaField) -> Answer | None:
    """A question about "the document" when the library holds several and none is named:
    the field of every document that states it, each cited, rather than a guess at one."""
    if field not in _LABELS:
        return None
    lines, citations = [], []
    for document in knowledge.documents.values():
        found = answer_metadata(knowledge, question, field, [document.meta.doc_id])
        if found is None or not found.citations:
            continue
        value = re.sub(r"^本文件(的\S{2,4}为|由|主送)|印发$|发布$|^文件全称为", "", found.answer.split("［")[0]).strip("。")
        citation = found.citations[0]
        lines.append(f"《{document.meta.short_name}》：{value}{citation.marker}")
        citations.append(citation)
    if len(citations) < 2:
        return None
    text = f"文件库中有{len(knowledge.documents)}份文件，问题未指明是哪一份。各文件的{_LABELS[field]}：\n" + "\n".join(lines)
    return make(question, text, Kind.METADATA, citations)


# 根据《广州市公共租赁住房管理办法》（穗府办规〔2024〕13号）、《…》等规定 / 依据《中华人民共和国献血法》 /
# 为贯彻落实《国务院关于…的通知》（国发〔2025〕1号）
BASIS_SENTENCE_CHARS = 120
# …，结合本市实际，制定本办法 / …，现制定如下措施: what is enacted, not what rests on the basis
_ENACTS = re.compile(r"[，,][^。；]*?(?:特|现)?(?:制定|制订)(?:本|如下)[^，。；]{0,8}$")
_BASIS = re.compile(r"(?:为了?(?:进一步|深入)?)?(根据|依据|依照|按照|贯彻落实|贯彻|落实)(《[^》]{2,60}》(（[^）]{0,30}）)?[、和及以]*)+[^，。；]{0,12}")


def _policy_asked(
    knowledge: Knowledge, question: str, doc_ids: Collection[str] | None, ranked: Sequence[str], full_question: str
) -> tuple[ParsedDocument, list[Clause]] | None:
    """The document asked about (the first in scope) and its clauses, inside the attachment
    the question names when it names one."""
    scope = knowledge.in_scope(doc_ids, ranked)
    if not scope:
        return None
    document = scope[0]
    named = attachment_named(knowledge.trees[document.meta.doc_id], full_question or question, document.meta.title)
    inside = f"{named.locator}/" if named is not None else ""
    return document, [c for c in document.clauses if c.locator.startswith(inside)]


def _answer_basis(
    knowledge: Knowledge, question: str, doc_ids: Collection[str] | None, ranked: Sequence[str], full_question: str
) -> Answer | None:
    """The laws and rules a policy rests on, as its opening states them (根据《…》…制定), in the
    document asked about (inside the attachment the question names)."""
    asked = _policy_asked(knowledge, question, doc_ids, ranked, full_question)
    if asked is None:
        return None
    opening = [c for c in asked[1] if c.kind not in ("notice", "row")]
    for clause in opening[:OPENING_CLAUSES]:
        joined = clause.text.replace("\n", "")
        found = _BASIS.search(joined)
        if found:
            # with the rest of its sentence when short: what is done on that basis, and for whom
            # (…的有关规定，现面向辖区企业、人才受理申请), unless it only says 制定本办法
            end = min((i for i in (joined.find(mark, found.end()) for mark in "。；") if i >= 0), default=len(joined))
            rest = _ENACTS.sub("", joined[found.end() : end])
            quote = found.group(0) + rest if len(found.group(0) + rest) <= BASIS_SENTENCE_CHARS else found.group(0)
            quote = quote.rstrip("，、")
            return make(question, with_marker(quote, clause.marker), Kind.METADATA, [cite(clause, 1.0, [quote])])
    return None


def _answer_in_force(
    knowledge: Knowledge, question: str, doc_ids: Collection[str] | None, ranked: Sequence[str], full_question: str
) -> Answer | None:
    """From the document asked about only: another document's 施行 clause is no answer."""
    asked = _policy_asked(knowledge, question, doc_ids, ranked, full_question)
    if asked is None:
        return None
    document, clauses = asked
    found = in_force(clauses)
    tokens = knowledge.tokens(question)
    named = _takes_effect_naming(clauses, tokens, knowledge)
    weights = knowledge.weights
    if named is not None and (found is None or overlap(found[1], tokens, weights) < overlap(named[1], tokens, weights)):
        found = named  # 最低生活保障标准从哪天开始执行: the clause dating that standard, not the notice's 有效期
    if found is None:  # a plan states its period in its title instead: （2024—2030年）
        return answer_metadata(knowledge, question, MetaField.PERIOD, [document.meta.doc_id])
    clause, sentence = found
    text = with_marker(_ARTICLE_NUMBER.sub("", sentence), clause.marker)
    return make(question, text, Kind.METADATA, [cite(clause, 1.0, [sentence])])


# 本条例自2020年9月1日起施行 / 本办法自印发之日起施行，有效期3年 / 暂定三年有效期
_TAKES_EFFECT = re.compile(r"自[^。；]{1,30}?(起|之日起)?(施行|实施|生效|执行)")
_HOLDS = re.compile(r"有效期|(执行|实施)期限|执行(到|至)\d{4}年")
_SENTENCE = re.compile(r"[^。；]*[。；]?")
_TAKES_EFFECT_ON = re.compile(r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|之日)起?[^。；]{0,12}(施行|实施|生效|执行)")


def _takes_effect_naming(clauses: Sequence[Clause], tokens: Sequence[str], knowledge: Knowledge) -> tuple[Clause, str] | None:
    """The sentence dating what the question names (…标准均从2025年1月1日起执行), best match first."""
    best: tuple[float, Clause, str] | None = None
    for clause in clauses:
        if clause.kind == "row":
            continue
        for sentence in _SENTENCE.findall(clause.text.replace("\n", "")):
            if _TAKES_EFFECT_ON.search(sentence):
                score = overlap(sentence, tokens, knowledge.weights)
                if best is None or score > best[0]:
                    best = (score, clause, sentence.strip())
    return (best[1], best[2]) if best else None


def in_force(clauses: Sequence[Clause]) -> tuple[Clause, str] | None:
    """The sentence stating when the policy takes effect or how long it holds: the closing
    clauses first, where official documents state it (…自X起施行，有效期N年)."""
    for clause in reversed([c for c in clauses if c.kind != "row"]):
        for sentence in _SENTENCE.findall(clause.text.replace("\n", "")):
            if _HOLDS.search(sentence) or (_TAKES_EFFECT.search(sentence) and "本" in sentence[:12]):
                following = clause.text.replace("\n", "").split(sentence, 1)[1]
                more = _SENTENCE.match(following)
                extra = more.group(0) if more and "有效期" in more.group(0) else ""  # …施行。有效期3年。
                return clause, (sentence + extra).strip()
    return None


_MANIFEST_FIELD = {MetaField.NUMBER: "number", MetaField.ISSUER: "issuer", MetaField.DATE: "date"}
_TEMPLATES = {
    MetaField.NUMBER: "本文件的文号为{value}［］。",
    MetaField.ISSUER: "本文件由{value}发布［］。",
    MetaField.DATE: "本文件的日期为{value}［］。",
}
OPENING_LINES_CLAUSES = 3
CLOSING_CLAUSES = 2  # the signature: issuer and date under the last clause


def registered_value(document: ParsedDocument, field: MetaField) -> tuple[Clause, str, str, str] | None:
    """A field the library registered for the document (文号, issuer, date), when the document's
    opening or signature says it too (2022年4月14日 国家市场监督管理总局令第56号公布): the citation must show it."""
    name = _MANIFEST_FIELD.get(field)
    value = getattr(document.meta, name) if name else ""
    if not value:
        return None
    if field == MetaField.DATE:
        year, month, day = (
            (int(part) for part in value.split("-"))
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
            else (0, 0, 0)
        )
        if not year:
            return None
        value = f"{year}年{month}月{day}日"
    for clause in (*document.clauses[:OPENING_LINES_CLAUSES], *document.clauses[-CLOSING_CLAUSES:]):
        for line in clause.paragraphs:
            if value in re.sub(r"\s", "", line):
                return clause, value, line, _TEMPLATES[field]
    return None


def notice_value(notice: Clause, field: MetaField) -> tuple[str, str, str] | None:
    """(value, the line it was read from, answer template) for one field of a notice."""
    lines = list(notice.paragraphs)
    date_index = next((i for i, line in enumerate(lines) if _DATE_LINE.match(line)), None)
    if field == MetaField.NUMBER:
        line = next((ln for ln in lines if _DOC_NUMBER.search(ln)), None)
        if line:
            value = _DOC_NUMBER.search(line).group(0)  # type: ignore[union-attr]
            return value, line, "本文件的文号为{value}［］。"
    elif field == MetaField.DATE and date_index is not None:
        return lines[date_index], lines[date_index], "本文件的印发日期为{value}［］。"
    elif field == MetaField.ISSUER and date_index:
        return lines[date_index - 1], lines[date_index - 1], "本文件由{value}印发［］。"
    elif field == MetaField.RECIPIENTS:
        line = next((ln for ln in lines if ln.endswith("：")), None)
        if line:
            return line.rstrip("："), line, "本文件主送{value}［］。"
    elif field in (MetaField.PERIOD, MetaField.TITLE):
        text = notice.text.replace("\n", "")
        pattern = _PERIOD if field == MetaField.PERIOD else _QUOTED_TITLE
        match = pattern.search(text)
        if match:
            line = next((ln for ln in lines if match.group(1)[:6] in ln), match.group(0))
            template = (
                "本文件的规划期为{value}［］。"
                if field == MetaField.PERIOD
                else "文件全称为《{value}》［］。"
            )
            return match.group(1), line, template
    return None


def answer_purpose(
    knowledge: Knowledge,
    question: str,
    doc_ids: Collection[str] | None,
    full_question: str = "",
    ranked: Sequence[str] = (),
) -> Answer | None:
    """Why a document exists is the sentence saying so (为了…，制定本条例 / 为深入贯彻…，提出以下
    意见), in its preamble or its first article; failing that, the preamble. A question
    naming one of the policies a notice carries is answered from that policy; of several
    documents, the one the question is about (ranked first) answers."""
    for document in knowledge.in_scope(doc_ids, ranked):
        named = attachment_named(knowledge.trees[document.meta.doc_id], full_question or question, document.meta.title)
        inside = f"{named.locator}/" if named is not None else ""
        clauses = [c for c in document.clauses if c.locator.startswith(inside)]
        opening = [c for c in clauses if c.kind not in ("notice", "row")][:OPENING_CLAUSES]
        for clause in opening:
            for sentence in re.split(r"(?<=[。])", clause.text.replace("\n", "")):
                if _STATES_PURPOSE.search(sentence):
                    text = with_marker(_ARTICLE_NUMBER.sub("", sentence), clause.marker)
                    return make(question, text, Kind.PURPOSE, [cite(clause, 1.0, [sentence])])
        preamble = next((c for c in document.clauses if c.locator == PREAMBLE_LOCATOR), None)
        if preamble:
            text = with_marker(preamble.text, preamble.marker)
            return make(question, text, Kind.PURPOSE, [cite(preamble, 1.0, [preamble.text])])
    return None
