"""Policy fit: which clauses concern an enterprise, why, and who leads them.

An enterprise describes itself in free text (optionally with district and industry).
Its districts, industries and needs are recognised with the names the corpus uses plus
a curated synonym table (corpus/fit_terms.toml: 芯片→半导体, 预制菜→未来食品 …). Clauses
are found by retrieval on the profile and by the literal mention of those terms, then
ranked by retrieval score plus a boost for each kind of term a clause names.

Every document of the corpus is searched unless the caller names some (doc_ids); each
match carries its document's title and the support measures of its clause as data
(assistant/support.py).
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import Answerer
from assistant.errors import CorpusError
from assistant.ingest.chunk import sentences
from assistant.ingest.document import Clause
from assistant.lexicon import unit_parts
from assistant.support import SupportMeasure, clause_conditions, support_measures

FIT_TERMS_FILE = "fit_terms.toml"
CANDIDATES = 40
BOOST = {"industry": 0.45, "district": 0.3, "need": 0.2}
PROJECT_CATEGORY_NAME = "重大工程项目"


@dataclass(frozen=True)
class Vocabulary:
    """Canonical name -> the words that mean it, per kind of term."""

    districts: Mapping[str, tuple[str, ...]]
    industries: Mapping[str, tuple[str, ...]]
    needs: Mapping[str, tuple[str, ...]]

    def kinds(self) -> list[tuple[str, Mapping[str, tuple[str, ...]]]]:
        return [("district", self.districts), ("industry", self.industries), ("need", self.needs)]


def load_vocabulary(corpus_dir: Path, places: Iterable[str]) -> Vocabulary:
    """The curated table, with every place the corpus names added as a district."""
    path = corpus_dir / FIT_TERMS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: invalid TOML: {exc}") from exc

    def table(name: str) -> dict[str, tuple[str, ...]]:
        return {canon: tuple(dict.fromkeys([canon, *words])) for canon, words in data.get(name, {}).items()}

    districts = table("districts")
    for place in places:
        districts.setdefault(place, (place,))
    return Vocabulary(districts, table("industries"), table("needs"))


def _found(text: str, words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w for w in dict.fromkeys(words) if w and w in text)


@dataclass(frozen=True)
class ProfileTerms:
    districts: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    def by_kind(self) -> dict[str, tuple[str, ...]]:
        return {"district": self.districts, "industry": self.industries, "need": self.needs}

    @property
    def empty(self) -> bool:
        return not (self.districts or self.industries or self.needs)


def extract_terms(
    vocabulary: Vocabulary, profile: str, district: str = "", industry: str = ""
) -> ProfileTerms:
    """The districts, industries and needs a profile names (the form's fields count too)."""
    found: dict[str, list[str]] = {}
    for kind, table in vocabulary.kinds():
        text = {"district": f"{profile} {district}", "industry": f"{profile} {industry}"}.get(kind, profile)
        found[kind] = [canon for canon, words in table.items() if _found(text, words)]
    return ProfileTerms(tuple(found["district"]), tuple(found["industry"]), tuple(found["need"]))


@dataclass(frozen=True)
class Reason:
    """A profile term and the words of the clause that match it."""

    kind: str
    term: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class RelatedRow:
    locator: str
    label: str
    lead_unit: str | None


@dataclass(frozen=True)
class FitMatch:
    doc_id: str
    locator: str
    label: str
    text: str
    score: float
    level: str
    theme: str
    reasons: tuple[Reason, ...]
    lead_unit: str | None
    excerpt: str = ""
    support: tuple[SupportMeasure, ...] = ()  # what the clause grants, as data
    conditions: tuple[str, ...] = ()  # its sentences that state conditions
    related: tuple[RelatedRow, ...] = field(default_factory=tuple)
    marker: str = ""  # the clause's citation marker
    document_title: str = ""


@dataclass(frozen=True)
class FitResult:
    profile: str
    terms: ProfileTerms
    matches: tuple[FitMatch, ...]
    summary: str


def excerpt(text: str, reasons: tuple[Reason, ...], budget: int = 300) -> str:
    """The sentences of a clause that carry the matched words, in document order."""
    parts = sentences(text)
    words = {w for r in reasons for w in r.words}
    ranked = sorted(range(len(parts)), key=lambda i: (-sum(w in parts[i] for w in words), i))
    chosen: list[int] = []
    for i in ranked:
        if chosen and (
            sum(len(parts[j]) for j in chosen) + len(parts[i]) > budget
            or not any(w in parts[i] for w in words)
        ):
            break
        chosen.append(i)
    return "".join(parts[i] for i in sorted(chosen))


class FitMatcher:
    def __init__(self, answerer: Answerer, vocabulary: Vocabulary) -> None:
        self.answerer = answerer
        self.vocabulary = vocabulary
        self.clauses = list(answerer.clauses.values())

    def _reasons(self, clause: Clause, terms: ProfileTerms) -> tuple[Reason, ...]:
        haystack = f"{clause.label} {clause.text} {clause.lead_unit or ''}"
        reasons = []
        for kind, canons in terms.by_kind().items():
            table = dict(self.vocabulary.kinds())[kind]
            for canon in canons:
                words = _found(haystack, table[canon])
                if words:
                    reasons.append(Reason(kind, canon, words))
        return tuple(reasons)

    def _related(self, clause: Clause, terms: ProfileTerms) -> tuple[RelatedRow, ...]:
        rows = []
        for row in self.answerer.rows:
            if row.doc_id != clause.doc_id or row.locator == clause.locator or PROJECT_CATEGORY_NAME not in row.label:
                continue
            reasons = self._reasons(row, terms)
            led_here = any(r.kind == "district" and _found(row.lead_unit or "", r.words) for r in reasons)
            if led_here or any(r.kind == "industry" for r in reasons):
                rows.append(RelatedRow(row.locator, row.label, row.lead_unit))
        return tuple(rows[:3])

    def fit(
        self,
        profile: str,
        district: str = "",
        industry: str = "",
        top_k: int = 10,
        doc_ids: Collection[str] | None = None,
    ) -> FitResult:
        """The clauses that concern an enterprise, best first, with why and what they grant.

        Args:
            profile: the enterprise in its own words.
            district, industry: the form's fields, read like the profile.
            top_k: how many matches at most.
            doc_ids: only these documents (None: every document of the corpus). Ids the
                corpus lacks match nothing; the API and CLI reject them before calling.

        Returns:
            The recognised terms, the matches and a one-paragraph summary.
        """
        terms = extract_terms(self.vocabulary, profile, district, industry)
        expanded = " ".join([profile, district, industry, *terms.industries, *terms.needs])
        retrieval, evidence = self.answerer.evidence(expanded, CANDIDATES, doc_ids)
        scope = None if doc_ids is None else set(doc_ids)
        scores = {(h.doc_id, h.locator): h.score for h in retrieval.hits}
        if terms.empty and self.answerer.abstention.abstains(evidence):
            return FitResult(
                profile, terms, (), "未能从描述中识别出区县、产业或需求，文件中也没有找到与之相关的条款。"
            )
        matches = []
        for clause in self.clauses:
            if scope is not None and clause.doc_id not in scope:
                continue
            key = (clause.doc_id, clause.locator)
            reasons = self._reasons(clause, terms)
            if key not in scores and not reasons:
                continue
            kinds = {r.kind for r in reasons}
            score = scores.get(key, 0.0) + sum(BOOST[k] for k in kinds)
            matches.append((score, clause, reasons, kinds))
        matches.sort(key=lambda m: -m[0])
        results = []
        wanted = {kind for kind, canons in terms.by_kind().items() if canons}
        for score, clause, reasons, kinds in matches[:top_k]:
            level = self._level(wanted, kinds, (clause.doc_id, clause.locator) in scores)
            theme = next(
                (r.term for kind in ("industry", "need", "district") for r in reasons if r.kind == kind),
                "综合",
            )
            results.append(
                FitMatch(
                    marker=clause.marker,
                    doc_id=clause.doc_id,
                    locator=clause.locator,
                    label=clause.label,
                    text=clause.text,
                    score=round(score, 4),
                    level=level,
                    theme=theme,
                    reasons=reasons,
                    lead_unit=clause.lead_unit,
                    excerpt=excerpt(clause.text, reasons),
                    support=support_measures(clause.text),
                    conditions=clause_conditions(clause.text),
                    related=self._related(clause, terms),
                    document_title=self.answerer.documents[clause.doc_id].meta.title,
                )
            )
        return FitResult(profile, terms, tuple(results), self._summary(terms, results))

    @staticmethod
    def _level(wanted: set[str], kinds: set[str], retrieved: bool) -> str:
        """高: names every kind of term the profile has; 中: some of them; 低: only retrieval found it."""
        covered = len(kinds & wanted) / len(wanted) if wanted else 0.0
        if covered == 1.0 and retrieved:
            return "高"
        if covered >= 0.5 or (covered > 0 and retrieved):
            return "中"
        return "低"

    @staticmethod
    def _summary(terms: ProfileTerms, matches: list[FitMatch]) -> str:
        if not matches:
            return "文件中没有找到与该企业相关的条款。"
        named = "、".join([*terms.districts, *terms.industries, *terms.needs]) or "企业描述"
        high = sum(1 for m in matches if m.level == "高")
        leads = sorted({unit for m in matches for unit in unit_parts(m.lead_unit or "")})
        text = f"根据{named}，找到{len(matches)}条相关条款，其中{high}条高度相关。"
        if leads:
            text += f"涉及的牵头单位：{'、'.join(leads)}。"
        return text
