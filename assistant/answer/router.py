"""Step 7: answers in Chinese, every statement followed by the marker of its clause.

The router decides the kind of a question and hands it to one strategy: metadata from the
issuing notice, lead units and listings from the clauses' fields, the document's shape
(parts, counts, the Nth article), facts as the sentences of the best clauses. The default
mode is extractive and needs no LLM.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace

from assistant.abstain import AbstentionModel, Evidence
from assistant.answer import facts
from assistant.answer.definition import answer_definition
from assistant.answer.knowledge import Knowledge
from assistant.answer.leads import answer_every_lead, answer_lead_unit, answer_listing
from assistant.answer.llm_mode import with_llm
from assistant.answer.metadata import answer_metadata, answer_metadata_each, answer_purpose, names_a_subject
from assistant.answer.structure import answer_structure, quotes_a_name
from assistant.answer.targets import answer_concept, answer_scope, answer_targets
from assistant.answer.types import Answer, Citation, Mode, make
from assistant.extract import Excerpt
from assistant.followup import Turn, standalone_question
from assistant.ingest.document import Clause, ParsedDocument
from assistant.intent import Intent, Kind, classify
from assistant.lexicon import Lexicon
from assistant.llm import LLMAnswerer
from assistant.markers import markers_in
from assistant.retrieve import Hit, Retrieval, Searcher
from assistant.scope import Scope, documents_named

RELATED_LIMIT = facts.RELATED_LIMIT
_THANKS = re.compile(r"谢|感谢|thank", re.IGNORECASE)
_BYE = re.compile(r"再见|拜拜|bye", re.IGNORECASE)


TOPIC_HITS = 3
PLACE_HITS = 3  # a place-named document must hold one of the best clauses


class Answerer:
    """Answers questions from one loaded index; safe to share between threads."""

    def __init__(
        self,
        searcher: Searcher,
        lexicon: Lexicon,
        abstention: AbstentionModel,
        llm: LLMAnswerer | None = None,
    ) -> None:
        self.knowledge = Knowledge(searcher, lexicon, abstention)
        self.llm = llm

    # -- what other steps may read --------------------------------------------------------

    @property
    def searcher(self) -> Searcher:
        return self.knowledge.searcher

    @property
    def lexicon(self) -> Lexicon:
        return self.knowledge.lexicon

    @property
    def abstention(self) -> AbstentionModel:
        return self.knowledge.abstention

    @property
    def documents(self) -> dict[str, ParsedDocument]:
        return self.knowledge.documents

    @property
    def clauses(self) -> dict[tuple[str, str], Clause]:
        return self.knowledge.clauses

    @property
    def rows(self) -> list[Clause]:
        return self.knowledge.rows

    def evidence(
        self, question: str, top_k: int = RELATED_LIMIT, doc_ids: Collection[str] | None = None
    ) -> tuple[Retrieval, Evidence]:
        """Retrieval for a question and the signals that decide whether to abstain."""
        return facts.evidence(self.knowledge, question, top_k, doc_ids)

    def excerpts(self, question: str, hits: Sequence[Hit]) -> list[Excerpt]:
        return facts.excerpts(self.knowledge, question, hits)

    def figure_missing(self, question: str, excerpts: Sequence[Excerpt]) -> bool:
        return facts.figure_missing(self.knowledge, question, excerpts)

    def search(self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The top_k clauses for a query, best first, each with its relevance in [0, 1]."""
        hits, _, _ = facts.scored(self.knowledge, query, top_k, doc_ids)
        return hits[:top_k]

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
            scope = documents_named(standalone, self.knowledge.names)
            if scope is not None and scope.places:
                scope = self._placed(standalone, scope)
            if scope is not None:
                doc_ids, asked = scope.doc_ids, scope.question
        intent = classify(standalone, self.lexicon)
        answer = replace(self._route(asked, intent, top_k, doc_ids, standalone), standalone_question=standalone)
        if mode == "llm" and answer.kind == Kind.FACT and not answer.abstained:
            answer = with_llm(self.knowledge, self.llm, answer, history, top_k, doc_ids)
        return replace(answer, question=question, citations=self._named(answer.citations))

    def _named(self, citations: tuple[Citation, ...]) -> tuple[Citation, ...]:
        """With more than one document, each citation names its document (short title)."""
        if len(self.documents) < 2:
            return citations
        return tuple(replace(c, document=self.documents[c.doc_id].meta.short_name) for c in citations)

    def subject_of_answer(self, content: str) -> str | None:
        """The title of the first clause an earlier answer cited."""
        for text in markers_in(content):
            clause = self.knowledge.by_marker.get(text)
            if clause is not None:
                return clause.title
        return None

    # -- routing --------------------------------------------------------------------------

    def _route(
        self, question: str, intent: Intent, top_k: int, doc_ids: Collection[str] | None, full: str
    ) -> Answer:
        knowledge = self.knowledge
        if intent.kind == Kind.GREETING:
            return self._greeting(question)
        if intent.kind == Kind.METADATA and intent.meta_field is not None and not self._asks_a_thing(question, doc_ids):
            if doc_ids is None and len(self.documents) > 1:  # several documents, none named
                topic = self._topic_document(question)
                found = topic and answer_metadata(knowledge, question, intent.meta_field, [topic], (), full)
                found = found or answer_metadata_each(knowledge, question, intent.meta_field)
                if found:
                    return found
            ranked = self._ranked_documents(question, doc_ids)  # the document asked about first
            found = answer_metadata(knowledge, question, intent.meta_field, doc_ids, ranked, full)
            if found:
                return found
        if intent.kind == Kind.PURPOSE:
            found = answer_purpose(knowledge, question, doc_ids, full, self._ranked_documents(question, doc_ids))
            if found:
                return found
        if intent.kind == Kind.LISTING:
            quoted = quotes_a_name(question) and answer_structure(knowledge, question, doc_ids, (), full)
            return quoted or answer_listing(knowledge, question, intent, doc_ids)
        if intent.kind == Kind.LEAD_UNIT:
            found = answer_every_lead(knowledge, question, doc_ids) or answer_lead_unit(knowledge, question, doc_ids)
            if found:
                return found
        ranked = self._ranked_documents(question, doc_ids)
        found = (
            answer_definition(knowledge, question, doc_ids, ranked)
            or answer_structure(knowledge, question, doc_ids, ranked, full)
            or answer_targets(knowledge, question, doc_ids, ranked)
            or answer_concept(knowledge, question, doc_ids, ranked)
            or answer_scope(knowledge, question, doc_ids, ranked)
        )
        if found:
            return found
        return facts.answer_fact(knowledge, question, top_k, doc_ids)

    def _placed(self, question: str, scope: Scope) -> Scope | None:
        """A question naming a place is about that place's documents, unless its best clause
        comes from another document that speaks of the place (上海的医院会来开分院吗 of a Huzhou
        plan full of 对接上海, not of a Shanghai rule); of the place's documents, those among
        the best clauses, if any."""
        hits = self.searcher.retrieve(question, PLACE_HITS).hits
        if not hits:
            return scope
        best = self.documents[hits[0].doc_id]
        if best.meta.doc_id not in scope.doc_ids and any(place in c.text for c in best.clauses for place in scope.places):
            return None
        found = {hit.doc_id for hit in hits} & scope.doc_ids
        return replace(scope, doc_ids=frozenset(found)) if found else scope

    def _asks_a_thing(self, question: str, doc_ids: Collection[str] | None) -> bool:
        """Whether a question in the words of metadata (有效期, 日期, 依据) asks about something the
        document it is about speaks of (优待凭证的有效期), and so is a question of fact."""
        ranked = self._ranked_documents(question, doc_ids) or [d.meta.doc_id for d in self.knowledge.in_scope(doc_ids)]
        return bool(ranked) and bool(names_a_subject(self.knowledge, question, ranked[0]))

    def _topic_document(self, question: str) -> str | None:
        """The one document a question is clearly about by its content (公租房常态分配的通告是谁发布的),
        though it names none: the documents' clauses answer it and the best three share one document."""
        hits, _, probability = facts.scored(self.knowledge, question, TOPIC_HITS, None)
        documents = {hit.doc_id for hit in hits[:TOPIC_HITS]}
        if probability < self.knowledge.abstention.threshold or len(documents) != 1:
            return None
        return documents.pop()

    def _ranked_documents(self, question: str, doc_ids: Collection[str] | None) -> list[str]:
        if doc_ids is not None and len(doc_ids) == 1 or len(self.documents) == 1:
            return []
        return [h.doc_id for h in self.searcher.retrieve(question, RELATED_LIMIT, doc_ids).hits]

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
        return make(question, text, Kind.GREETING, (), relevance=0.0)  # not an answer from the documents
