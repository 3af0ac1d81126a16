"""Request and response models of the HTTP API (built from the package's dataclasses at the edge)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.answer import Answer, Citation
from assistant.ingest.document import Clause, OutlineNode
from assistant.retrieve import Hit

MAX_QUESTION_CHARS = 1000


# Blank: whitespace as JSON Schema's \s knows it, and control characters. A text field must hold
# a character outside them; the pattern is also in the OpenAPI document, so clients and
# generated requests agree with the server on what counts as empty.
BLANK = r"\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\x00-\x1f\x7f-\x9f"
VISIBLE = f"[^{BLANK}]"
NOT_BLANK: dict[str, Any] = {"pattern": VISIBLE}


def not_blank(value: str) -> str:
    """The value stripped; a ValueError (不能为空) when it holds nothing visible."""
    if not re.search(VISIBLE, value):
        raise ValueError("不能为空")
    return value.strip()



class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(min_length=1, max_length=8000)


class AskRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "人才公寓计划建设多少平方米？"},
                {
                    "question": "那长兴县呢？",
                    "history": [
                        {"role": "user", "content": "德清县的发展定位是什么？"},
                        {"role": "assistant", "content": "德清县……［二（一）4］"},
                    ],
                    "top_k": 5,
                },
            ]
        }
    )

    question: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS, description="问题", json_schema_extra=NOT_BLANK
    )
    history: list[HistoryTurn] = Field(default_factory=list, max_length=40)
    top_k: int = Field(default=5, ge=1, le=20)
    mode: Literal["extractive", "llm"] = "extractive"
    doc_ids: list[str] | None = Field(default=None, max_length=50)

    _question = field_validator("question")(not_blank)


class SearchRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"query": "人才公寓", "top_k": 5}]})

    query: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, json_schema_extra=NOT_BLANK)
    top_k: int = Field(default=5, ge=1, le=20)
    doc_ids: list[str] | None = Field(default=None, max_length=50)

    _query = field_validator("query")(not_blank)


class CitationOut(BaseModel):
    doc_id: str
    locator: str
    label: str
    breadcrumb: list[str]
    text: str
    lead_unit: str | None
    score: float = Field(description="检索融合分（按名次，非概率）")
    marker: str
    highlights: list[str]
    relevance: float = Field(ge=0.0, le=1.0, description="该条款回答问题的可能性（0–1，已校准）")
    document: str = Field(default="", description="所属文档的简称（文件库中有多个文档时）")

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls.model_validate(citation, from_attributes=True)


class AskResponse(BaseModel):
    answer: str
    abstained: bool
    mode: Literal["extractive", "llm"]
    kind: str
    question: str
    standalone_question: str
    citations: list[CitationOut]
    notice: str | None = None
    relevance: float = Field(ge=0.0, le=1.0, description="文件能回答该问题的可能性（0–1，已校准）")
    timing_ms: float

    @classmethod
    def of(cls, answer: Answer, timing_ms: float) -> AskResponse:
        return cls(
            answer=answer.answer,
            abstained=answer.abstained,
            mode=answer.mode,
            kind=answer.kind,
            question=answer.question,
            standalone_question=answer.standalone_question,
            citations=[CitationOut.of(c) for c in answer.citations],
            notice=answer.notice,
            relevance=round(answer.relevance, 4),
            timing_ms=round(timing_ms, 2),
        )


class HitOut(BaseModel):
    doc_id: str
    locator: str
    label: str
    breadcrumb: list[str]
    text: str
    best_chunk: str
    lead_unit: str | None
    score: float = Field(description="检索融合分（按名次，非概率）")
    kind: str
    marker: str
    relevance: float | None = Field(
        default=None, ge=0.0, le=1.0, description="该条款与查询相关的可能性（0–1，已校准）"
    )

    @classmethod
    def of(cls, hit: Hit) -> HitOut:
        return cls.model_validate({**asdict(hit), "marker": hit.marker})


class SearchResponse(BaseModel):
    hits: list[HitOut]


class TocNode(BaseModel):
    locator: str
    label: str
    short_label: str
    kind: str
    is_clause: bool
    children: list[TocNode]

    @classmethod
    def of(cls, node: OutlineNode) -> TocNode:
        return cls(
            locator=node.locator,
            label=node.label,
            short_label=node.short_label,
            kind=node.kind,
            is_clause=node.is_clause,
            children=[cls.of(child) for child in node.children],
        )


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    short_title: str = Field(description="简称：清单中的 short_title，未设时由标题得出")
    number: str
    issuer: str
    date: str
    clauses: int = Field(description="条款数")
    toc: list[TocNode]


class DocumentsResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "documents": [
                        {
                            "doc_id": "dibao-2025",
                            "title": "关于公布2025年城乡最低生活保障标准的通知",
                            "short_title": "低保标准",
                            "number": "",
                            "issuer": "",
                            "date": "2025-05-30",
                            "clauses": 6,
                            "toc": [
                                {"locator": "一", "label": "一、保障标准", "short_label": "一", "kind": "part", "is_clause": True, "children": []}
                            ],
                        }
                    ]
                }
            ]
        }
    )

    documents: list[DocumentOut]


class ClauseRef(BaseModel):
    locator: str
    label: str


class ClauseOut(BaseModel):
    doc_id: str
    document_title: str
    locator: str
    label: str
    kind: str
    title: str
    breadcrumb: list[str]
    text: str
    paragraphs: list[str]
    lead_unit: str | None
    fields: dict[str, str]
    marker: str
    parent: ClauseRef | None
    children: list[ClauseRef]

    @classmethod
    def of(
        cls, clause: Clause, document_title: str, parent: ClauseRef | None, children: list[ClauseRef]
    ) -> ClauseOut:
        return cls(
            doc_id=clause.doc_id,
            document_title=document_title,
            locator=clause.locator,
            label=clause.label,
            kind=clause.kind,
            title=clause.title,
            breadcrumb=list(clause.breadcrumb),
            text=clause.text,
            paragraphs=list(clause.paragraphs),
            lead_unit=clause.lead_unit,
            fields=dict(clause.fields),
            marker=clause.marker,
            parent=parent,
            children=children,
        )


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class DifyErrorResponse(BaseModel):
    error_code: int
    error_msg: str


ERROR_DESCRIPTIONS = {
    400: "请求体无法解析（不是 UTF-8 编码的 JSON），或主机名不在 POLICYQA_TRUSTED_HOSTS 中",
    401: "密钥无效或缺失",
    403: "管理接口未启用（未设置 POLICYQA_ADMIN_KEY）；Dify 接口的密钥无效",
    404: "文档、条款或地址不存在",
    408: "请求体发送超时（POLICYQA_REQUEST_TIMEOUT）",
    409: "冲突：文档已存在，或已有索引重建在进行",
    413: "请求体过大",
    422: "请求参数不正确",
    429: "请求过于频繁（POLICYQA_RATE_LIMIT）；Retry-After 给出等待秒数",
    503: "索引加载中或不可用，或服务繁忙（POLICYQA_MAX_CONCURRENT / POLICYQA_MAX_QUEUE）；Retry-After 给出等待秒数",
}
# What any route behind the traffic layer may answer besides its own errors.
TRAFFIC_ERRORS = (400, 408, 413, 422, 429, 503)


def error_responses(*codes: int, dify: Collection[int] = ()) -> dict[int | str, dict[str, Any]]:
    """The error statuses of a route for the OpenAPI document: its own and the traffic layer's.

    Args:
        dify: statuses answered in Dify's error shape instead of ours.
    """
    return {
        code: {
            "model": DifyErrorResponse if code in dify else ErrorResponse,
            "description": ERROR_DESCRIPTIONS[code],
        }
        for code in sorted({*TRAFFIC_ERRORS, *codes})
    }
