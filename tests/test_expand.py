"""Everyday words bring the official terms documents use (assistant/expand.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.expand import VOCABULARY_FILE, Expander


def test_everyday_words_add_their_official_terms() -> None:
    expander = Expander.load()
    assert "教育" in expander.terms_for("孩子上学能享受上海的学校资源吗")
    assert "电子商务" in expander.terms_for("开网店卖货能得到什么帮助")
    assert expander.expand("人才公寓建设多少平方米") == "人才公寓建设多少平方米"  # nothing everyday in it


def test_a_longer_everyday_word_is_read_once_and_official_words_are_not_repeated() -> None:
    expander = Expander({"开网店": ("电子商务",), "网店": ("网络零售",)})
    assert expander.terms_for("开网店要办什么") == ["电子商务"]
    assert Expander({"看病": ("医疗",)}).terms_for("看病和医疗费用") == []


def test_a_corpus_adds_its_own_words(tmp_path: Path) -> None:
    (tmp_path / "everyday.toml").write_text('[terms]\n"数字游民" = ["远程办公的人"]\n', encoding="utf-8")
    expander = Expander.for_corpus(tmp_path)
    assert expander.terms_for("远程办公的人有什么政策") == ["数字游民"]
    assert "医疗" in expander.terms_for("看病")  # the shipped vocabulary still applies


def test_a_broken_vocabulary_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "everyday.toml").write_text("[terms\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="everyday.toml"):
        Expander.for_corpus(tmp_path)


def test_the_shipped_vocabulary_maps_words_to_other_words() -> None:
    expander = Expander.load((VOCABULARY_FILE,))
    assert len(expander.official) > 100
    assert all(word not in terms for word, terms in expander.official.items())


def test_a_word_the_documents_use_needs_no_translation() -> None:
    expander = Expander.load()
    corpus = "本条例所称互联网上网服务营业场所，是指网吧、电脑休闲室等营业性场所。"
    assert "互联网上网服务营业场所" not in expander.expand("网吧几点关门", corpus.__contains__)
    assert "互联网上网服务营业场所" in expander.expand("网吧几点关门", "".__contains__)
