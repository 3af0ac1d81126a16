"""Query expansion: everyday words in a question bring the official terms documents use.

孩子上学 shares no word with 教育资源共享, 开网店 none with 电子商务. The vocabulary is data
(assistant/data/everyday.toml, plus <corpus>/everyday.toml when a corpus has its own): for
every everyday word the query contains, the official terms it stands for are appended to
what retrieval searches for, unless the documents use the everyday word themselves (then
it needs no translation, and translating it only adds noise). Answer checks still read the
question as asked.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError

VOCABULARY_FILE = Path(__file__).parent / "data" / "everyday.toml"
CORPUS_VOCABULARY = "everyday.toml"


@dataclass(frozen=True)
class Expander:
    """everyday word → the official terms it stands for; longest words are matched first."""

    official: Mapping[str, tuple[str, ...]]

    @classmethod
    def load(cls, paths: Iterable[Path] = (VOCABULARY_FILE,)) -> Expander:
        official: dict[str, list[str]] = {}
        for path in paths:
            if not path.exists():
                continue
            try:
                terms = tomllib.loads(path.read_text(encoding="utf-8")).get("terms", {})
            except tomllib.TOMLDecodeError as exc:
                raise CorpusError(f"{path}: invalid TOML: {exc}") from exc
            for term, words in terms.items():
                for word in words:
                    if word != term:
                        official.setdefault(word, []).append(term)
        ordered = sorted(official, key=len, reverse=True)
        return cls({word: tuple(dict.fromkeys(official[word])) for word in ordered})

    @classmethod
    def for_corpus(cls, corpus_dir: Path) -> Expander:
        return cls.load((VOCABULARY_FILE, corpus_dir / CORPUS_VOCABULARY))

    def everyday_words(self, query: str) -> list[tuple[str, tuple[str, ...]]]:
        """The everyday words in query, each with the official terms it stands for."""
        found = []
        rest = query
        for word, terms in self.official.items():
            if word in rest:
                rest = rest.replace(word, " ")  # 开网店 expands once, not again as 网店
                found.append((word, terms))
        return found

    def terms_for(self, query: str, used: Callable[[str], bool] | None = None) -> list[str]:
        """The official terms of the everyday words in query that it does not already say.

        With `used`, a word the documents use themselves (网吧 in a regulation that says
        网吧) needs no translation and brings none.
        """
        added: list[str] = []
        for word, terms in self.everyday_words(query):
            if used is not None and used(word):
                continue
            added += [t for t in terms if t not in query and t not in added]
        return added

    def expand(self, query: str, used: Callable[[str], bool] | None = None) -> str:
        added = self.terms_for(query, used)
        return f"{query} {' '.join(added)}" if added else query


NO_EXPANSION = Expander({})
