"""How `policyqa serve` runs the app under uvicorn: limits that hold against slow or idle clients.

uvicorn lets a connection that never finishes its headers stay open forever; the protocol
below closes it after `POLICYQA_REQUEST_TIMEOUT` seconds (the body has its own timeout in
the app). `limit_concurrency` caps open connections and running requests: past it uvicorn
answers 503 at once instead of queueing without bound.

The event loop is uvloop and HTTP is parsed by httptools (both C) where they are installed,
as they are with policyqa's dependencies; the pure-Python asyncio loop and h11 otherwise.
Under a flood the loop's own work (parsing requests, refusing them with 429) is what delays
every other client, /healthz included: the C pair does that work in a fraction of the time.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from assistant.settings import Settings

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    PROTOCOL: type[H11Protocol] | type[HttpToolsProtocol] = HttpToolsProtocol
except ImportError:  # httptools is not installed: the pure-Python parser
    PROTOCOL = H11Protocol

MAX_CONNECTIONS = 1000
KEEP_ALIVE_SECONDS = 5


def header_timeout_protocol(seconds: float, base: type[Any] = PROTOCOL) -> type[Any]:
    """An HTTP protocol that closes a connection whose request headers take longer than `seconds`."""

    class HeaderTimeoutProtocol(base):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request on this connection gets its own deadline

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline = self.loop.call_later(seconds, self._expire)

        def _expire(self) -> None:
            between_requests = self.cycle is None or self.cycle.response_complete
            if between_requests and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimeoutProtocol


def server_config(app: Any, settings: Settings, host: str, port: int, **extra: Any) -> uvicorn.Config:
    """The uvicorn configuration `policyqa serve` uses (tests start servers with it too)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=header_timeout_protocol(settings.request_timeout),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        limit_concurrency=MAX_CONNECTIONS,
        loop="auto",  # uvloop when installed
        log_level="warning",
        **extra,
    )
