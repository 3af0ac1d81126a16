"""An OpenAI-compatible chat endpoint, so existing chat front-ends can use policyqa as a model.

The last user message is the question and earlier turns are the history. The cited
clauses are appended to the answer text itself (参考条款), so they survive streaming and
clients that only show `content`; they are also given as a `references` field.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api.client_tasks import is_task_prompt, task_reply
from api.errors import ApiError
from api.keys import ApiBearerDoc, check_bearer
from api.openapi_models import CHAT_STREAM, ChatCompletion, ModelInfo, ModelList
from api.schemas import CitationOut, error_responses
from api.state import AnswererDep, ServiceState, StateDep
from assistant.answer import Answer
from assistant.followup import Turn

router = APIRouter(tags=["OpenAI 兼容"])
MODEL_ID = "policyqa"
DOCUMENT_MODEL_PREFIX = f"{MODEL_ID}/"  # policyqa/<doc_id>: answers from that document only
STREAM_PIECE_CHARS = 24
RECENT_MESSAGES = 41  # the question and the 20 exchanges before it


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"model": "policyqa", "messages": [{"role": "user", "content": "人才公寓计划建设多少平方米？"}]},
                {
                    "model": "policyqa",
                    "stream": True,
                    "stream_options": {"include_usage": True},
                    "messages": [
                        {"role": "user", "content": "德清县的发展定位是什么？"},
                        {"role": "assistant", "content": "德清县……"},
                        {"role": "user", "content": "那长兴县呢？"},
                    ],
                },
            ]
        },
    )

    model: str = MODEL_ID
    # long chats are fine: only the newest turns reach the answerer (assistant.followup)
    messages: list[ChatMessage] = Field(min_length=1, max_length=10_000)
    stream: bool = False
    n: int = Field(default=1, ge=1, le=8)
    stream_options: dict[str, Any] | None = None


def _text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    parts = message.content or []
    return "".join(str(part.get("text", "")) for part in parts if part.get("type") == "text")


def conversation(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The question (last user message) and the turns before it."""
    turns = [(m.role, _text(m).strip()) for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user":
        raise ApiError(422, "invalid_request", "最后一条消息必须是用户的问题")
    question = turns[-1][1]
    if not question:
        raise ApiError(422, "invalid_request", "问题不能为空")
    if len(question) > 1000 and not is_task_prompt(question):
        raise ApiError(422, "invalid_request", "问题过长，最多 1000 个字符")
    history = [
        Turn("user" if role == "user" else "assistant", text)
        for role, text in turns[-RECENT_MESSAGES:-1]
        if text
    ]
    return question, history


def content_with_references(answer: Answer) -> str:
    """The answer followed by the clauses it cites (abstentions already list them)."""
    if answer.abstained or not answer.citations:
        return answer.answer
    lines = [
        f"{c.marker} {c.label}" + (f"（《{c.document}》）" if c.document else "") for c in answer.citations
    ]
    return answer.answer + "\n\n参考条款：\n" + "\n".join(lines)


def _references(answer: Answer) -> list[dict[str, Any]]:
    return [CitationOut.of(c).model_dump() for c in answer.citations]


def _chunk(
    completion_id: str, created: int, model: str, delta: dict[str, str], finish: str | None, **extra: Any
) -> str:
    body = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def _usage(question: str, content: str) -> dict[str, int]:
    return {
        "prompt_tokens": len(question),
        "completion_tokens": len(content),
        "total_tokens": len(question) + len(content),
    }


def _stream(
    content: str,
    references: list[dict[str, Any]],
    completion_id: str,
    created: int,
    model: str,
    usage: dict[str, int] | None,
) -> Iterator[str]:
    yield _chunk(completion_id, created, model, {"role": "assistant", "content": ""}, None)
    for start in range(0, len(content), STREAM_PIECE_CHARS):
        yield _chunk(
            completion_id, created, model, {"content": content[start : start + STREAM_PIECE_CHARS]}, None
        )
    yield _chunk(completion_id, created, model, {}, "stop", references=references)
    if usage is not None:  # stream_options.include_usage: one more chunk, no choices
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [],
            "usage": usage,
        }
        yield f"data: {json.dumps(body, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


@router.post(
    "/v1/chat/completions",
    dependencies=[ApiBearerDoc],
    responses={200: {"model": ChatCompletion, "content": CHAT_STREAM}, **error_responses(401, 404)},
)
def chat_completions(
    request: ChatRequest,
    state: StateDep,
    answerer: AnswererDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Any:
    """OpenAI Chat Completions（支持 stream）。"""
    check_bearer(state, authorization)
    question, history = conversation(request.messages)
    doc_id = document_of_model(request.model)
    if doc_id is not None and doc_id not in answerer.documents:
        raise ApiError(
            404, "model_not_found", f"没有名为 {request.model} 的模型（文档 {doc_id} 不在文件库中）"
        )
    if is_task_prompt(question):  # the front-end's own title / tags / follow-up prompt
        content, references = task_reply(question), []
    else:
        answer = answerer.ask(question, history, doc_ids=None if doc_id is None else [doc_id])
        content, references = content_with_references(answer), _references(answer)
    model = request.model if doc_id is not None else MODEL_ID
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    usage = _usage(question, content)
    if request.stream:
        wants_usage = bool((request.stream_options or {}).get("include_usage"))
        events = _stream(content, references, completion_id, created, model, usage if wants_usage else None)
        return StreamingResponse(events, media_type="text/event-stream")
    message = {"role": "assistant", "content": content}
    return JSONResponse(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [{"index": i, "message": message, "finish_reason": "stop"} for i in range(request.n)],
            "usage": usage,
            "references": references,
        }
    )


def document_of_model(model: str) -> str | None:
    """The document a model name stands for (policyqa/<doc_id>), None for all documents.

    Any other name (a client's default such as gpt-4o) means all documents: chat front-ends
    often send the name they were set up with, and refusing it would break them."""
    return model.removeprefix(DOCUMENT_MODEL_PREFIX) if model.startswith(DOCUMENT_MODEL_PREFIX) else None


def _model(model_id: str, name: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": 0, "owned_by": "policyqa", "name": name}


def model_list(state: ServiceState) -> list[dict[str, Any]]:
    """policyqa (every document) and one model per document of the library."""
    documents = state.answerer.documents.values() if state.answerer else ()
    return [
        _model(MODEL_ID, "全部文档"),
        *(_model(f"{DOCUMENT_MODEL_PREFIX}{doc.meta.doc_id}", doc.meta.short_name) for doc in documents),
    ]


@router.get(
    "/v1/models", dependencies=[ApiBearerDoc], responses={200: {"model": ModelList}, **error_responses(401)}
)
def models(state: StateDep, authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """可用模型：policyqa（全部文档）与每个文档一个模型（policyqa/<doc_id>）。"""
    check_bearer(state, authorization)
    return {"object": "list", "data": model_list(state)}


@router.get(
    "/v1/models/{model_id:path}",
    dependencies=[ApiBearerDoc],
    responses={200: {"model": ModelInfo}, **error_responses(401, 404)},
)
def model(
    model_id: Annotated[str, Path(description="policyqa 或 policyqa/<doc_id>", examples=["policyqa"])],
    state: StateDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """一个模型的信息（clients check the model they are configured with）。"""
    check_bearer(state, authorization)
    for entry in model_list(state):
        if entry["id"] == model_id:
            return entry
    raise ApiError(404, "model_not_found", f"没有名为 {model_id} 的模型，可用模型见 /v1/models")
