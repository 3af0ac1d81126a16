"""Open WebUI's own requests, recorded from a real 40-turn chat (tests/data/openwebui/), replayed.

Open WebUI sends tool definitions with every request, the whole history, and "### Task:"
prompts of its own (title, tags, follow-ups); each must get a 200 in the shape it expects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.client_tasks import is_task_prompt
from assistant.answer import Answerer
from assistant.settings import Settings

pytestmark = pytest.mark.slow

RECORDED = Path(__file__).parent / "data" / "openwebui"
PAYLOADS = sorted(RECORDED.glob("*.json"))
TASK_KEYS = {"title": "title", "tags": "tags", "follow-ups": "follow_ups", "queries": "queries"}


@pytest.fixture(scope="module")
def client(index_settings: Settings, answerer: Answerer) -> Iterator[TestClient]:
    with TestClient(create_app(index_settings, answerer)) as test_client:
        yield test_client


def last_user_text(body: dict[str, object]) -> str:
    messages = body["messages"]
    assert isinstance(messages, list)
    content = [m for m in messages if m["role"] == "user"][-1]["content"]
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content)


def reply_text(response_text: str, streamed: bool) -> str:
    if not streamed:
        return str(json.loads(response_text)["choices"][0]["message"]["content"])
    pieces = []
    for line in response_text.splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            for choice in json.loads(line[6:]).get("choices", []):
                pieces.append(choice["delta"].get("content", ""))
    return "".join(pieces)


def test_the_recording_is_there() -> None:
    names = {p.stem for p in PAYLOADS}
    assert {"chat-turn-01", "chat-turn-20", "chat-turn-40", "title", "tags", "follow-ups"} <= names


@pytest.mark.parametrize("path", PAYLOADS, ids=[p.stem for p in PAYLOADS])
def test_a_recorded_request_gets_what_open_webui_expects(client: TestClient, path: Path) -> None:
    body = json.loads(path.read_text(encoding="utf-8"))
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text
    text = reply_text(response.text, bool(body.get("stream")))
    if is_task_prompt(last_user_text(body)):
        key = TASK_KEYS.get(path.stem)
        parsed = json.loads(text)
        assert isinstance(parsed, dict) and (key is None or key in parsed), text
    else:
        assert "参考条款" in text or "未找到" in text or "没有" in text, text
