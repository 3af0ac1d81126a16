from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.documents import Document

from assistant.errors import UnknownDocumentError
from assistant.expand import Expander
from assistant.index import PolicyIndex
from assistant.retrieve import PolicyRetriever, Searcher, rrf_fuse, weighted_fuse
from assistant.settings import Settings
from eval.gold import load_gold
from eval.retrieval import score

from .conftest import DOC_ID

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("question", "locator"),
    [("人才公寓建设多少平方米", "二/三/3"), ("德清县对接上海的重点是什么", "二/一/3")],
)
def test_must_show_questions_rank_their_clause_first(searcher: Searcher, question: str, locator: str) -> None:
    assert searcher.search(question, top_k=5)[0].locator == locator


def test_gold_set_retrieval_meets_the_bar(searcher: Searcher) -> None:
    result = score(searcher, load_gold())
    assert result.hit_at_5 >= 0.95, result.misses_at_5
    assert result.mrr_at_10 >= 0.85


def test_gold_key_phrases_are_in_an_expected_clause(plan) -> None:  # type: ignore[no-untyped-def]
    for item in load_gold():
        clauses = [plan.clause(loc) for loc in (*item.expected_any, *item.expected_all)]
        texts = [f"{c.title} {c.text} {c.lead_unit or ''}" for c in clauses]
        for phrase in item.key_phrases:
            assert any(phrase in text for text in texts), (item.id, phrase)


def test_hits_are_whole_clauses_with_their_best_chunk(searcher: Searcher) -> None:
    hits = searcher.search("长兴县新能源汽车", top_k=8)
    assert len({h.locator for h in hits}) == len(hits) == 8
    for hit in hits:
        assert hit.best_chunk in hit.text
        assert hit.doc_id == DOC_ID
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_table_row_hit_carries_its_lead_unit(searcher: Searcher) -> None:
    hit = next(h for h in searcher.search("国际地信城项目", top_k=5) if h.locator == "清单/三/8")
    assert hit.lead_unit == "德清县"
    assert hit.breadcrumb == ("重大事项清单", "三、重大工程项目", "8. 国际地信城项目")


def test_doc_filter(searcher: Searcher) -> None:
    assert searcher.search("人才公寓", top_k=3, doc_ids=["no-such-doc"]) == []
    assert searcher.search("人才公寓", top_k=3, doc_ids=[DOC_ID])[0].locator == "二/三/3"


def test_query_without_known_words_still_gets_dense_hits(searcher: Searcher) -> None:
    assert searcher.bm25_scores("？？！") == {}
    assert len(searcher.search("？？！", top_k=3)) == 3


def test_faiss_top_k_matches_numpy(searcher: Searcher, embedder) -> None:  # type: ignore[no-untyped-def]
    index = searcher.index.backend.vectors
    matrix = index.reconstruct_n(0, index.ntotal)
    query = embedder.encode(["绿色金融改革"], "query")[0]
    expected = np.argsort(-(matrix @ query))[:10]
    dense = searcher.dense_scores("绿色金融改革")
    assert sorted(dense, key=lambda i: -dense[i])[:10] == [int(i) for i in expected]


def test_weighted_fusion_favours_bm25_order_at_weight_zero(searcher: Searcher) -> None:
    sparse = searcher.bm25_scores("市交通运输局")
    fused = weighted_fuse(searcher.dense_scores("市交通运输局"), sparse, 0.0)
    top = max(sparse, key=lambda i: sparse[i])
    assert max(fused, key=lambda i: fused[i]) == top


def test_langchain_retriever_returns_documents(searcher: Searcher) -> None:
    documents = PolicyRetriever(searcher=searcher, top_k=3).invoke("人才公寓建设多少平方米")
    assert len(documents) == 3
    assert isinstance(documents[0], Document)
    assert documents[0].metadata["locator"] == "二/三/3"
    assert "100万平方米人才公寓" in documents[0].page_content


@given(st.lists(st.lists(st.integers(0, 30), max_size=20, unique=True), max_size=4), st.integers(1, 100))
def test_rrf_matches_the_obvious_loop(rankings: list[list[int]], k: int) -> None:
    expected: dict[int, float] = {}
    for item in {i for ranking in rankings for i in ranking}:
        expected[item] = sum(1.0 / (k + r.index(item) + 1) for r in rankings if item in r)
    fused = rrf_fuse(rankings, k)
    assert fused.keys() == expected.keys()
    for item, value in expected.items():
        assert fused[item] == pytest.approx(value)


@given(
    st.dictionaries(st.integers(0, 20), st.floats(-1, 1), max_size=10),
    st.dictionaries(st.integers(0, 20), st.floats(0, 50), max_size=10),
    st.floats(0, 1),
)
def test_weighted_fusion_stays_in_unit_range(
    dense: dict[int, float], sparse: dict[int, float], weight: float
) -> None:
    fused = weighted_fuse(dense, sparse, weight)
    assert fused.keys() == dense.keys() | sparse.keys()
    assert all(-1e-9 <= value <= 1 + 1e-9 for value in fused.values())


def test_the_retriever_is_a_documented_entry_point_with_citable_documents(
    index_settings: Settings, built_index: PolicyIndex
) -> None:
    from langchain_core.runnables import RunnableLambda

    import assistant

    retriever = assistant.PolicyRetriever.from_settings(index_settings, top_k=3, doc_ids=[DOC_ID])
    chain = retriever | RunnableLambda(lambda docs: "\n".join(f"{d.page_content}{d.metadata['marker']}" for d in docs))
    context = chain.invoke("人才公寓建设多少平方米")
    assert "100万平方米人才公寓" in context and "［二（三）3］" in context
    first = retriever.invoke("人才公寓建设多少平方米")[0]
    assert first.id == f"{DOC_ID}/二/三/3"
    assert first.metadata["document_title"].startswith("湖州市打造虹桥国际开放枢纽金西翼行动计划")
    with pytest.raises(UnknownDocumentError, match="nope"):
        assistant.PolicyRetriever.from_settings(index_settings, doc_ids=["nope"])


def test_an_official_term_counts_as_the_words_it_is_made_of_not_every_sub_word(searcher: Searcher) -> None:
    expanding = Searcher(searcher.index, searcher.embedder, expander=Expander({"驾照": ("机动车驾驶证",)}))
    tokens = expanding.keyword_tokens("驾照到期了怎么换")
    assert {"机动车", "驾驶证"} <= set(tokens)
    assert not {"机动", "动车", "驾驶"} & set(tokens)  # search mode's sub-words would weigh the term five times
    assert set(searcher.index.tokenizer.tokens("驾照到期了怎么换")) <= set(tokens)
