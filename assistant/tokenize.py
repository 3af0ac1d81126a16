"""Word segmentation for BM25: jieba with the corpus's proper nouns in its dictionary."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import jieba

from assistant.ingest.chunk import close_gaps

jieba.setLogLevel(logging.WARNING)

STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 等 有 哪些 哪个 什么 多少 怎么 怎样 如何 吗 呢 吧 啊 谁 为 对 由 中 将 把 被 之 其 "
    "各 个 这 那 这个 那个 请问 一下 我们 你们 他们 是否 可以 能 要 会 还 就 都 也 又 并 或 而 以 于 从 到 "
    "给 向 至 所 该 此 每 这项 该项 此项 这一 这些 那些".split()
)
_CONTENT = re.compile(r"[\w\u4e00-\u9fff]")
_WORD_SPLIT = re.compile(r"[（）()、，,\s]+")


def words_of_names(names: Iterable[str]) -> list[str]:
    """Dictionary words from unit or place names: 市委改革办（市委生态文明办） gives both halves."""
    return [part for name in names for part in _WORD_SPLIT.split(name) if len(part) >= 2]


class Tokenizer:
    """A private jieba instance, so that our user words do not leak into other users of jieba."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.user_words = sorted(set(user_words))
        for word in self.user_words:
            self._jieba.add_word(word, freq=20000)

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens (long words and their sub-words), lower-cased, without stopwords."""
        out = []
        for token in self._jieba.lcut_for_search(close_gaps(text)):
            token = token.strip().lower()
            if token and token not in STOPWORDS and _CONTENT.search(token):
                out.append(token)
        return out


def read_terms(path: str | None) -> list[str]:
    """Lines of a terms file, ignoring blank lines and # comments."""
    if not path:
        return []
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")]
