"""Errors as the API's users see them: JSON with a Chinese message, never a traceback."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import PolicyQAError, UnknownLocatorError

log = logging.getLogger(__name__)
access_log = logging.getLogger("policyqa.access")

FIELD_NAMES = {
    "question": "问题",
    "query": "查询",
    "profile": "企业描述",
    "district": "区县",
    "industry": "产业",
    "history": "对话历史",
    "top_k": "top_k",
    "mode": "mode",
    "doc_ids": "doc_ids",
    "role": "角色",
    "content": "内容",
    "messages": "messages",
    "knowledge_id": "knowledge_id",
    "retrieval_setting": "retrieval_setting",
    "file": "文件",
    "doc_id": "文档编号",
    "title": "标题",
    "short_title": "简称",
    "number": "文号",
    "issuer": "发文机关",
    "date": "日期",
}


class ApiError(Exception):
    """An error with an HTTP status, a machine code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str, request: Request | None = None) -> JSONResponse:
    """Our error shape; on /v1/* also OpenAI's (type and param beside code and message)."""
    error: dict[str, object] = {"code": code, "message": message}
    if request is not None and request.url.path.startswith("/v1/"):
        kind = {401: "authentication_error", 404: "not_found_error"}.get(status, "invalid_request_error")
        error |= {"type": "server_error" if status >= 500 else kind, "param": None}
    return JSONResponse({"error": error}, status_code=status)


LOCATIONS = ("body", "query", "path", "header", "cookie")


def _field(loc: Sequence[Any]) -> str:
    # the first element says where the field is; a field may itself be called "query"
    parts = [str(p) for p in (loc[1:] if loc and loc[0] in LOCATIONS else loc)]
    names = [FIELD_NAMES.get(p, p) for p in parts if not p.isdigit()]
    return names[-1] if names else "请求体"


def chinese_validation_message(errors: Sequence[dict[str, Any]]) -> str:
    """One Chinese sentence for the first validation error."""
    if not errors:
        return "请求参数不正确"
    error = errors[0]
    kind, ctx, field = error.get("type", ""), error.get("ctx") or {}, _field(error.get("loc", ()))
    if kind == "json_invalid":
        return "请求体不是合法的 JSON"
    if kind in ("model_attributes_type", "dict_type") and field == "请求体":
        return "请求体必须是 JSON 对象"
    if kind == "missing":
        return f"缺少必填字段：{field}"
    if kind == "string_too_short":
        return f"{field}不能为空"
    if kind == "string_too_long":
        return f"{field}过长，最多 {ctx.get('max_length')} 个字符"
    if kind == "too_long":
        return f"{field}条目过多，最多 {ctx.get('max_length')} 条"
    if kind == "too_short":
        return f"{field}至少需要 {ctx.get('min_length')} 条"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{field}超出允许范围"
    if kind == "literal_error":
        return f"{field}只能是 {str(ctx.get('expected', '')).replace(' or ', ' 或 ')}"
    if kind == "value_error":
        return f"{field}{str(ctx.get('error', '')).strip() or '取值不正确'}"
    if kind == "extra_forbidden":
        return f"不支持的字段：{field}"
    return f"{field}的格式不正确"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, request)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", chinese_validation_message(exc.errors()), request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "未找到请求的地址", 405: "不支持该请求方法", 400: "请求体无法解析：须为 UTF-8 编码的 JSON"}
        response = error_response(
            exc.status_code, "http_error", messages.get(exc.status_code, "请求无法处理"), request
        )
        response.headers.update(exc.headers or {})  # 405 keeps its Allow
        return response

    @app.exception_handler(UnknownLocatorError)
    async def unknown_locator(_: Request, exc: UnknownLocatorError) -> JSONResponse:
        return error_response(404, "unknown_locator", "未找到该条款")

    @app.exception_handler(PolicyQAError)
    async def domain_error(_: Request, exc: PolicyQAError) -> JSONResponse:
        log.error("request failed: %s", exc)
        return error_response(503, "unavailable", "服务暂时不可用，请稍后再试")


async def send_error(
    send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> None:
    """Our JSON error, sent by a middleware before (or instead of) the app."""
    data = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode("utf-8")
    extra = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


class AccessLog:
    """One line per request for operators: request id, method, route, status, latency.

    The question text is never logged. The id is returned as X-Request-ID.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:12]
        started = time.perf_counter()
        status = 500

        async def tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            access_log.info(
                "%s %s %s %d %.1fms",
                request_id,
                scope.get("method", ""),
                scope.get("path", ""),
                status,
                (time.perf_counter() - started) * 1000,
            )


def _invalid_utf8_at(scope: Scope, body: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8, in a JSON body (None: a valid or no JSON body)."""
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    if not body or not content_type.split(b";")[0].strip().endswith(b"json"):
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return None


class BodySizeLimit:
    """Refuse request bodies over a limit with 413, before the app reads them."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None, timeout: float = 10.0
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}  # path -> its own limit (uploads)
        self.timeout = timeout  # seconds between two parts of the body: a stalled client is let go

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send, limit)
            return
        body, more = b"", True
        while more:
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                await send_error(send, 408, "timeout", "请求体发送超时", {"connection": "close"})
                return
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await self._too_large(send, limit)
                return
        offset = _invalid_utf8_at(scope, body)
        if offset is not None:
            explained = f"请求体不是合法的 UTF-8 编码（第 {offset + 1} 个字节起无法解码）"
            await send_error(send, 400, "bad_encoding", explained)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send, limit: int) -> None:
        await send_error(send, 413, "too_large", f"请求体过大，上限为 {limit // 1024} KB")
