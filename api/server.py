"""How `policyqa serve` runs the app under uvicorn: limits that hold against slow or idle clients.

uvicorn lets a connection that never finishes its headers stay open forever; the protocol
below closes it after `POLICYQA_REQUEST_TIMEOUT` seconds (the body has its own timeout in
the app). `limit_concurrency` caps open connections and running requests: past it uvicorn
answers 503 at once instead of queueing without bound.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from assistant.settings import Settings

MAX_CONNECTIONS = 1000
KEEP_ALIVE_SECONDS = 5


def header_timeout_protocol(seconds: float) -> type[H11Protocol]:
    """An h11 protocol that closes a connection whose request headers take longer than `seconds`."""

    class HeaderTimeoutProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
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
        log_level="warning",
        **extra,
    )
