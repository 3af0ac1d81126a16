"""Wiring: the settings turned into a ready Answerer (used by the CLI, the API and eval)."""

from __future__ import annotations

from assistant.abstain import AbstentionModel
from assistant.answer import Answerer
from assistant.embed import load_embedder
from assistant.expand import NO_EXPANSION, Expander
from assistant.fit import FitMatcher, load_vocabulary
from assistant.index import open_index
from assistant.lexicon import build_lexicon
from assistant.llm import LLMAnswerer
from assistant.retrieve import Searcher
from assistant.settings import Settings
from assistant.tokenize import read_terms


def load_answerer(settings: Settings, progress: bool = True) -> Answerer:
    """Load (building if needed) the index and everything answering needs."""
    embedder = load_embedder(settings)
    index = open_index(settings, embedder, progress=progress)
    expander = Expander.for_corpus(settings.corpus_dir) if settings.expand_queries else NO_EXPANSION
    searcher = Searcher(index, embedder, settings.fusion, settings.rrf_k, settings.dense_weight, expander)
    terms = settings.corpus_dir / "terms.txt"
    lexicon = build_lexicon(index.documents, read_terms(str(terms)) if terms.exists() else [])
    llm = None
    if settings.llm_base_url:
        llm = LLMAnswerer(
            settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout
        )
    return Answerer(searcher, lexicon, AbstentionModel.load(), llm)


def load_fit_matcher(settings: Settings, answerer: Answerer) -> FitMatcher:
    """Policy fit over the same index, with the curated vocabulary of the corpus."""
    return FitMatcher(answerer, load_vocabulary(settings.corpus_dir, answerer.lexicon.places))
