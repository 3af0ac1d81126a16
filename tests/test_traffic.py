"""The service under abuse: rate limits, a bounded queue, slow and vanished clients, headers and hosts."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.answer import Answerer
from assistant.settings import Settings

from .servers import fake_llm, llm_answerer, running

pytestmark = pytest.mark.slow

SLOW_ASK = {"question": "人才公寓计划建设多少平方米？", "mode": "llm"}  # the fake LLM takes 3 s
SEARCH = {"query": "人才公寓"}


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    with running(fake_llm()) as url:
        yield f"{url}/v1"


@contextmanager
def serving(settings: Settings, answerer: Answerer, llm_url: str, **changes: Any) -> Iterator[str]:
    """`policyqa serve`'s uvicorn set-up with the given settings; LLM answers take 3 s."""
    changed = settings.model_copy(update=changes)
    with running(create_app(changed, llm_answerer(answerer, llm_url, "slow", 10)), settings=changed) as url:
        yield url


def test_a_client_over_its_rate_limit_gets_429_with_retry_after(
    index_settings: Settings, answerer: Answerer
) -> None:
    settings = index_settings.model_copy(update={"rate_limit": "3/minute"})
    with TestClient(create_app(settings, answerer)) as client:
        statuses = [client.post("/api/search", json=SEARCH).status_code for _ in range(3)]
        refused = client.post("/api/ask", json={"question": "人才公寓计划建设多少平方米？"})
        assert statuses == [200, 200, 200]
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 60
        assert refused.json()["error"]["code"] == "rate_limited" and "请求过于频繁" in refused.json()["error"]["message"]
        # health checks, the page and the docs are never limited
        assert [client.get(path).status_code for path in ("/healthz", "/readyz", "/", "/openapi.json")] == [200] * 4


def test_a_full_queue_answers_503_at_once_and_health_stays_fast(
    index_settings: Settings, answerer: Answerer, llm_url: str
) -> None:
    with (
        serving(index_settings, answerer, llm_url, max_concurrent=1, max_queue=1, queue_timeout=1.0) as url,
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        busy = pool.submit(httpx.post, f"{url}/api/ask", json=SLOW_ASK, timeout=30)
        time.sleep(0.5)  # the slow answer holds the only slot
        waiting = pool.submit(timed, lambda: httpx.post(f"{url}/api/search", json=SEARCH, timeout=30))
        time.sleep(0.2)  # ... and this one the only place in the queue
        full, full_seconds = timed(lambda: httpx.post(f"{url}/api/search", json=SEARCH, timeout=30))
        health, health_seconds = timed(lambda: httpx.get(f"{url}/healthz", timeout=5))
        timed_out, waited = waiting.result()
        assert full.status_code == 503 and full.headers["retry-after"] == "1" and full_seconds < 0.5
        assert full.json()["error"] == {"code": "busy", "message": "服务繁忙，请稍后再试"}
        # blocked behind the slow answer it would take seconds; 0.1 s failed once on a loaded machine
        assert health.status_code == 200 and health_seconds < 0.5
        assert timed_out.status_code == 503 and 0.9 < waited < 2.5, waited  # waited its queue_timeout
        assert busy.result().status_code == 200
        assert httpx.post(f"{url}/api/search", json=SEARCH, timeout=30).status_code == 200


def test_a_request_whose_client_left_while_queued_is_dropped(
    index_settings: Settings, answerer: Answerer, llm_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="api.traffic")
    with serving(index_settings, answerer, llm_url, max_concurrent=1) as url, ThreadPoolExecutor(1) as pool:
        busy: Future[httpx.Response] = pool.submit(httpx.post, f"{url}/api/ask", json=SLOW_ASK, timeout=30)
        time.sleep(0.5)
        with connect(url) as sock:
            body = b'{"query": "\\u4eba\\u624d\\u516c\\u5bd3"}'
            sock.sendall(
                b"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            time.sleep(0.3)
        assert busy.result().status_code == 200
        time.sleep(0.3)
    assert "dropped POST /api/search: the client left while it waited" in caplog.text


def test_slow_headers_and_slow_bodies_are_cut_off(
    index_settings: Settings, answerer: Answerer, llm_url: str
) -> None:
    with serving(index_settings, answerer, llm_url, request_timeout=1.0) as url:
        with connect(url) as idle, connect(url) as trickle:
            idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never ends its headers
            trickle.sendall(
                b"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{"  # and never sends the other 99 bytes
            )
            started = time.perf_counter()
            assert idle.recv(1024) == b""  # closed by the server
            assert time.perf_counter() - started < 3
            reply = read_all(trickle)
        assert reply.startswith(b"HTTP/1.1 408") and "请求体发送超时".encode() in reply
        assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200


def test_pages_carry_security_headers_and_unknown_hosts_are_refused(
    index_settings: Settings, answerer: Answerer
) -> None:
    settings = index_settings.model_copy(update={"trusted_hosts": "testserver, policyqa.example"})
    with TestClient(create_app(settings, answerer)) as client:
        page = client.get("/")
        assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe" not in policy
        assert "'unsafe-inline'" in client.get("/docs").headers["content-security-policy"]
        api = client.post("/api/search", json=SEARCH)
        assert api.headers["x-content-type-options"] == "nosniff" and "content-security-policy" not in api.headers
        assert client.get("/healthz", headers={"Host": "policyqa.example"}).status_code == 200
        assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def timed(call: Any) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


@contextmanager
def connect(url: str) -> Iterator[socket.socket]:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        yield sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received
