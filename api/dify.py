"""Dify's external-knowledge API: POST /retrieval, so a Dify app can use policyqa as its knowledge base.

Contract: Bearer auth; body {knowledge_id, query, retrieval_setting: {top_k, score_threshold},
metadata_condition?}; answer {records: [{content, score, title, metadata}]}. Errors use
Dify's codes: 1001 malformed Authorization header, 1002 authorization failed (both 403),
2001 unknown knowledge (404). knowledge_id is a document id, or "policyqa" for all of them.
A record's score is the clause's calibrated relevance in [0, 1] (assistant.answer.relevance),
so Dify's score threshold drops out-of-scope queries; the rank-based fusion score is not.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Request, Security
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.dify_filter import ConditionError, matches
from api.keys import API_BEARER, Credentials
from api.openapi_models import RetrievalResponse
from api.schemas import error_responses
from api.state import AnswererDep, StateDep
from assistant.ingest.chunk import BREADCRUMB_SEPARATOR

CANDIDATE_FACTOR = 5
MAX_CANDIDATES = 50
router = APIRouter(tags=["Dify 外部知识库"])
ALL_DOCUMENTS = "policyqa"


class RetrievalSetting(BaseModel):
    top_k: int = Field(ge=1, le=50)
    score_threshold: float = Field(default=0.0, ge=0.0, le=1.0)


class RetrievalRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "knowledge_id": "policyqa",
                    "query": "人才公寓建设多少平方米",
                    "retrieval_setting": {"top_k": 3, "score_threshold": 0.5},
                }
            ]
        }
    )

    knowledge_id: str = Field(min_length=1, max_length=200)
    query: str = Field(min_length=1, max_length=1000)
    retrieval_setting: RetrievalSetting
    metadata_condition: dict[str, Any] | None = None


def dify_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"error_code": code, "error_msg": message}, status_code=status)


class DifyError(Exception):
    """An error in Dify's shape ({error_code, error_msg}), raised before the body is read."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def dify_key(
    state: StateDep,
    authorization: Annotated[str | None, Header()] = None,
    declared: Annotated[Credentials, Security(API_BEARER)] = None,  # for the OpenAPI document only
) -> None:
    """Dify's Bearer check, as a dependency so that it runs before the body is validated: a
    wrong key registered in Dify fails its check with 403, not with a validation error."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme != "Bearer" or not token.strip():
        raise DifyError(403, 1001, "Invalid Authorization header format. Expected 'Bearer <api-key>' format.")
    expected = state.settings.api_key
    if expected and not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise DifyError(403, 1002, "Authorization failed")


def install_dify_errors(app: FastAPI) -> None:
    @app.exception_handler(DifyError)
    async def dify_failure(_: Request, exc: DifyError) -> JSONResponse:
        return dify_error(exc.status, exc.code, exc.message)


@router.post(
    "/retrieval",
    dependencies=[Depends(dify_key)],
    responses={200: {"model": RetrievalResponse}, **error_responses(403, 404, dify=(403, 404))},
)
def retrieval(request: RetrievalRequest, answerer: AnswererDep) -> JSONResponse:
    """按 Dify 外部知识库协议返回相关条款。"""
    if request.knowledge_id == ALL_DOCUMENTS:
        doc_ids = None
    elif request.knowledge_id in answerer.documents:
        doc_ids = [request.knowledge_id]
    else:
        return dify_error(404, 2001, "The knowledge does not exist")
    wanted = request.retrieval_setting.top_k
    # with a metadata condition, filter a wider pool of candidates, then keep the best top_k
    pool = wanted if not request.metadata_condition else min(MAX_CANDIDATES, wanted * CANDIDATE_FACTOR)
    hits = answerer.search(request.query.strip() or request.query, pool, doc_ids)
    records = []
    for hit in hits:
        meta = answerer.documents[hit.doc_id].meta
        metadata = {
            "doc_id": hit.doc_id,
            "document_title": meta.title,
            "locator": hit.locator,
            "marker": hit.marker,
            "breadcrumb": BREADCRUMB_SEPARATOR.join(hit.breadcrumb),
            "lead_unit": hit.lead_unit or "",
            "number": meta.number,
            "issuer": meta.issuer,
            "date": meta.date,
        }
        try:
            kept = matches(request.metadata_condition, metadata)
        except ConditionError as exc:
            return dify_error(400, 2001, f"Invalid metadata_condition: {exc}")
        if kept and (hit.relevance or 0.0) >= request.retrieval_setting.score_threshold:
            records.append(
                {"content": hit.text, "score": hit.relevance or 0.0, "title": hit.label, "metadata": metadata}
            )
    return JSONResponse({"records": records[:wanted]})
