"""Response models of the routes that build their JSON themselves, for the OpenAPI document.

The routes return these shapes directly (streams, Dify's and OpenAI's formats, the library);
the models describe them to clients and tools, and the schema tests check every response
against them, so the document cannot drift from what is sent.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

from api.schemas import CitationOut


class HealthResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"]


class ReadyResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ready", "clauses": 75, "chunks": 128}]})

    status: Literal["ready"]
    clauses: int = Field(description="索引中的条款数")
    chunks: int = Field(description="索引中的文本块数")


class ChatMessageOut(BaseModel):
    role: Literal["assistant"]
    content: str = Field(description="回答，后附「参考条款」列表")


class ChatChoice(BaseModel):
    index: int
    message: ChatMessageOut
    finish_reason: Literal["stop"]


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    """OpenAI's chat.completion, plus the cited clauses as `references`."""

    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage
    references: list[CitationOut]


CHAT_STREAM = {
    "text/event-stream": {
        # one server-sent event: its data is a chat.completion.chunk as JSON, the last one [DONE]
        "schema": {
            "type": "object",
            "properties": {"data": {"type": "string", "description": "chat.completion.chunk (JSON) 或 [DONE]"}},
            "required": ["data"],
        },
        "example": (
            'data: {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "统筹安排"}, '
            '"finish_reason": null}]}\n\n'
            'data: {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, '
            '"finish_reason": "stop"}], "references": [...]}\n\ndata: [DONE]\n\n'
        ),
    }
}


class ModelInfo(BaseModel):
    id: str = Field(examples=["policyqa"])
    object: Literal["model"]
    created: int
    owned_by: str
    name: str = Field(description="全部文档，或该文档的简称")


class ModelList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "list",
                    "data": [
                        {"id": "policyqa", "object": "model", "created": 0, "owned_by": "policyqa", "name": "全部文档"}
                    ],
                }
            ]
        }
    )

    object: Literal["list"]
    data: list[ModelInfo]


class RetrievalRecord(BaseModel):
    content: str
    score: float = Field(ge=0.0, le=1.0, description="该条款回答问题的可能性（已校准）")
    title: str
    metadata: dict[str, str]


class RetrievalResponse(BaseModel):
    records: list[RetrievalRecord]


class FitResponse(BaseModel):
    """The shape of assistant.fit_report.fit_to_json."""

    profile: str
    profile_terms: dict[str, list[str]]
    matches: list[dict[str, Any]] = Field(
        description="doc_id, document_title, locator, label, marker, text, score, level, theme, lead_unit, "
        "excerpt, reasons, support, conditions, related"
    )
    summary: str


# Example values, shared by the models below.
_TITLE = "关于公布2025年城乡最低生活保障标准的通知"
_DOCUMENT: JsonDict = {
    "doc_id": "dibao-2025",
    "title": _TITLE,
    "number": "",
    "issuer": "",
    "date": "2025-05-30",
    "source": "dibao-2025.txt",
    "short_title": "",
    "clauses": 6,
    "size": 1834,
    "sha256": "0" * 64,
}
_STARTED = "2026-11-30T01:00:00+00:00"
_REBUILD_DONE: JsonDict = {
    "state": "done",
    "started_at": _STARTED,
    "finished_at": "2026-11-30T01:00:12+00:00",
    "error": "",
    "documents": 2,
    "queued": False,
}
_REBUILD_STARTED: JsonDict = {**_REBUILD_DONE, "state": "running", "finished_at": "", "documents": 0}


class RebuildStatusOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_REBUILD_DONE]})

    state: Literal["idle", "running", "done", "failed"]
    started_at: str
    finished_at: str
    error: str
    documents: int
    queued: bool


class LibraryDocument(BaseModel):
    doc_id: str
    title: str
    number: str
    issuer: str
    date: str
    source: str
    short_title: str
    clauses: int
    size: int
    sha256: str
    indexed: bool = Field(default=True, description="已建入当前索引")


class LibraryResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"documents": [{**_DOCUMENT, "indexed": True}]}]})

    documents: list[LibraryDocument]


class UploadResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "document": _DOCUMENT,
                    "read_from_document": {"title": _TITLE, "number": "", "issuer": "", "date": "2025-05-30"},
                    "given": [],
                    "reindex": _REBUILD_STARTED,
                }
            ]
        }
    )

    document: LibraryDocument
    read_from_document: dict[str, str] = Field(description="从文档本身读出的标题、文号、发文机关、日期")
    given: list[str] = Field(description="上传时给定（未从文档读取）的字段")
    reindex: RebuildStatusOut


class RemoveResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "removed": "dibao-2025",
                    "title": _TITLE,
                    "reindex": _REBUILD_STARTED,
                }
            ]
        }
    )

    removed: str
    title: str
    reindex: RebuildStatusOut
