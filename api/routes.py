"""Question answering, search and document browsing routes."""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from api.errors import ApiError
from api.keys import ApiKeyDep
from api.openapi_models import HealthResponse, ReadyResponse
from api.schemas import (
    AskRequest,
    AskResponse,
    ClauseOut,
    ClauseRef,
    DocumentOut,
    DocumentsResponse,
    ErrorResponse,
    HitOut,
    SearchRequest,
    SearchResponse,
    TocNode,
    error_responses,
)
from api.state import AnswererDep, get_state
from assistant.answer import Answerer
from assistant.followup import Turn
from assistant.ingest.document import outline, parent_locator

router = APIRouter()
FIX_COMMAND = "修正 reason 所述问题后运行 `policyqa index`（或 `policyqa docs list` 检查文件库），再重启服务"
ERRORS = error_responses(401, 404)


def check_doc_ids(answerer: Answerer, doc_ids: Collection[str] | None) -> None:
    unknown = [d for d in doc_ids or () if d not in answerer.documents]
    if unknown:
        raise ApiError(404, "unknown_document", f"未找到文档：{'、'.join(unknown)}")


@router.post(
    "/api/ask", dependencies=[ApiKeyDep], response_model=AskResponse, responses=ERRORS, tags=["问答"]
)
def ask(request: AskRequest, answerer: AnswererDep) -> AskResponse:
    """回答一个问题，附条款引用。history 为此前的对话轮次。"""
    check_doc_ids(answerer, request.doc_ids)
    started = time.perf_counter()
    answer = answerer.ask(
        request.question,
        [Turn(turn.role, turn.content) for turn in request.history],
        top_k=request.top_k,
        mode=request.mode,
        doc_ids=request.doc_ids,
    )
    return AskResponse.of(answer, (time.perf_counter() - started) * 1000)


@router.post(
    "/api/search", dependencies=[ApiKeyDep], response_model=SearchResponse, responses=ERRORS, tags=["问答"]
)
def search(request: SearchRequest, answerer: AnswererDep) -> SearchResponse:
    """检索最相关的条款。"""
    check_doc_ids(answerer, request.doc_ids)
    hits = answerer.search(request.query, request.top_k, request.doc_ids)
    return SearchResponse(hits=[HitOut.of(hit) for hit in hits])


@router.get(
    "/api/documents",
    dependencies=[ApiKeyDep],
    response_model=DocumentsResponse,
    responses=ERRORS,
    tags=["文档"],
)
def documents(answerer: AnswererDep) -> DocumentsResponse:
    """所有文档及其目录。"""
    return DocumentsResponse(
        documents=[
            DocumentOut(
                doc_id=doc.meta.doc_id,
                title=doc.meta.title,
                short_title=doc.meta.short_name,
                number=doc.meta.number,
                issuer=doc.meta.issuer,
                date=doc.meta.date,
                clauses=len(doc.clauses),
                toc=[TocNode.of(node) for node in outline(doc)],
            )
            for doc in answerer.documents.values()
        ]
    )


@router.get(
    "/api/clauses/{doc_id}/{locator:path}",
    dependencies=[ApiKeyDep],
    response_model=ClauseOut,
    responses=ERRORS,
    tags=["文档"],
)
def clause(
    doc_id: Annotated[str, Path(description="文档编号", examples=["huzhou-jinxiyi-2024"])],
    locator: Annotated[str, Path(description="条款位置（答案引用中的 locator）", examples=["二/三/3"])],
    answerer: AnswererDep,
) -> ClauseOut:
    """一个条款的全文、位置（breadcrumb）、上级和下级条目。"""
    document = answerer.documents.get(doc_id)
    if document is None:
        raise ApiError(404, "unknown_document", f"未找到文档：{doc_id}")
    found = answerer.clauses.get((doc_id, locator.strip("/")))
    if found is None:
        raise ApiError(404, "unknown_locator", f"未找到条款：{locator}")
    labels = {e.locator: e.label for e in document.elements if e.locator}
    parent = parent_locator(found.locator)
    children = [
        ClauseRef(locator=loc, label=label)
        for loc, label in labels.items()
        if parent_locator(loc) == found.locator
    ]
    return ClauseOut.of(
        found,
        document.meta.title,
        ClauseRef(locator=parent, label=labels[parent]) if parent in labels else None,
        children,
    )


@router.get("/healthz", tags=["运维"], response_model=HealthResponse)
async def healthz() -> dict[str, str]:
    """进程存活。在事件循环上直接回答，不排在问答请求之后。"""
    return {"status": "ok"}


@router.get(
    "/readyz",
    tags=["运维"],
    responses={200: {"model": ReadyResponse}, 503: {"model": ErrorResponse, "description": "索引加载中或不可用"}},
)
async def readyz(request: Request) -> JSONResponse:
    """索引加载完成后返回 200；不可用时给出原因和修复命令。"""
    state = get_state(request)
    if state.answerer is None:
        if state.error:
            error = {
                "code": "index_unavailable",
                "message": "索引不可用",
                "reason": state.error,
                "fix": FIX_COMMAND,
            }
        else:
            error = {"code": "not_ready", "message": "索引加载中"}
        return JSONResponse({"error": error}, status_code=503)
    manifest = state.answerer.searcher.index.manifest
    return JSONResponse({"status": "ready", "clauses": manifest.clauses, "chunks": manifest.chunks})
