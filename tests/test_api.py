"""The HTTP API through a test client: answers, browsing, and bad input that must never 500."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from assistant.answer import Answerer
from assistant.settings import Settings

from .conftest import DOC_ID

pytestmark = pytest.mark.slow
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def client(index_settings: Settings, answerer: Answerer) -> Iterator[TestClient]:
    with TestClient(create_app(index_settings, answerer)) as test_client:
        yield test_client


def test_cors_answers_allowed_origins_only(index_settings: Settings, answerer: Answerer) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    settings = index_settings.model_copy(update={"cors_origins": "http://chat.example"})
    with TestClient(create_app(settings, answerer)) as cors_client:
        allowed = cors_client.options("/v1/chat/completions", headers={"Origin": "http://chat.example", **preflight})
        other = cors_client.options("/v1/chat/completions", headers={"Origin": "http://evil.example", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://chat.example"
    assert "access-control-allow-origin" not in other.headers
    with TestClient(create_app(index_settings, answerer)) as same_origin_only:
        response = same_origin_only.options("/v1/chat/completions", headers={"Origin": "http://chat.example", **preflight})
    assert "access-control-allow-origin" not in response.headers


def test_answers_and_hits_carry_a_calibrated_relevance(client: TestClient) -> None:
    answered = client.post("/api/ask", json={"question": "人才公寓计划建设多少平方米？"}).json()
    refused = client.post("/api/ask", json={"question": "今天天气怎么样？"}).json()
    assert answered["relevance"] > 0.5 > refused["relevance"]
    assert 0 <= answered["citations"][0]["relevance"] <= 1
    hits = client.post("/api/search", json={"query": "人才公寓", "top_k": 5}).json()["hits"]
    off_topic = client.post("/api/search", json={"query": "今天天气怎么样？", "top_k": 5}).json()["hits"]
    assert max(h["relevance"] for h in hits) > 0.5 > max(h["relevance"] for h in off_topic)


def test_ask_returns_answer_with_citations(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "人才公寓计划建设多少平方米？"})
    assert response.status_code == 200
    body = response.json()
    assert "100万平方米" in body["answer"]
    assert body["abstained"] is False
    assert body["mode"] == "extractive"
    citation = body["citations"][0]
    assert citation["locator"] == "二/三/3"
    assert set(citation) >= {
        "doc_id",
        "locator",
        "label",
        "breadcrumb",
        "text",
        "lead_unit",
        "score",
        "marker",
    }
    assert body["timing_ms"] > 0


def test_ask_follows_up_with_history(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": "共建长三角一流营商环境的主要内容是什么？"}).json()
    history = [
        {"role": "user", "content": "共建长三角一流营商环境的主要内容是什么？"},
        {"role": "assistant", "content": first["answer"]},
    ]
    body = client.post("/api/ask", json={"question": "它的牵头单位是谁？", "history": history}).json()
    assert "市委改革办（市委生态文明办）" in body["answer"]


def test_ask_abstains_on_weather(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": "今天天气怎么样？"}).json()
    assert body["abstained"] is True
    assert len(body["citations"]) <= 3


def test_llm_mode_without_endpoint_says_so(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": "人才公寓计划建设多少平方米？", "mode": "llm"}).json()
    assert body["mode"] == "extractive"
    assert "未配置大模型" in body["notice"]


def test_search_returns_hits(client: TestClient) -> None:
    body = client.post("/api/search", json={"query": "德清县对接上海的重点是什么", "top_k": 3}).json()
    assert [h["locator"] for h in body["hits"]][0] == "二/一/3"
    assert len(body["hits"]) == 3
    assert all(0 < h["score"] <= 1 for h in body["hits"])


def test_documents_have_a_table_of_contents(client: TestClient) -> None:
    (document,) = client.get("/api/documents").json()["documents"]
    assert document["doc_id"] == DOC_ID
    assert document["number"] == "湖政办发〔2024〕28号"
    top = [node["locator"] for node in document["toc"]]
    assert top == ["通知", "前言", "一", "二", "三", "清单"]
    part_two = document["toc"][3]
    assert [n["locator"] for n in part_two["children"]][:2] == ["二/一", "二/二"]
    assert part_two["children"][2]["children"][2]["label"] == "二、（三）3. 建设上海人才高地战略支点城市"


def test_clause_with_breadcrumb_parent_and_children(client: TestClient) -> None:
    body = client.get(f"/api/clauses/{DOC_ID}/二/三/3").json()
    assert body["breadcrumb"] == [
        "二、重点任务",
        "（三）构建开放创新生态，助力打造势能更强的活力新湖州",
        "3. 建设上海人才高地战略支点城市",
    ]
    assert body["parent"] == {
        "locator": "二/三",
        "label": "（三）构建开放创新生态，助力打造势能更强的活力新湖州",
    }
    assert body["marker"] == "［二（三）3］"
    row = client.get(f"/api/clauses/{DOC_ID}/清单/三/2").json()
    assert row["lead_unit"] == "市交通运输局、吴兴区、德清县"
    assert row["fields"]["重大事项"] == "湖州市低空经济高质量发展项目"


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["clauses"] == 75


def test_not_ready_until_the_index_is_loaded(index_settings: Settings) -> None:
    app = create_app(index_settings)  # lifespan not run: nothing loaded
    plain = TestClient(app)
    assert plain.get("/readyz").status_code == 503
    response = plain.post("/api/ask", json={"question": "人才公寓"})
    assert response.status_code == 503
    assert response.json()["error"]["message"] == "服务正在加载索引，请稍后再试"


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/search", "/api/documents", "/v1/chat/completions", "/retrieval"} <= set(paths)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/ask", {"question": ""}, 422),
        ("/api/ask", {"question": "   \u3000 "}, 422),
        ("/api/ask", {"question": "问" * 1001}, 422),
        ("/api/ask", {"question": "人才", "top_k": 0}, 422),
        ("/api/ask", {"question": "人才", "top_k": 21}, 422),
        ("/api/ask", {"question": "人才", "top_k": "many"}, 422),
        ("/api/ask", {"question": "人才", "history": [{"role": "bot", "content": "x"}]}, 422),
        ("/api/ask", {"question": "人才", "history": [{"role": "user"}]}, 422),
        ("/api/ask", {"question": "人才", "history": "not a list"}, 422),
        ("/api/ask", {"question": "人才", "mode": "magic"}, 422),
        ("/api/ask", {"question": "人才", "doc_ids": ["no-such-doc"]}, 404),
        ("/api/ask", {}, 422),
        ("/api/ask", [1, 2], 422),
        ("/api/search", {"query": ""}, 422),
        ("/api/search", {"query": "人才", "doc_ids": ["x"]}, 404),
        ("/v1/chat/completions", {"messages": []}, 422),
        ("/v1/chat/completions", {"messages": [{"role": "assistant", "content": "hi"}]}, 422),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": " "}]}, 422),
    ],
)
def test_bad_input_is_4xx_with_chinese_message(
    client: TestClient, path: str, body: object, status: int
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == status
    assert CHINESE.search(response.json()["error"]["message"])


def test_unknown_document_and_locator_are_404(client: TestClient) -> None:
    for url, message in (
        (f"/api/clauses/{DOC_ID}/二/九/9", "未找到条款"),
        ("/api/clauses/nope/一", "未找到文档"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert message in response.json()["error"]["message"]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "请求体不是合法的 JSON"


def test_body_over_64_kb_is_413(client: TestClient) -> None:
    big = json.dumps({"question": "问" * 40000}).encode()
    response = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "64 KB" in response.json()["error"]["message"]


def test_chunked_body_over_64_kb_is_413(client: TestClient) -> None:
    def pieces() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(20):
            yield b"a" * 4096
        yield b'"}'

    response = client.post("/api/ask", content=pieces(), headers={"content-type": "application/json"})
    assert response.status_code == 413


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 50)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "question": _JSON | st.text(max_size=40),
        "query": _JSON | st.text(max_size=40),
        "history": _JSON,
        "top_k": _JSON,
        "mode": _JSON,
        "doc_ids": _JSON,
        "messages": _JSON,
        "knowledge_id": _JSON,
        "retrieval_setting": _JSON,
        "stream": _JSON,
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["/api/ask", "/api/search", "/v1/chat/completions", "/retrieval"]),
    body=_FIELDS | _JSON,
)
def test_no_input_produces_a_500(client: TestClient, path: str, body: object) -> None:
    response = client.post(path, json=body, headers={"Authorization": "Bearer k"})
    assert response.status_code < 500, response.text


def test_fit_endpoint(client: TestClient) -> None:
    body = client.post("/api/fit", json={"profile": "我们是一家做预制菜的食品企业", "top_k": 5}).json()
    assert body["profile_terms"]["industries"] == ["未来食品"]
    assert body["matches"][0]["locator"] == "清单/三/7"
    assert body["matches"][0]["lead_unit"] == "南浔区"
    assert len(body["matches"]) == 5
    assert body["summary"]


@pytest.mark.parametrize("body", [{"profile": ""}, {"profile": "  "}, {}, {"profile": "x", "top_k": 0}])
def test_fit_rejects_empty_profile(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/api/fit", json=body)
    assert response.status_code == 422
    assert CHINESE.search(response.json()["error"]["message"])


def test_the_openapi_document_is_readable_by_tools(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["servers"] and spec["servers"][0]["url"]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {"type": "http", "scheme": "bearer", "description": "POLICYQA_API_KEY"}
    assert "AdminKey" in schemes
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"ask", "search", "chat_completions", "retrieval", "fit", "upload_document"} <= set(ids)
    assert spec["paths"]["/api/ask"]["post"]["security"] == [{"ApiKey": []}]


def test_small_protocol_details(client: TestClient) -> None:
    """405 names the allowed methods; a bad byte is placed exactly; a blank field is named."""
    wrong_method = client.get("/api/ask")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    body = '{"question": "人才'.encode() + b"\xff" + '公寓"}'.encode()
    bad = client.post("/api/ask", content=body, headers={"Content-Type": "application/json"})
    at = len('{"question": "人才'.encode()) + 1
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_encoding"
    assert f"第 {at} 个字节" in bad.json()["error"]["message"]
    assert client.post("/api/search", json={"query": "\t"}).json()["error"]["message"] == "查询不能为空"


def test_the_openapi_document_lists_every_status_a_route_returns(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        if path in ("/healthz", "/readyz"):
            continue
        for method, operation in operations.items():
            listed = set(operation["responses"])
            assert {"400", "408", "413", "422", "429", "503"} <= listed, (method, path)
            assert listed & {"401", "403"}, (method, path)


def test_every_operation_has_a_response_model_and_every_body_an_example(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            success = next(v for k, v in operation["responses"].items() if k.startswith("2"))
            assert any("schema" in media and media["schema"] for media in success["content"].values()), (method, path)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                assert resolve(spec, body["schema"]).get("examples"), (method, path)
            examples = [
                *(p.get("examples") or p.get("schema", {}).get("examples") for p in operation.get("parameters", [])),
                *(resolve(spec, m["schema"]).get("examples") for m in success["content"].values() if "schema" in m),
                *(m.get("example") for m in success["content"].values()),
            ]
            assert body or any(examples), f"{method} {path} shows no example"


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A schema, or the component its $ref names."""
    if "$ref" in schema:
        return dict(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    return schema
