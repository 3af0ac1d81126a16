"""Real HTTP servers on 127.0.0.1 for tests: uvicorn in a thread, stopped afterwards."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.server import server_config
from assistant.abstain import AbstentionModel
from assistant.answer import Answerer
from assistant.llm import LLMAnswerer
from assistant.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`policyqa serve` on 127.0.0.1:port in a process of its own."""
    command = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until_ready(base: str, server: subprocess.Popen[bytes], seconds: float = 180) -> None:
    """Poll /readyz until it answers 200; fail with the server's stderr if it exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
        time.sleep(0.2)
    raise AssertionError(f"{base} did not become ready in {seconds:.0f} s")


@contextmanager
def running(app: FastAPI, ready_path: str = "/healthz", settings: Settings | None = None) -> Iterator[str]:
    """Serve app on a free loopback port (as `policyqa serve` does, given settings); yields its base URL."""
    port = free_port()
    if settings is None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    else:
        config = server_config(app, settings, "127.0.0.1", port)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + ready_path, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    else:
        raise RuntimeError(f"server on {base} did not become ready")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def fake_llm() -> FastAPI:
    """Replies chosen by the requested model name."""
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/chat/completions")
    async def complete(request: Request) -> Any:
        body = await request.json()
        prompt = body["messages"][-1]["content"]
        model = body["model"]
        if model == "error":
            return JSONResponse({"error": {"message": "boom"}}, status_code=500)
        if model == "slow":
            await asyncio.sleep(3)
        content = {
            "cites": "根据条款，统筹安排建设100万平方米人才公寓［二（三）3］，另见［九（九）9］。",
            "silent": "人才公寓建设100万平方米。",
            "inflates": "人才公寓建设1000万平方米［二（三）3］。",
            "misnames": "建设上海人才高地战略支点城市，由市财政局牵头［二（三）3］。",
            "markup": "<script>alert(1)</script>统筹安排建设100万平方米人才公寓<img src=x onerror=alert(1)>［二（三）3］。",
        }.get(model, "x［二（三）3］")
        assert "［二（三）3］ 二、（三）3. 建设上海人才高地战略支点城市" in prompt
        return {
            "id": "c1",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    return app


def llm_answerer(answerer: Answerer, url: str, model: str, timeout: float = 10) -> Answerer:
    return Answerer(
        answerer.searcher, answerer.lexicon, AbstentionModel.load(), LLMAnswerer(url, model, "k", timeout)
    )
