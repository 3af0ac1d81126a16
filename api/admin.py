"""Administration over HTTP: upload and remove documents, re-index. Off unless POLICYQA_ADMIN_KEY is set.

Every endpoint needs `Authorization: Bearer <POLICYQA_ADMIN_KEY>` (compared in constant time).
A change to the library starts a re-index in the background; the current index answers
until the new one is ready (GET /admin/reindex tells how it went).
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Path, Security, UploadFile
from fastapi.responses import JSONResponse

from api.errors import ApiError
from api.keys import ADMIN_BEARER, Credentials
from api.openapi_models import LibraryResponse, RebuildStatusOut, RemoveResult, UploadResult
from api.schemas import error_responses
from api.state import ServiceState, StateDep, get_state
from assistant.errors import DocumentTooLargeError, DuplicateDocumentError, LibraryError
from assistant.library import Library, Overrides

router = APIRouter(prefix="/admin", tags=["管理"])
ERRORS = error_responses(401, 403, 404, 409)


def require_admin(
    state: Annotated[ServiceState, Depends(get_state)],
    authorization: Annotated[str | None, Header()] = None,
    _: Annotated[Credentials, Security(ADMIN_BEARER)] = None,
) -> None:
    """Off (403) without a configured key; 401 without the right one. Checked before any body is read."""
    expected = state.settings.admin_key
    if not expected:
        raise ApiError(403, "admin_disabled", "管理接口未启用：服务端未设置 POLICYQA_ADMIN_KEY")
    if not hmac.compare_digest((authorization or "").encode(), f"Bearer {expected}".encode()):
        raise ApiError(401, "invalid_admin_key", "管理密钥无效或缺失（Authorization: Bearer <密钥>）")


AdminDep = Depends(require_admin)


def library_of(state: ServiceState) -> Library:
    return Library(state.settings.corpus_dir, max_upload_bytes(state))


def max_upload_bytes(state: ServiceState) -> int:
    return int(state.settings.max_upload_mb * 1_000_000)


def _given(value: str | None) -> str | None:
    """A form field left empty means: read it from the document."""
    return value.strip() or None if value is not None else None


def _library_error(exc: LibraryError) -> ApiError:
    if isinstance(exc, DuplicateDocumentError):
        return ApiError(409, "duplicate_document", str(exc))
    if isinstance(exc, DocumentTooLargeError):
        return ApiError(413, "too_large", str(exc))
    return ApiError(422, "bad_document", str(exc))


@router.get("/documents", dependencies=[AdminDep], responses={200: {"model": LibraryResponse}, **ERRORS})
def list_documents(state: StateDep) -> dict[str, Any]:
    """文件库中的全部文档（含未建入索引的），附条款数与校验和。"""
    library = library_of(state)
    indexed = set(state.answerer.documents) if state.answerer else set()
    return {
        "documents": [
            {**library.info(meta.doc_id).to_json(), "indexed": meta.doc_id in indexed}
            for meta in library.documents()
        ]
    }


@router.post(
    "/documents", dependencies=[AdminDep], status_code=202, responses={202: {"model": UploadResult}, **ERRORS}
)
def upload_document(
    state: StateDep,
    file: Annotated[UploadFile, File(description="政策文件：.txt .md .html .docx .pdf")],
    doc_id: Annotated[str | None, Form(max_length=80)] = None,
    title: Annotated[str | None, Form(max_length=200)] = None,
    short_title: Annotated[str | None, Form(max_length=50)] = None,
    number: Annotated[str | None, Form(max_length=100)] = None,
    issuer: Annotated[str | None, Form(max_length=200)] = None,
    date: Annotated[str | None, Form(max_length=20)] = None,
) -> JSONResponse:
    """上传文档：按内容检查类型、大小、重复与可解析性，存入文件库，然后在后台重建索引。"""
    limit = max_upload_bytes(state)
    data = file.file.read(limit + 1)
    overrides = Overrides(*map(_given, (doc_id, title, number, issuer, date, short_title)))
    try:
        added = library_of(state).add(data, file.filename or "upload", overrides)
    except LibraryError as exc:
        raise _library_error(exc) from exc
    status = state.request_rebuild()
    return JSONResponse({**added.to_json(), "reindex": status.to_json()}, status_code=202)


@router.delete(
    "/documents/{doc_id}",
    dependencies=[AdminDep],
    status_code=202,
    responses={202: {"model": RemoveResult}, **ERRORS},
)
def remove_document(
    doc_id: Annotated[str, Path(description="文档编号", examples=["dibao-2025"])], state: StateDep
) -> JSONResponse:
    """从文件库删除文档及其文件，然后在后台重建索引。"""
    library = library_of(state)
    if doc_id not in {meta.doc_id for meta in library.documents()}:
        raise ApiError(404, "unknown_document", f"未找到文档：{doc_id}")
    try:
        meta = library.remove(doc_id)
    except LibraryError as exc:
        raise _library_error(exc) from exc
    status = state.request_rebuild()
    return JSONResponse(
        {"removed": meta.doc_id, "title": meta.title, "reindex": status.to_json()}, status_code=202
    )


@router.post(
    "/reindex", dependencies=[AdminDep], status_code=202, responses={202: {"model": RebuildStatusOut}, **ERRORS}
)
def reindex(state: StateDep) -> JSONResponse:
    """重建索引（只重新解析、嵌入有变化的文档）；进行中时返回 409。"""
    return JSONResponse(state.request_rebuild(queue=False).to_json(), status_code=202)


@router.get("/reindex", dependencies=[AdminDep], responses={200: {"model": RebuildStatusOut}, **ERRORS})
def reindex_status(state: StateDep) -> dict[str, object]:
    """最近一次重建的状态：idle / running / done / failed。"""
    return state.rebuild.to_json()
