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
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Request, Security
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.dify_filter import ConditionError, matches
from api.keys import API_BEARER, Credentials
from api.openapi_models import RetrievalResponse
from api.schemas import error_responses
from api.state import AnswererDep, StateDep
from assistant.answer import Answerer
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


@dataclass(frozen=True)
class Candidate:
    """A clause offered to Dify, scored by how likely it answers the query."""

    doc_id: str
    locator: str
    label: str
    marker: str
    breadcrumb: tuple[str, ...]
    lead_unit: str | None
    text: str
    score: float


def candidates(answerer: Answerer, query: str, pool: int, doc_ids: list[str] | None) -> list[Candidate]:
    """The clauses the answer rests on first, then the other search hits.

    The query is answered as /api/ask answers it, so its kind is recognised: 文号是什么 leads
    to the clause stating the number, 有哪些重点任务 to the part that lists them. When the
    answerer declines, no clause scores above the answer's own (low) relevance, so Dify's
    threshold drops what the documents do not cover.
    """
    answer = answerer.ask(query, top_k=min(pool, 20), doc_ids=doc_ids)
    ceiling = answer.relevance if answer.abstained else 1.0
    found = [] if answer.abstained else [
        Candidate(c.doc_id, c.locator, c.label, c.marker, c.breadcrumb, c.lead_unit, c.text, c.relevance)
        for c in answer.citations
    ]
    seen = {(c.doc_id, c.locator) for c in found}
    for hit in answerer.search(query, pool, doc_ids):
        if (hit.doc_id, hit.locator) not in seen:
            seen.add((hit.doc_id, hit.locator))
            found.append(
                Candidate(
                    hit.doc_id, hit.locator, hit.label, hit.marker, hit.breadcrumb, hit.lead_unit, hit.text,
                    min(hit.relevance or 0.0, ceiling),
                )
            )
    return found[:pool]


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
    query = request.query.strip() or request.query
    records = []
    for candidate in candidates(answerer, query, pool, doc_ids):
        meta = answerer.documents[candidate.doc_id].meta
        metadata = {
            "doc_id": candidate.doc_id,
            "document_title": meta.title,
            "locator": candidate.locator,
            "marker": candidate.marker,
            "breadcrumb": BREADCRUMB_SEPARATOR.join(candidate.breadcrumb),
            "lead_unit": candidate.lead_unit or "",
            "number": meta.number,
            "issuer": meta.issuer,
            "date": meta.date,
        }
        try:
            kept = matches(request.metadata_condition, metadata)
        except ConditionError as exc:
            return dify_error(400, 2001, f"Invalid metadata_condition: {exc}")
        if kept and candidate.score >= request.retrieval_setting.score_threshold:
            records.append(
                {"content": candidate.text, "score": candidate.score, "title": candidate.label, "metadata": metadata}
            )
    return JSONResponse({"records": records[:wanted]})
