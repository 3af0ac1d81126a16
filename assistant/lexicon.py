"""Names the corpus itself defines: lead units, districts, table categories, row titles.

Intent detection and follow-up resolution look names up here instead of in lists kept
in code, so a new document brings its own names with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.ingest.document import Heading, ParsedDocument

_UNIT_SPLIT = re.compile(r"[、，,]")
_PARENS = re.compile(r"（([^（）]+)）")
_PLACE_SUFFIX = ("区", "县", "市")
_OFFICE_SUFFIX = ("办", "局", "委", "部", "室", "厅", "中心")


@dataclass(frozen=True)
class Category:
    doc_id: str
    locator: str
    name: str  # 重大工程项目


@dataclass(frozen=True)
class Lexicon:
    """Lookup tables built once from the parsed documents."""

    unit_aliases: dict[str, str]  # alias -> canonical unit name
    places: tuple[str, ...]
    categories: tuple[Category, ...]
    row_titles: tuple[str, ...]
    titles: tuple[str, ...] = ()  # the documents' titles, to tell a question about a document

    def names_a_document(self, text: str, min_chars: int = 3) -> bool:
        """Whether text shares a run of min_chars with a document title (a name the question uses)."""
        return any(text[i : i + min_chars] in title for title in self.titles for i in range(len(text) - min_chars + 1))

    def units_in(self, text: str) -> list[str]:
        """Canonical units named in text, longest alias first, without overlaps."""
        found: list[str] = []
        taken = [False] * len(text)
        for alias in sorted(self.unit_aliases, key=len, reverse=True):
            start = text.find(alias)
            while start >= 0:
                if not any(taken[start : start + len(alias)]):
                    taken[start : start + len(alias)] = [True] * len(alias)
                    unit = self.unit_aliases[alias]
                    if unit not in found:
                        found.append(unit)
                start = text.find(alias, start + 1)
        return found

    def categories_in(self, text: str) -> list[Category]:
        return [c for c in self.categories if c.name in text]

    def entities_in(self, text: str) -> list[str]:
        """Places, units and row titles named in text, longest first."""
        names = {*self.places, *self.unit_aliases, *self.row_titles}
        return sorted((n for n in names if n in text), key=len, reverse=True)


def unit_parts(lead_unit: str) -> list[str]:
    """The units of a lead-unit cell: 市交通运输局、吴兴区、德清县 gives three."""
    return [part.strip() for part in _UNIT_SPLIT.split(lead_unit) if part.strip()]


def _aliases(unit: str) -> set[str]:
    aliases = {unit}
    bare = _PARENS.sub("", unit)
    aliases.add(bare)
    aliases.update(inner for inner in _PARENS.findall(unit) if inner.endswith(_OFFICE_SUFFIX))
    for name in list(aliases):
        if name.startswith("市") and not name.startswith("市委") and len(name) > 3:
            aliases.add(name[1:])
    return {a for a in aliases if len(a) >= 2}


def build_lexicon(documents: Iterable[ParsedDocument], extra_places: Iterable[str] = ()) -> Lexicon:
    """Collect the names of every document."""
    documents = list(documents)
    unit_aliases: dict[str, str] = {}
    places: set[str] = {p for p in extra_places if p.endswith(_PLACE_SUFFIX)}
    categories: list[Category] = []
    row_titles: list[str] = []
    for document in documents:
        for element in document.elements:
            if isinstance(element, Heading):
                if element.kind == "category":
                    name = element.label.split("、", 1)[-1]
                    categories.append(Category(element.doc_id, element.locator, name))
                continue
            if element.kind == "row" and element.title:
                row_titles.append(element.title)
            for unit in unit_parts(element.lead_unit or ""):
                for alias in _aliases(unit):
                    unit_aliases.setdefault(alias, unit)
                if unit.endswith(_PLACE_SUFFIX) and not unit.startswith(("市", "各")):
                    places.add(unit)
    titles = tuple(doc.meta.title for doc in documents)
    return Lexicon(
        unit_aliases, tuple(sorted(places, key=len, reverse=True)), tuple(categories), tuple(row_titles), titles
    )
