"""The administration endpoints over real HTTP: keys, uploads, removal, re-index while serving."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest

from api.app import create_app
from assistant.settings import PROJECT_ROOT, Settings

from .servers import running

pytestmark = pytest.mark.slow

KEY = "admin-secret"
AUTH = {"Authorization": f"Bearer {KEY}"}
SMALL = PROJECT_ROOT / "eval" / "realdocs-heldout" / "guangzhou-dibao-biaozhun-2025.txt"
LONGER = PROJECT_ROOT / "eval" / "realdocs-heldout" / "hulianwang-shangwang-changsuo.md"
ENDPOINTS = [
    ("GET", "/admin/documents"),
    ("POST", "/admin/documents"),
    ("DELETE", "/admin/documents/huzhou-jinxiyi-2024"),
    ("POST", "/admin/reindex"),
    ("GET", "/admin/reindex"),
]


@pytest.fixture
def served(private_settings: Settings) -> Iterator[tuple[str, Settings]]:
    settings = private_settings.model_copy(update={"admin_key": KEY, "max_upload_mb": 0.1})
    with running(create_app(settings), ready_path="/readyz") as url:
        yield url, settings


def upload(url: str, path_or_bytes: object, name: str, **fields: str) -> httpx.Response:
    data = path_or_bytes.read_bytes() if hasattr(path_or_bytes, "read_bytes") else path_or_bytes
    return httpx.post(f"{url}/admin/documents", headers=AUTH, files={"file": (name, data)}, data=fields, timeout=60)


def files(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in settings.corpus_dir.iterdir() if not p.name.startswith(".")}


def wait_for_rebuild(url: str, timeout: float = 300) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = httpx.get(f"{url}/admin/reindex", headers=AUTH, timeout=10).json()
        if status["state"] in ("done", "failed") and not status["queued"]:
            return dict(status)
        time.sleep(0.2)
    raise AssertionError("the re-index did not finish")


def test_admin_endpoints_are_off_without_a_configured_key(private_settings: Settings) -> None:
    with running(create_app(private_settings), ready_path="/readyz") as url:
        for method, path in ENDPOINTS:
            response = httpx.request(method, url + path, headers=AUTH, timeout=10)
            assert response.status_code == 403, (method, path)
            assert response.json()["error"]["code"] == "admin_disabled"
        assert httpx.get(f"{url}/api/documents", timeout=10).status_code == 200  # the public list stays


def test_admin_endpoints_need_the_key(served: tuple[str, Settings]) -> None:
    url, settings = served
    before = (settings.corpus_dir / "documents.toml").read_bytes()
    for method, path in ENDPOINTS:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}):
            response = httpx.request(method, url + path, headers=headers, timeout=10)
            assert response.status_code == 401, (method, path, headers)
            assert response.json()["error"]["code"] == "invalid_admin_key"
    assert (settings.corpus_dir / "documents.toml").read_bytes() == before
    listed = httpx.get(f"{url}/admin/documents", headers=AUTH, timeout=10).json()["documents"]
    assert [(d["doc_id"], d["indexed"]) for d in listed] == [("huzhou-jinxiyi-2024", True)]


def test_upload_is_answered_after_a_rebuild_that_never_stops_serving(served: tuple[str, Settings]) -> None:
    url, _ = served
    added = upload(url, SMALL, "广州低保.txt", doc_id="dibao", short_title="低保标准")
    assert added.status_code == 202, added.text
    body = added.json()
    assert body["document"]["number"] == "穗民规字〔2025〕2号" and body["reindex"]["state"] == "running"

    def ask(question: str) -> tuple[int, str]:
        response = httpx.post(f"{url}/api/ask", json={"question": question}, timeout=60)
        return response.status_code, response.json().get("answer", "")

    during: list[tuple[int, str]] = []
    with ThreadPoolExecutor(2) as pool:
        while httpx.get(f"{url}/admin/reindex", headers=AUTH, timeout=10).json()["state"] == "running":
            during.extend(pool.map(ask, ["人才公寓建设的目标是多少？", "谁牵头推进长三角一体化？"]))
    assert during, "the rebuild finished before any query was asked"
    assert all(status == 200 and answer for status, answer in during), during[:3]
    status = wait_for_rebuild(url)
    assert status["state"] == "done" and status["documents"] == 2

    documents = httpx.get(f"{url}/api/documents", timeout=10).json()["documents"]
    assert [(d["doc_id"], d["short_title"]) for d in documents][-1] == ("dibao", "低保标准")
    answer = httpx.post(f"{url}/api/ask", json={"question": "广州城乡最低生活保障标准是每人每月多少元？"}, timeout=60).json()
    assert "1309元" in answer["answer"], answer["answer"]
    assert answer["citations"][0]["doc_id"] == "dibao" and answer["citations"][0]["document"] == "低保标准"

    client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused")
    assert [m.id for m in client.models.list()] == ["policyqa", "policyqa/huzhou-jinxiyi-2024", "policyqa/dibao"]
    for model, doc_id in (("policyqa/dibao", "dibao"), ("policyqa/huzhou-jinxiyi-2024", "huzhou-jinxiyi-2024")):
        reply = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "标准是多少？"}])
        assert reply.model == model
        cited = {ref["doc_id"] for ref in reply.model_extra["references"]}  # type: ignore[index]
        assert cited <= {doc_id}, (model, cited)
    content = client.chat.completions.create(
        model="policyqa", messages=[{"role": "user", "content": "广州城乡最低生活保障标准是每人每月多少元？"}]
    ).choices[0].message.content
    assert "（《低保标准》）" in (content or "")


def test_bad_uploads_are_refused_and_the_library_is_unchanged(served: tuple[str, Settings]) -> None:
    url, settings = served
    before = files(settings)
    huzhou = settings.corpus_dir / "huzhou-jinxiyi-action-plan-2024.txt"
    cases = [
        (upload(url, huzhou, "again.txt"), 409, "duplicate_document"),
        (upload(url, LONGER.read_bytes() * 8, "big.md"), 413, "too_large"),
        (upload(url, b"\x00\x01\x02\x03", "x.txt"), 422, "bad_document"),
        (upload(url, SMALL, "x.pdf"), 422, "bad_document"),
        (upload(url, SMALL, "x.txt", doc_id="../../etc"), 422, "bad_document"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code and response.json()["error"]["message"]
    missing = httpx.post(f"{url}/admin/documents", headers=AUTH, timeout=10)
    assert missing.status_code == 422 and "缺少" in missing.json()["error"]["message"]
    assert files(settings) == before
    assert httpx.get(f"{url}/admin/reindex", headers=AUTH, timeout=10).json()["state"] == "idle"


def test_a_path_in_the_file_name_stays_inside_the_library(served: tuple[str, Settings]) -> None:
    url, settings = served
    response = upload(url, SMALL, "../../../outside/notice.txt")
    assert response.status_code == 202, response.text
    assert response.json()["document"]["source"] == "notice.txt"
    assert (settings.corpus_dir / "notice.txt").exists()
    assert not (settings.corpus_dir.parent / "outside").exists()
    wait_for_rebuild(url)


def test_remove_and_reindex(served: tuple[str, Settings]) -> None:
    url, _ = served
    assert upload(url, SMALL, "dibao.txt").status_code == 202
    again = httpx.post(f"{url}/admin/reindex", headers=AUTH, timeout=10)
    assert again.status_code == 409 and again.json()["error"]["code"] == "rebuild_running"
    wait_for_rebuild(url)
    assert httpx.delete(f"{url}/admin/documents/nope", headers=AUTH, timeout=10).status_code == 404
    removed = httpx.delete(f"{url}/admin/documents/dibao", headers=AUTH, timeout=10)
    assert removed.status_code == 202 and removed.json()["removed"] == "dibao"
    wait_for_rebuild(url)
    assert [d["doc_id"] for d in httpx.get(f"{url}/api/documents", timeout=10).json()["documents"]] == [
        "huzhou-jinxiyi-2024"
    ]
    last = httpx.delete(f"{url}/admin/documents/huzhou-jinxiyi-2024", headers=AUTH, timeout=10)
    assert last.status_code == 422 and "唯一" in last.json()["error"]["message"]
    fresh = httpx.post(f"{url}/admin/reindex", headers=AUTH, timeout=10)
    assert fresh.status_code == 202
    assert wait_for_rebuild(url)["state"] == "done"
