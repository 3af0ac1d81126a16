"""Facts inside clauses: the sentences of the best clauses that answer the question, or silence.

When retrieval does not support an answer the reply says so (abstained) and lists at most
three clauses that may be related.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace

from assistant.abstain import Evidence, gather_evidence
from assistant.answer import verbatim
from assistant.answer.asked import unnamed
from assistant.answer.knowledge import Knowledge, Node, display
from assistant.answer.metadata import asks_purpose, names_a_subject, states_purpose_only, transmits_only
from assistant.answer.relevance import with_relevance
from assistant.answer.structure import naming_chars
from assistant.answer.types import Answer, cite, make, with_marker
from assistant.extract import (
    RUN_IN_HEADING,
    Excerpt,
    answers_figure,
    asks_quantity,
    best_excerpts,
    has_figure,
    overlap,
    strip_numbering,
)
from assistant.ingest.chunk import sentences
from assistant.ingest.document import Clause
from assistant.intent import Kind
from assistant.retrieve import Hit, Retrieval

RELATED_LIMIT = 3
_ASKS_WHY = re.compile(r"为什么|为何|什么原因|原因是什么|何故|什么理由")
_CONCLUDES = re.compile(r"^(故|因此|所以|因而|为此|据此|由此)")
_ASKS_LIST = re.compile(r"哪些|哪几|哪种|什么情形|什么情况|包括什么|下列|如下|列举")
_INTRODUCES = ("：", ":")
_FIGURE_CELL = re.compile(r"[\d.,，%％\s]+")
_ASKS_ISSUING = re.compile(r"印发|转发|发布|出台|下发|颁布|发文|公布|联合|通知")  # who issued it: the notice answers
# How many kinds, items, cases a list holds (多少种情形, 几项, 几档); 多少个 asks as often for a figure.
# 几级 and 几档 before a noun ask which grade (几级厨师证), not how many (分为几级)
_COUNTS_KINDS = re.compile(r"(多少|几)\s*(种|(?:档|级)(?!(?!的)[\u4e00-\u9fff])|类|项|款|方面|情形|方式|步)")
# A paragraph that opens with a short run-in heading (综合实力实现新跨越。…) is quoted whole
# when the heading is what matched.
PARAGRAPH_CHARS = 300
# A clause this short is quoted whole, not sentence by sentence (160 to 300 measured the same).
SHORT_CLAUSE = 200
EXCERPT_CLAUSES = 3  # the best three clauses compete for the quote (two missed a third-ranked answer)


def evidence(
    knowledge: Knowledge, question: str, top_k: int = RELATED_LIMIT, doc_ids: Collection[str] | None = None
) -> tuple[Retrieval, Evidence]:
    """Retrieval for a question and the signals that decide whether to abstain."""
    retrieval = knowledge.searcher.retrieve(question, max(top_k, RELATED_LIMIT), doc_ids)
    tokens = knowledge.tokens(question)
    top_texts = [f"{h.label} {h.text} {h.lead_unit or ''}" for h in retrieval.hits[:RELATED_LIMIT]]
    everyday = knowledge.searcher.expander.everyday_words(question)

    def translated(token: str, text: str) -> bool:  # 抽烟 stated as 吸烟
        return any((token in word or word in token) and any(t in text for t in terms) for word, terms in everyday)

    return retrieval, gather_evidence(retrieval.dense, tokens, top_texts, knowledge.weights, translated)


def excerpts(knowledge: Knowledge, question: str, hits: Sequence[Hit]) -> list[Excerpt]:
    """What an extractive answer would quote from the best clauses (EXCERPT_CLAUSES of them)."""
    figures = asks_quantity(question)  # a row of figures states them in its cells
    candidates = []
    for h in hits[:EXCERPT_CLAUSES]:
        clause = knowledge.clause(h.doc_id, h.locator)
        # …and a row whose cell the question names (甲区有哪个项目) says so in that cell
        named = any(len(value) >= 2 and value in question and value != clause.lead_unit for _, value in clause.fields)
        text = _with_fields(clause) if figures or named else h.text
        candidates.append((h.doc_id, h.locator, text, h.best_chunk, _heading(clause)))
    tokens = knowledge.searcher.keyword_tokens(question)  # everyday words count by their official terms too
    return best_excerpts(question, tokens, knowledge.weights, candidates, ranks=shared_ranks(hits))


def _with_fields(clause: Clause) -> str:
    """A clause's text, and for a table row its other cells under their column names
    (补贴总额（万元）：40.51): a row of figures states them in its fields."""
    # a cell the row's name states adds nothing, nor its text but a figure, which its column names
    cells = [
        f"{name}：{value}"
        for name, value in clause.fields
        if value and value not in clause.label and (value not in clause.text or _FIGURE_CELL.fullmatch(value))
    ]
    return "\n".join([clause.text, *cells]) if cells else clause.text


def shared_ranks(hits: Sequence[Hit]) -> list[int]:
    """Each hit's rank, hits of equal score sharing one: two rankings that disagree exactly
    (dense A before B, keywords B before A) prefer neither, and the sentences decide."""
    scores = [round(h.score, 9) for h in hits[:EXCERPT_CLAUSES]]
    return [sorted(set(scores), reverse=True).index(score) for score in scores]


def thing_unnamed(knowledge: Knowledge, question: str, hits: Sequence[Hit]) -> bool:
    """Whether the top clauses never name what the question asks about (多少贴息 of a plan without 贴息)."""
    top = hits[:RELATED_LIMIT]
    texts = [f"{h.label} {_with_fields(knowledge.clause(h.doc_id, h.locator))} {h.lead_unit or ''}" for h in top]
    # a clause speaks of what its document's title names (北京 of a 北京市发展和改革委员会 notice)
    texts += [knowledge.documents[doc_id].meta.title for doc_id in {h.doc_id for h in top}]
    return bool(unnamed(question, texts, knowledge.tokens, knowledge.searcher.expander))


def _heading(clause: Clause) -> str:
    """What every sentence of a clause is about: an item's or a row's title. An article's short
    first sentence (第三十三条 献血者享有优先用血的权利。) is the law's own words, not a heading."""
    return "" if clause.kind == "article" else clause.title


def figure_missing(knowledge: Knowledge, question: str, found: Sequence[Excerpt]) -> bool:
    """A how-many / when / how-much question whose quotes state no such figure is not answered.

    Figures the question itself contains (2024年…) do not count, and a question about
    money needs an amount in 元. A quoted clause's title counts when it states the figure
    (（三）2023年12月底前 over the tasks due then): the answer then shows it.
    """
    if not asks_quantity(question):
        return False
    titles = [knowledge.clauses[(e.doc_id, e.locator)].title for e in found]
    stated = [e.quote for e in found] + [title for title in titles if has_figure(title)]  # not （二）支持国内市场开拓
    return not answers_figure(question, "。".join(stated))


def scored(
    knowledge: Knowledge, question: str, top_k: int, doc_ids: Collection[str] | None
) -> tuple[list[Hit], Evidence, float]:
    """Hits with their relevance, the abstention signals, and the probability of an answer."""
    retrieval, signals = evidence(knowledge, question, max(top_k, verbatim.POOL), doc_ids)
    probability = knowledge.abstention.probability(signals)
    hits = verbatim.quoted_first(knowledge, question, with_relevance(knowledge, retrieval, probability))
    hits = hits[: max(top_k, RELATED_LIMIT)]
    if not asks_purpose(question):  # 能休年假吗 is not answered by 为了实施《…年休假条例》，制定本办法
        hits.sort(key=lambda hit: _purpose_only(knowledge, hit) or _named_only(knowledge, question, hit))
    return hits, signals, probability


def _purpose_only(knowledge: Knowledge, hit: Hit) -> bool:
    key = ("facts.purpose", hit.doc_id, hit.locator)
    if key not in knowledge.memo:
        knowledge.memo[key] = states_purpose_only(knowledge.clause(hit.doc_id, hit.locator))
    return bool(knowledge.memo[key])


def _named_only(knowledge: Knowledge, question: str, hit: Hit) -> bool:
    """A notice that only hands the policy on, sharing no word with the question but the
    policy's name, while the policy speaks of what the question asks (甲镇古树工作坚持什么方针
    of 现将《甲镇古树保护管理办法》印发给你们, and of its 第三条 that names the 方针)."""
    clause = knowledge.clause(hit.doc_id, hit.locator)
    key = ("facts.transmits", hit.doc_id, hit.locator)
    if key not in knowledge.memo:
        knowledge.memo[key] = transmits_only(clause)
    if not knowledge.memo[key] or _ASKS_ISSUING.search(question):
        return False
    naming = naming_chars(knowledge, hit.doc_id)
    if any(len(w) > 1 and w in clause.text and not set(w) <= naming for w in knowledge.tokens(question)):
        return False
    return bool(names_a_subject(knowledge, question, hit.doc_id))


def answer_fact(knowledge: Knowledge, question: str, top_k: int, doc_ids: Collection[str] | None) -> Answer:
    hits, signals, probability = scored(knowledge, question, top_k, doc_ids)
    if not hits or knowledge.abstention.abstains(signals) or thing_unnamed(knowledge, question, hits):
        return abstain(knowledge, question, hits, probability)
    counted = list_answer(knowledge, question, hits, counting=True)
    if counted is not None:  # 一次记3分的情形有多少种: the list, counted
        return replace(counted, relevance=probability)
    found = excerpts(knowledge, question, hits)
    if figure_missing(knowledge, question, found):
        return abstain(knowledge, question, hits, probability)
    answer = (
        list_answer(knowledge, question, hits)
        or introduced_list(knowledge, question, found, hits)
        or quote_excerpts(knowledge, question, found, hits)
    )
    return replace(answer, relevance=probability)


def list_answer(knowledge: Knowledge, question: str, hits: Sequence[Hit], counting: bool = False) -> Answer | None:
    """A which-ones question whose best clauses include a list (下列…：) gets the whole list;
    with `counting`, a how-many-kinds question (多少种, 几项) gets it with its count.

    A matching clause may be the list's introduction (its items are its children) or one of
    the items (the introduction is its parent clause); the best-ranked such clause wins.
    """
    if counting:
        if not _COUNTS_KINDS.search(question):
            return None
    elif not _ASKS_LIST.search(question) or asks_quantity(question):
        return None
    for hit in hits[:RELATED_LIMIT]:
        if hit.doc_id != hits[0].doc_id:
            continue  # a list in another document than the best clause's answers another question
        intro = _list_intro(knowledge, (hit.doc_id, hit.locator))
        if intro is not None:
            return _list_of(question, intro, hit, counting)
    return None


def introduced_list(knowledge: Knowledge, question: str, found: Sequence[Excerpt], hits: Sequence[Hit]) -> Answer | None:
    """A best quote that ends by introducing a list (按照下列职责分工…：) comes with the list."""
    if not found or not found[0].quote.rstrip().endswith(_INTRODUCES):
        return None
    key = (found[0].doc_id, found[0].locator)
    node = knowledge.nodes.get(key)
    hit = next((h for h in hits if (h.doc_id, h.locator) == key), None)
    if node is None or hit is None or _list_intro(knowledge, key) is not node:
        return None  # the quote's own clause must be the introduction, its items its children
    return _list_of(question, node, hit)


def _list_of(question: str, intro: Node, hit: Hit, counting: bool = False) -> Answer:
    clause = intro.element
    assert isinstance(clause, Clause)
    items = [child.element for child in intro.children if isinstance(child.element, Clause)]
    count = f"，共{len(items)}项" if counting else ""
    lines = [with_marker(clause.text.rstrip().rstrip("：:"), clause.marker).rstrip("。") + f"{count}："]
    citations = [cite(clause, hit.score, relevance=hit.relevance or 0.0)]
    for item in items:
        lines.append(with_marker(item.text, item.marker))
        citations.append(cite(item, hit.score, relevance=hit.relevance or 0.0))
    return make(question, "\n".join(lines), Kind.FACT, citations)


def _list_intro(knowledge: Knowledge, key: tuple[str, str]) -> Node | None:
    node = knowledge.nodes.get(key)
    if node is None:
        return None
    parent = knowledge.parents.get(key)
    if not node.children and parent is not None and isinstance(parent.element, Clause):
        node = parent
    if node.children and isinstance(node.element, Clause) and node.element.text.rstrip().endswith(_INTRODUCES):
        return node
    return None


def quote_excerpts(knowledge: Knowledge, question: str, found: Sequence[Excerpt], hits: Sequence[Hit]) -> Answer:
    """The excerpts, grouped by clause, each group followed by its clause's marker."""
    tokens = knowledge.tokens(question)
    quotes: dict[tuple[str, str], list[str]] = {}
    highlights: dict[tuple[str, str], list[str]] = {}
    for excerpt in found:
        key = (excerpt.doc_id, excerpt.locator)
        clause = knowledge.clauses[key]
        field = excerpt.sentence not in clause.text  # a row's cell under its column name
        quote = excerpt.sentence if field else (
            _run_in_paragraph(clause, excerpt.sentence)
            or _introduced(clause, excerpt.quote)
            or _short(clause)
            or _with_reason(question, clause, excerpt.sentence)
            or excerpt.quote
        )
        highlights.setdefault(key, []).append(excerpt.sentence)
        if quote.rstrip("。；;，, ") not in quotes.get(key, []):  # two sentences of one short clause
            quotes.setdefault(key, []).append(quote.rstrip("。；;，, "))
    parts = []
    intros: list[Clause] = []
    for key, pieces in quotes.items():
        clause = knowledge.clauses[key]
        quote = "。".join(pieces)
        titled = clause.title not in quote and (
            clause.kind == "row"
            or (clause.kind == "item" and overlap(clause.title, tokens, knowledge.weights) > 0)
            or (
                asks_quantity(question)
                and has_figure(clause.title)
                and answers_figure(question, clause.title)
                and not answers_figure(question, quote)
            )
        )
        quote = with_marker(f"{clause.title}：{quote}" if titled else quote, clause.marker)
        intro = _condition_intro(knowledge, key, quote)
        if intro is not None:  # 有下列情形之一的，依法予以处理［第二十一条］：弄虚作假骗取奖金的［第二十一条（二）］。
            quote = f"{strip_numbering(intro.text.strip()).rstrip('：:')}{intro.marker}：{quote}"
            intros.append(intro)
        parts.append(quote)
    by_key = {(h.doc_id, h.locator): h for h in hits}
    citations = [
        cite(knowledge.clauses[key], by_key[key].score, sentences, by_key[key].relevance or 0.0)
        for key, sentences in highlights.items()
    ]
    citations += [cite(c, citations[0].score, relevance=citations[0].relevance) for c in intros]
    return make(question, "".join(parts), Kind.FACT, citations)


def _condition_intro(knowledge: Knowledge, key: tuple[str, str], quote: str) -> Clause | None:
    """For an item that is only a condition (伪造…冒领举报奖金的), the clause introducing the list,
    which states what follows from it (有下列情形之一的，…依法给予处分：)."""
    if not re.sub(r"［[^］]*］", "", quote).rstrip("。；;，, ").endswith("的"):
        return None
    parent = knowledge.parents.get(key)
    if parent is None or not isinstance(parent.element, Clause):
        return None
    intro = parent.element
    return intro if intro.text.rstrip().endswith(_INTRODUCES) and len(intro.text) <= PARAGRAPH_CHARS else None


def _short(clause: Clause) -> str | None:
    """A short clause, whole: its condition, its rule and its exceptions belong together
    (违反…的，处…罚款，并吊销…；…五年内不得申请…), and so do the short 款 of one article
    (收容所三个工作日内通知养犬人 / 养犬人自收到通知之日起五日内认领)."""
    text = strip_numbering(clause.text.strip())
    if clause.text.rstrip().endswith(_INTRODUCES) or len(text) > SHORT_CLAUSE:
        return None
    return text


def _run_in_paragraph(clause: Clause, sentence: str) -> str | None:
    """The paragraph a short run-in heading opens, when that heading is the matched sentence."""
    head = sentence.strip()
    if not RUN_IN_HEADING.fullmatch(head):
        return None
    for paragraph in clause.paragraphs:
        if paragraph.startswith(head) and len(paragraph) > len(head):
            paragraph = strip_numbering(paragraph)  # 第 1 5 条 is the marker's to say
            return paragraph if len(paragraph) <= PARAGRAPH_CHARS else paragraph[:PARAGRAPH_CHARS] + "……"
    return None


def _with_reason(question: str, clause: Clause, sentence: str) -> str | None:
    """For a why-question, a sentence drawing a conclusion (故暂时不宜再做更多的民房搬迁。) with the
    sentence before it, which gives the reason."""
    if not _ASKS_WHY.search(question) or not _CONCLUDES.match(sentence.strip()):
        return None
    found = sentences(clause.text)
    at = next((i for i, s in enumerate(found) if s.strip() == sentence.strip()), None)
    if not at:
        return None
    return strip_numbering(found[at - 1].strip()) + sentence.strip()


def _introduced(clause: Clause, quote: str) -> str | None:
    """A quote ending in a colon, with the lines it introduces (折算为：/日工资：…/小时工资：…)."""
    if not quote.rstrip().endswith(_INTRODUCES):
        return None
    lines = clause.text.split("\n")
    at = next((i for i, line in enumerate(lines) if quote.rstrip() in line), None)
    if at is None or at + 1 >= len(lines):
        return None
    following: list[str] = []
    for line in lines[at + 1 :]:
        if sum(map(len, following)) + len(line) > PARAGRAPH_CHARS:
            break
        following.append(line.strip())
    return "\n".join([quote.rstrip(), *following]) if following else None


def _related_name(knowledge: Knowledge, hit: Hit) -> str:
    """A related clause by its label, or, when the label is a bare number (第六条), by its first words."""
    clause = knowledge.clause(hit.doc_id, hit.locator)
    return hit.label if clause.title else display(clause)


def abstain(knowledge: Knowledge, question: str, hits: Sequence[Hit], probability: float = 0.0) -> Answer:
    related = hits[:RELATED_LIMIT]
    text = "抱歉，现有文件没有涉及这个问题，无法据实回答。"
    if related:
        text += "可能相关的条款：" + "；".join(f"{_related_name(knowledge, h)}{h.marker}" for h in related) + "。"
    citations = [cite(knowledge.clause(h.doc_id, h.locator), h.score, relevance=h.relevance or 0.0) for h in related]
    # an abstention never scores above the model's threshold, whatever checked it
    relevance = min(probability, knowledge.abstention.threshold)
    return make(question, text, Kind.FACT, citations, abstained=True, relevance=relevance)
