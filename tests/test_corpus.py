from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import decode_text, load_corpus, load_manifest, read_document
from assistant.ingest.parse import parse_document

from .conftest import CORPUS_DIR, DOC_ID


def test_manifest_describes_the_plan() -> None:
    (meta,) = load_manifest(CORPUS_DIR)
    assert meta.doc_id == DOC_ID
    assert meta.number == "湖政办发〔2024〕28号"
    assert meta.issuer == "湖州市人民政府办公室"
    assert meta.date == "2024-12-30"


# SHA-256 of the published text (shared/corpus/huzhou-jinxiyi-action-plan-2024.txt), taken
# once so that the test needs nothing outside the repository.
PUBLISHED_SHA256 = "d87026079021613cb63e05fc2b3936c260855613e477755f18b303b4f3edcc20"


def test_corpus_copy_is_byte_for_byte_the_published_text() -> None:
    copy = (CORPUS_DIR / "huzhou-jinxiyi-action-plan-2024.txt").read_bytes()
    assert hashlib.sha256(copy).hexdigest() == PUBLISHED_SHA256


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gb18030"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["gb18030", "bom", "crlf", "utf16", "bom-crlf"],
)
def test_every_encoding_parses_to_the_same_clauses(tmp_path: Path, source, plan, encode) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "plan.txt"
    path.write_bytes(encode(source.text))
    text = read_document(path)
    assert text == source.text
    again = parse_document(type(source)(meta=source.meta, text=text))
    assert again.clauses == plan.clauses


def test_full_width_indentation_does_not_change_the_parse(source, plan) -> None:  # type: ignore[no-untyped-def]
    indented = "\n".join(
        "　　" + line if line and not line.startswith("\t") else line for line in source.text.split("\n")
    )
    again = parse_document(type(source)(meta=source.meta, text=indented))
    assert [c.locator for c in again.clauses] == [c.locator for c in plan.clauses]
    assert again.clause("二/三/3").text == plan.clause("二/三/3").text


def test_undecodable_bytes_raise_corpus_error() -> None:
    with pytest.raises(CorpusError):
        decode_text(b"\x81\x20\xff\xfe\x00" * 3 + b"\xff")


def test_unknown_extension_names_the_known_readers(tmp_path: Path) -> None:
    path = tmp_path / "plan.odt"
    path.write_bytes(b"PK")
    with pytest.raises(CorpusError, match=r"no reader for '\.odt'.*\.docx.*\.txt"):
        read_document(path)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (None, "no corpus manifest"),
        ("documents = [", "invalid TOML"),
        ("title = 'x'", "no \\[\\[documents\\]\\]"),
        ("[[documents]]\nid = 'a'\nsource = 'a.txt'", "lacks title"),
        (
            "[[documents]]\nid='a'\ntitle='t'\nsource='a.txt'\n[[documents]]\nid='a'\ntitle='t'\nsource='a.txt'",
            "appears twice",
        ),
    ],
)
def test_bad_manifests_are_explained(tmp_path: Path, manifest: str | None, message: str) -> None:
    if manifest is not None:
        (tmp_path / "documents.toml").write_text(manifest, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_manifest(tmp_path)


def test_missing_source_file_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "documents.toml").write_text(
        "[[documents]]\nid='a'\ntitle='t'\nsource='gone.txt'\n", encoding="utf-8"
    )
    with pytest.raises(CorpusError, match="gone.txt"):
        load_corpus(tmp_path)
