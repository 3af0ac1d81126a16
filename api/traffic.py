"""Traffic control in front of the routes: a per-client rate limit and a bounded queue.

Both are ASGI middleware, so a refused request costs no worker thread:
- over `POLICYQA_RATE_LIMIT` (the `limits` library's moving window, per client address;
  behind a reverse proxy the address uvicorn reads from X-Forwarded-For), 429 with Retry-After;
- with `POLICYQA_MAX_CONCURRENT` requests being answered and `POLICYQA_MAX_QUEUE` more waiting,
  a fast 503 with Retry-After; a request that waits longer than `POLICYQA_QUEUE_TIMEOUT` gets
  the same 503, and one whose client hangs up while it waits is dropped unanswered.
/healthz, /readyz, the chat page and the docs are outside both: they never wait behind answers.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from contextlib import suppress

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import send_error

log = logging.getLogger(__name__)

WORK_PREFIXES = ("/api/", "/v1/", "/retrieval", "/admin/")


def is_work(scope: Scope) -> bool:
    """A request that reaches the index (or the library): limited and queued."""
    return (
        scope["type"] == "http"
        and scope.get("method") != "OPTIONS"  # CORS preflights are answered by the CORS layer
        and str(scope.get("path", "")).startswith(WORK_PREFIXES)
    )


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimit:
    """429 with Retry-After once a client exceeds any of the configured limits."""

    def __init__(self, app: ASGIApp, limit: str) -> None:
        self.app = app
        self.items = parse_many(limit) if limit else []
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.items and is_work(scope):
            client = client_of(scope)
            for item in self.items:
                if not self.limiter.hit(item, client):
                    reset_at, _ = self.limiter.get_window_stats(item, client)
                    wait = max(1, math.ceil(reset_at - time.time()))
                    await send_error(
                        send, 429, "rate_limited", f"请求过于频繁，请 {wait} 秒后再试", {"retry-after": str(wait)}
                    )
                    return
        await self.app(scope, receive, send)


class ConcurrencyGate:
    """At most `concurrent` requests answered at once and `queue` waiting; the rest get 503 at once.

    Sits inside the body-size layer, so the body is already read: a slow sender holds no slot,
    and the only message left to receive is the client's disconnect, watched while waiting.
    """

    def __init__(self, app: ASGIApp, concurrent: int, queue: int, timeout: float) -> None:
        self.app = app
        self.concurrent = concurrent
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self.capacity = concurrent + queue
        self.timeout = timeout
        self.pending = 0  # answered or waiting

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_work(scope):
            await self.app(scope, receive, send)
            return
        if self.pending >= self.capacity:
            await self._busy(send)
            return
        self.pending += 1
        try:
            await self._admit(scope, receive, send)
        finally:
            self.pending -= 1

    async def _admit(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await receive()
        hang_up = asyncio.ensure_future(receive())
        slots = self._semaphore()
        slot = asyncio.ensure_future(slots.acquire())
        try:
            await asyncio.wait({slot, hang_up}, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED)
            if not slot.done():
                slot.cancel()
                with suppress(asyncio.CancelledError):
                    await slot
            if slot.cancelled():
                if hang_up.done():
                    log.info("dropped %s %s: the client left while it waited", scope["method"], scope["path"])
                else:
                    await self._busy(send)
                return
        except BaseException:
            hang_up.cancel()
            raise
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return body
            return await hang_up

        try:
            if hang_up.done():  # got its slot, but nobody is left to answer
                log.info("dropped %s %s: the client left while it waited", scope["method"], scope["path"])
                return
            await self.app(scope, replay, send)
        finally:
            slots.release()
            hang_up.cancel()

    def _semaphore(self) -> asyncio.Semaphore:
        """The slots of the running event loop (one under uvicorn; a test client may start several)."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.concurrent))
        return self._slots[1]

    @staticmethod
    async def _busy(send: Send) -> None:
        await send_error(send, 503, "busy", "服务繁忙，请稍后再试", {"retry-after": "1"})
