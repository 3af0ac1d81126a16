"""A page on another origin calls /v1/chat/completions from real headless Chromium through CORS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.sync_api import Browser, expect

from api.app import create_app
from assistant.answer import Answerer
from assistant.settings import Settings

from .servers import running

pytestmark = pytest.mark.slow

PAGE = """<!doctype html><meta charset="utf-8"><title>chat client</title><pre id="out">…</pre>
<script>
fetch(new URLSearchParams(location.search).get("api") + "/v1/chat/completions", {
  method: "POST",
  headers: {"Content-Type": "application/json", "Authorization": "Bearer cors-key"},
  body: JSON.stringify({model: "policyqa", messages: [{role: "user", content: "人才公寓计划建设多少平方米？"}]}),
})
  .then(r => r.json())
  .then(j => { document.getElementById("out").textContent = "ok: " + j.choices[0].message.content; })
  .catch(e => { document.getElementById("out").textContent = "refused: " + e; });
</script>"""


def client_page() -> FastAPI:
    """A chat front-end served from its own origin, like Chatbox web or LobeChat."""
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return PAGE

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture(scope="module")
def origins() -> Iterator[tuple[str, str]]:
    """The allowed front-end's origin and another one."""
    with running(client_page()) as allowed, running(client_page()) as other:
        yield allowed, other


@pytest.fixture(scope="module")
def api_url(index_settings: Settings, answerer: Answerer, origins: tuple[str, str]) -> Iterator[str]:
    allowed, _ = origins
    settings = index_settings.model_copy(update={"cors_origins": allowed, "api_key": "cors-key"})
    with running(create_app(settings, answerer)) as url:
        yield url


def test_an_allowed_origin_gets_the_answer_and_another_is_refused(
    browser: Browser, origins: tuple[str, str], api_url: str
) -> None:
    allowed, other = origins
    page = browser.new_page()
    page.goto(f"{allowed}/?api={api_url}")
    expect(page.locator("#out")).to_contain_text("ok: ", timeout=30000)
    expect(page.locator("#out")).to_contain_text("100万平方米")
    page.goto(f"{other}/?api={api_url}")
    expect(page.locator("#out")).to_contain_text("refused: TypeError", timeout=30000)
    page.close()
