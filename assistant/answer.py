"""Step 7: answers in Chinese, every statement followed by the marker of its clause.

The default mode is extractive and needs no LLM: metadata from the issuing notice, lead
units and listings from the table's fields (complete, not top-k), facts as the sentences
of the best clauses that answer the question. When retrieval does not support an answer
the reply says so (abstained) and lists at most three clauses that may be related.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Literal

from assistant.abstain import AbstentionModel, Evidence, gather_evidence
from assistant.extract import Excerpt, TermWeights, answers_figure, asks_quantity, best_excerpts, overlap
from assistant.followup import Turn, standalone_question
from assistant.ingest.document import Clause, ParsedDocument
from assistant.ingest.parse import NOTICE_LOCATOR, PREAMBLE_LOCATOR
from assistant.intent import Intent, Kind, MetaField, classify
from assistant.lexicon import Lexicon, unit_parts
from assistant.llm import LLMAnswerer, LLMUnavailable
from assistant.markers import marker_text, markers_in
from assistant.retrieve import Hit, Retrieval, Searcher
from assistant.scope import DocumentNames, documents_named

log = logging.getLogger(__name__)

Mode = Literal["extractive", "llm"]
RELATED_LIMIT = 3
_LEAD_WORDS = re.compile(r"由|哪个|哪家|什么|单位|部门|机构|牵头|负责|主管|谁|是|的|？|\?")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$|^[〇零一二三四五六七八九]{4}年.+日$")
_DOC_NUMBER = re.compile(r"\S*〔\d{4}〕\d+号")
_PERIOD = re.compile(r"（(\d{4}[—–-]\d{4}年)）")
_QUOTED_TITLE = re.compile(r"《([^》]+)》")
_THANKS = re.compile(r"谢|感谢|thank", re.IGNORECASE)
_BYE = re.compile(r"再见|拜拜|bye", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    """A clause an answer rests on, with the sentences of it the answer used."""

    doc_id: str
    locator: str
    label: str
    breadcrumb: tuple[str, ...]
    text: str
    lead_unit: str | None
    score: float
    marker: str
    highlights: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "breadcrumb": list(self.breadcrumb), "highlights": list(self.highlights)}


@dataclass(frozen=True)
class Answer:
    question: str
    standalone_question: str
    answer: str
    abstained: bool
    mode: Mode
    kind: str
    citations: tuple[Citation, ...]
    notice: str | None = None


def _citation(clause: Clause, score: float, highlights: Sequence[str] = ()) -> Citation:
    return Citation(
        doc_id=clause.doc_id,
        locator=clause.locator,
        label=clause.label,
        breadcrumb=clause.breadcrumb,
        text=clause.text,
        lead_unit=clause.lead_unit,
        score=score,
        marker=clause.marker,
        highlights=tuple(highlights),
    )


def _sentence_with_marker(quote: str, clause: Clause) -> str:
    """Put the marker before the closing full stop: ……人才公寓［二（三）3］。"""
    body = quote.rstrip("。；;，, ")
    return f"{body}{clause.marker}。"


class Answerer:
    """Answers questions from one loaded index; safe to share between threads."""

    def __init__(
        self,
        searcher: Searcher,
        lexicon: Lexicon,
        abstention: AbstentionModel,
        llm: LLMAnswerer | None = None,
    ) -> None:
        self.searcher = searcher
        self.lexicon = lexicon
        self.abstention = abstention
        self.llm = llm
        index = searcher.index
        self.documents: dict[str, ParsedDocument] = {doc.meta.doc_id: doc for doc in index.documents}
        self.clauses: dict[tuple[str, str], Clause] = {
            (c.doc_id, c.locator): c for doc in index.documents for c in doc.clauses
        }
        self.rows = [c for c in self.clauses.values() if c.kind == "row"]
        # Clauses that name a lead unit: table rows, and items with an inline （牵头单位：…）.
        self.led = [c for c in self.clauses.values() if c.lead_unit and c.kind not in ("notice", "preamble")]
        self.weights = TermWeights.from_token_lists(
            index.tokenizer.tokens(c.indexed_text) for c in index.chunks
        )
        self.names = [DocumentNames.of(doc) for doc in index.documents]
        self._by_marker = {clause.cite or marker_text(loc): clause for (_, loc), clause in self.clauses.items()}

    # -- public ---------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        top_k: int = 5,
        mode: Mode = "extractive",
        doc_ids: Collection[str] | None = None,
    ) -> Answer:
        """Answer one question, resolving references to earlier turns first."""
        standalone = standalone_question(question, history, self.lexicon, self.subject_of_answer)
        asked = standalone
        if doc_ids is None:  # a question that names a document is answered from it
            scope = documents_named(standalone, self.names)
            if scope is not None:
                doc_ids, asked = scope.doc_ids, scope.question
        intent = classify(standalone, self.lexicon)
        answer = replace(self._answer(asked, intent, top_k, doc_ids), standalone_question=standalone)
        if mode == "llm" and answer.kind == Kind.FACT and not answer.abstained:
            answer = self._with_llm(answer, history, top_k, doc_ids)
        return replace(answer, question=question)

    def subject_of_answer(self, content: str) -> str | None:
        """The title of the first clause an earlier answer cited."""
        for text in markers_in(content):
            clause = self._by_marker.get(text)
            if clause is not None:
                return clause.title
        return None

    # -- routing --------------------------------------------------------------------------

    def _answer(self, question: str, intent: Intent, top_k: int, doc_ids: Collection[str] | None) -> Answer:
        if intent.kind == Kind.GREETING:
            return self._greeting(question)
        if intent.kind == Kind.METADATA and intent.meta_field is not None:
            found = self._metadata(question, intent.meta_field, doc_ids)
            if found:
                return found
        if intent.kind == Kind.PURPOSE:
            found = self._purpose(question, doc_ids)
            if found:
                return found
        if intent.kind == Kind.LISTING:
            return self._listing(question, intent, doc_ids)
        if intent.kind == Kind.LEAD_UNIT:
            found = self._lead_unit(question, doc_ids)
            if found:
                return found
        return self._fact(question, top_k, doc_ids)

    def _make(
        self, question: str, text: str, kind: Kind, citations: Sequence[Citation], abstained: bool = False
    ) -> Answer:
        return Answer(question, question, text, abstained, "extractive", kind.value, tuple(citations))

    def _greeting(self, question: str) -> Answer:
        titles = "》《".join(doc.meta.title for doc in self.documents.values())
        scope = f"我可以回答《{titles}》中的问题，并给出条款出处。"
        if _THANKS.search(question):
            text = f"不客气！{scope}欢迎继续提问。"
        elif _BYE.search(question):
            text = "再见！有政策问题随时再来问我。"
        else:
            text = (
                f"您好！我是政策问答助手，{scope}"
                "例如：某项措施由哪个单位牵头？某个单位牵头哪些事项？本文件的文号是什么？"
            )
        return self._make(question, text, Kind.GREETING, ())

    def _documents(self, doc_ids: Collection[str] | None) -> list[ParsedDocument]:
        return [doc for doc_id, doc in self.documents.items() if doc_ids is None or doc_id in doc_ids]

    # -- metadata -------------------------------------------------------------------------

    def _metadata(self, question: str, field: MetaField, doc_ids: Collection[str] | None) -> Answer | None:
        documents = self._documents(doc_ids)
        if len(documents) > 1:  # the document the question is about comes first
            ranked = [h.doc_id for h in self.searcher.retrieve(question, RELATED_LIMIT, doc_ids).hits]
            documents.sort(key=lambda d: ranked.index(d.meta.doc_id) if d.meta.doc_id in ranked else len(ranked))
        for document in documents:
            notice = next((c for c in document.clauses if c.locator == NOTICE_LOCATOR), None)
            if notice is None:
                continue
            found = self._notice_value(notice, field)
            if found is None:
                continue
            value, line, template = found
            text = template.format(value=value).replace("［］", notice.marker)
            return self._make(question, text, Kind.METADATA, [_citation(notice, 1.0, [line])])
        return None

    @staticmethod
    def _notice_value(notice: Clause, field: MetaField) -> tuple[str, str, str] | None:
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

    def _purpose(self, question: str, doc_ids: Collection[str] | None) -> Answer | None:
        """Why the plan exists is what its preamble says."""
        for document in self._documents(doc_ids):
            preamble = next((c for c in document.clauses if c.locator == PREAMBLE_LOCATOR), None)
            if preamble:
                text = _sentence_with_marker(preamble.text, preamble)
                return self._make(question, text, Kind.PURPOSE, [_citation(preamble, 1.0, [preamble.text])])
        return None

    # -- table: lead units and listings ---------------------------------------------------

    def _lead_unit(self, question: str, doc_ids: Collection[str] | None) -> Answer | None:
        subject = _LEAD_WORDS.sub(" ", question)
        tokens = self.searcher.index.tokenizer.tokens(subject)
        total = sum(self.weights.idf(t) for t in set(tokens))
        if total == 0:
            return None
        rows = [
            (
                overlap(row.label + row.text, tokens, self.weights) / total,
                overlap(row.title, tokens, self.weights),
                row,
            )
            for row in self.led
            if doc_ids is None or row.doc_id in doc_ids
        ]
        if not rows:
            return None
        coverage, _, row = max(rows, key=lambda item: (item[1], item[0]))
        if coverage < 0.6 or not row.lead_unit:
            return None
        text = f"{row.title}的牵头单位是{row.lead_unit}{row.marker}。"
        return self._make(question, text, Kind.LEAD_UNIT, [_citation(row, coverage)])

    def _listing(self, question: str, intent: Intent, doc_ids: Collection[str] | None) -> Answer:
        rows = [
            row
            for row in (self.led if intent.units and not intent.categories else self.rows)
            if (doc_ids is None or row.doc_id in doc_ids)
            and (not intent.units or any(u in unit_parts(row.lead_unit or "") for u in intent.units))
            and (
                not intent.categories
                or any(row.locator.startswith(c.locator + "/") for c in intent.categories)
            )
        ]
        what = "、".join(c.name for c in intent.categories) or "重大事项"
        who = "、".join(intent.units)
        subject = f"{who}牵头的{what}" if who else what
        if not rows:
            return self._make(question, f"文件中没有{subject}。", Kind.LISTING, ())
        lines = [f"{subject}共{len(rows)}项："]
        for number, row in enumerate(rows, start=1):
            lines.append(f"{number}. {row.title}（牵头单位：{row.lead_unit}）{row.marker}")
        return self._make(question, "\n".join(lines), Kind.LISTING, [_citation(row, 1.0) for row in rows])

    # -- facts ----------------------------------------------------------------------------

    def evidence(
        self, question: str, top_k: int = RELATED_LIMIT, doc_ids: Collection[str] | None = None
    ) -> tuple[Retrieval, Evidence]:
        """Retrieval for a question and the signals that decide whether to abstain."""
        retrieval = self.searcher.retrieve(question, max(top_k, RELATED_LIMIT), doc_ids)
        tokens = self.searcher.index.tokenizer.tokens(question)
        top_texts = [f"{h.label} {h.text} {h.lead_unit or ''}" for h in retrieval.hits[:RELATED_LIMIT]]
        return retrieval, gather_evidence(retrieval.dense, tokens, top_texts, self.weights)

    def excerpts(self, question: str, hits: Sequence[Hit]) -> list[Excerpt]:
        """What an extractive answer would quote from the best two clauses."""
        tokens = self.searcher.index.tokenizer.tokens(question)
        candidates = [
            (h.doc_id, h.locator, h.text, h.best_chunk, self.clauses[(h.doc_id, h.locator)].title)
            for h in hits[:2]
        ]
        return best_excerpts(question, tokens, self.weights, candidates)

    @staticmethod
    def figure_missing(question: str, excerpts: Sequence[Excerpt]) -> bool:
        """A how-many / when / how-much question whose quotes state no such figure is not answered.

        Figures the question itself contains (2024年…) do not count, and a question about
        money needs an amount in 元.
        """
        if not asks_quantity(question):
            return False
        return not answers_figure(question, "".join(e.quote for e in excerpts))

    def _fact(self, question: str, top_k: int, doc_ids: Collection[str] | None) -> Answer:
        retrieval, evidence = self.evidence(question, top_k, doc_ids)
        hits = retrieval.hits
        tokens = self.searcher.index.tokenizer.tokens(question)
        if not hits or self.abstention.abstains(evidence):
            return self._abstain(question, hits)
        excerpts = self.excerpts(question, hits)
        if self.figure_missing(question, excerpts):
            return self._abstain(question, hits)
        by_locator = {(h.doc_id, h.locator): h for h in hits}
        quotes: dict[tuple[str, str], list[str]] = {}
        highlights: dict[tuple[str, str], list[str]] = {}
        for excerpt in excerpts:
            key = (excerpt.doc_id, excerpt.locator)
            quotes.setdefault(key, []).append(excerpt.quote.rstrip("。；;，, "))
            highlights.setdefault(key, []).append(excerpt.sentence)
        parts = []
        for key, pieces in quotes.items():
            clause = self.clauses[key]
            quote = "。".join(pieces)
            titled = clause.kind == "row" or (
                clause.kind == "item"
                and clause.title not in quote
                and overlap(clause.title, tokens, self.weights) > 0
            )
            parts.append(_sentence_with_marker(f"{clause.title}：{quote}" if titled else quote, clause))
        citations = [
            _citation(self.clauses[key], by_locator[key].score, sentences)
            for key, sentences in highlights.items()
        ]
        return self._make(question, "".join(parts), Kind.FACT, citations)

    def _abstain(self, question: str, hits: Sequence[Hit]) -> Answer:
        related = hits[:RELATED_LIMIT]
        text = "抱歉，现有文件没有涉及这个问题，无法据实回答。"
        if related:
            text += "可能相关的条款：" + "；".join(f"{h.label}{h.marker}" for h in related) + "。"
        citations = [_citation(self.clauses[(h.doc_id, h.locator)], h.score) for h in related]
        return self._make(question, text, Kind.FACT, citations, abstained=True)

    # -- optional LLM ---------------------------------------------------------------------

    def _with_llm(
        self, extractive: Answer, history: Sequence[Turn], top_k: int, doc_ids: Collection[str] | None
    ) -> Answer:
        if self.llm is None:
            return replace(extractive, notice="未配置大模型（POLICYQA_LLM_BASE_URL），已使用摘录模式回答。")
        hits = self.searcher.search(extractive.standalone_question, top_k, doc_ids)
        clauses = [self.clauses[(h.doc_id, h.locator)] for h in hits]
        try:
            reply = self.llm.answer(extractive.standalone_question, history, clauses)
        except LLMUnavailable as exc:
            log.warning("LLM call failed, answering extractively: %s", exc)
            return replace(extractive, notice="大模型暂时不可用，已改用摘录模式回答。")
        scores = {(h.doc_id, h.locator): h.score for h in hits}
        citations = [_citation(c, scores[(c.doc_id, c.locator)]) for c in reply.cited]
        return replace(extractive, answer=reply.text, mode="llm", citations=tuple(citations))
