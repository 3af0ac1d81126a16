"""What an uploaded file really is, judged by its bytes, and a safe name to store it under."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

from assistant.errors import CorpusError, LibraryError
from assistant.ingest.readers import decode_text

# The extensions each kind of content may carry.
EXTENSIONS = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "html": (".html", ".htm"),
    "markdown": (".md", ".markdown"),
    "text": (".txt", ".text", ".md", ".markdown"),
}
_HTML = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<div|<p[\s>]|<table)", re.IGNORECASE)
_UNSAFE = re.compile(r"[^\w.\-]+")


def sniff(data: bytes) -> str:
    """The kind of a file from its content: pdf, docx, html or text (LibraryError otherwise)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        raise LibraryError("文件是压缩包但不是 Word 文档（.docx），无法读取")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LibraryError("文件内容是二进制数据，不是可读取的文本、Word、PDF 或网页文件")
    try:
        text = decode_text(data)
    except CorpusError as exc:
        raise LibraryError(f"无法识别文件的文字编码（支持 UTF-8、UTF-16、GB18030）：{exc}") from exc
    return "html" if _HTML.match(text[:2000]) else "text"


def checked_extension(filename: str, kind: str) -> str:
    """The extension to store the file under: the declared one when it agrees with the content."""
    suffix = PurePosixPath(filename).suffix.lower()
    allowed = EXTENSIONS[kind]
    if suffix in allowed:
        return suffix
    if suffix and any(suffix in exts for exts in EXTENSIONS.values()):
        raise LibraryError(f"文件扩展名 {suffix} 与内容（{kind}）不符")
    return allowed[0]


def safe_stem(filename: str) -> str:
    """A file name without any folder part, reduced to letters, digits, CJK, '.', '-' and '_'."""
    name = PureWindowsPath(PurePosixPath(filename).name).name  # drops a/b/ and C:\\a\\
    stem = unicodedata.normalize("NFKC", PurePosixPath(name).stem)
    stem = _UNSAFE.sub("-", stem).strip(".-_")
    return stem[:80]


def slug(text: str) -> str:
    """An ASCII id from a name (letters, digits, '-'); empty when the name has none."""
    ascii_only = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")[:60]
