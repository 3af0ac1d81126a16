"""policyqa over real HTTP on 127.0.0.1: the openai client, Dify, concurrency, LLM mode, `policyqa serve`."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import openai
import pytest

from api.app import create_app
from assistant.answer import Answerer
from assistant.settings import Settings

from .conftest import DOC_ID
from .servers import fake_llm, free_port, llm_answerer, running, serve_command, wait_until_ready

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(index_settings: Settings, answerer: Answerer) -> Iterator[str]:
    settings = index_settings.model_copy(update={"api_key": "secret"})
    with running(create_app(settings, answerer)) as url:
        yield url


KEY = {"Authorization": "Bearer secret"}


def test_the_api_key_protects_every_answering_route(base_url: str) -> None:
    calls = [
        ("POST", "/api/ask", {"question": "人才公寓计划建设多少平方米？", "mode": "llm"}),
        ("POST", "/api/search", {"query": "人才公寓"}),
        ("POST", "/api/fit", {"profile": "半导体企业"}),
        ("GET", "/api/documents", None),
        ("GET", f"/api/clauses/{DOC_ID}/二/三/3", None),
    ]
    for method, path, body in calls:
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            refused = httpx.request(method, base_url + path, json=body, headers=headers, timeout=30)
            assert refused.status_code == 401, (path, headers)
        assert (
            httpx.request(method, base_url + path, json=body, headers=KEY, timeout=60).status_code == 200
        ), path
    assert (
        httpx.post(f"{base_url}/api/ask", content=b"{bad json", timeout=30).status_code == 401
    )  # key before body
    for open_path in ("/", "/healthz", "/readyz"):
        assert httpx.get(base_url + open_path, timeout=30).status_code == 200


# -- OpenAI-compatible endpoint, with the official client ---------------------------------


def test_openai_client_non_stream(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret")
    assert [m.id for m in client.models.list()] == ["policyqa", "policyqa/huzhou-jinxiyi-2024"]
    reply = client.chat.completions.create(
        model="policyqa", messages=[{"role": "user", "content": "人才公寓计划建设多少平方米？"}]
    )
    content = reply.choices[0].message.content or ""
    assert "100万平方米" in content
    assert "参考条款：\n［二（三）3］ 二、（三）3. 建设上海人才高地战略支点城市" in content


def test_openai_client_stream_keeps_the_references(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret")
    stream = client.chat.completions.create(
        model="policyqa",
        messages=[{"role": "user", "content": "南浔区牵头的重大工程项目有哪些？"}],
        stream=True,
    )
    pieces, references = [], []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        references += (chunk.model_extra or {}).get("references") or []
    content = "".join(pieces)
    assert len(pieces) > 3
    assert "参考条款：" in content
    for marker in ("［清单·三·5］", "［清单·三·6］", "［清单·三·7］"):
        assert content.count(marker) == 2  # in the answer and in the reference list
    assert [r["locator"] for r in references] == ["清单/三/5", "清单/三/6", "清单/三/7"]


def test_openai_client_follow_up_uses_earlier_turns(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret")
    first = client.chat.completions.create(
        model="policyqa", messages=[{"role": "user", "content": "德清县的发展定位是什么？"}]
    )
    reply = client.chat.completions.create(
        model="policyqa",
        messages=[
            {"role": "system", "content": "请用中文回答"},
            {"role": "user", "content": "德清县的发展定位是什么？"},
            {"role": "assistant", "content": first.choices[0].message.content},
            {"role": "user", "content": [{"type": "text", "text": "那长兴县呢？"}]},
        ],
    )
    assert (reply.choices[0].message.content or "").startswith("长兴县")


def test_openai_endpoint_requires_the_key_when_set(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="wrong")
    with pytest.raises(openai.AuthenticationError):
        client.models.list()


# -- Dify external knowledge ---------------------------------------------------------------


def dify(base_url: str, body: dict[str, Any], token: str | None = "secret") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{base_url}/retrieval", json=body, headers=headers, timeout=30)


def test_dify_retrieval_records(base_url: str) -> None:
    body = {
        "knowledge_id": DOC_ID,
        "query": "人才公寓",
        "retrieval_setting": {"top_k": 3, "score_threshold": 0.5},
    }
    response = dify(base_url, body)
    assert response.status_code == 200
    records = response.json()["records"]
    assert 1 <= len(records) <= 3
    assert records[0]["metadata"]["locator"] == "二/三/3"
    assert "100万平方米人才公寓" in records[0]["content"]
    assert all(r["score"] >= 0.5 and isinstance(r["metadata"], dict) for r in records)
    assert all(value is not None for r in records for value in r["metadata"].values())


def test_dify_metadata_condition_filters_records(base_url: str) -> None:
    def records(condition: dict[str, Any]) -> list[dict[str, Any]]:
        body = {
            "knowledge_id": "policyqa",
            "query": "交通",
            "retrieval_setting": {"top_k": 5, "score_threshold": 0.0},
            "metadata_condition": condition,
        }
        response = dify(base_url, body)
        assert response.status_code == 200, response.text
        return list(response.json()["records"])

    rows = records(
        {"conditions": [{"name": ["locator"], "comparison_operator": "start with", "value": "清单/"}]}
    )
    assert rows and all(r["metadata"]["locator"].startswith("清单/") for r in rows)
    led = records(
        {"conditions": [{"name": ["lead_unit"], "comparison_operator": "contains", "value": "市交通运输局"}]}
    )
    assert led and all("市交通运输局" in r["metadata"]["lead_unit"] for r in led)
    either = {
        "logical_operator": "or",
        "conditions": [
            {"name": ["locator"], "comparison_operator": "start with", "value": "清单/"},
            {"name": ["doc_id"], "comparison_operator": "is", "value": "nope"},
        ],
    }
    assert [r["metadata"]["locator"] for r in records(either)] == [r["metadata"]["locator"] for r in rows]
    none = {"conditions": [{"name": ["date"], "comparison_operator": "before", "value": "2020-01-01"}]}
    assert records(none) == []
    bad = {
        "knowledge_id": "policyqa",
        "query": "交通",
        "retrieval_setting": {"top_k": 5, "score_threshold": 0.0},
        "metadata_condition": {
            "conditions": [{"name": ["doc_id"], "comparison_operator": "sounds like", "value": "x"}]
        },
    }
    assert dify(base_url, bad).status_code == 400


def test_dify_threshold_and_all_documents(base_url: str) -> None:
    body = {
        "knowledge_id": "policyqa",
        "query": "人才公寓",
        "retrieval_setting": {"top_k": 5, "score_threshold": 0.999},
    }
    assert dify(base_url, body).json() == {"records": []}


def test_a_wrong_dify_key_is_refused_before_the_body_is_read(base_url: str) -> None:
    response = httpx.post(
        f"{base_url}/retrieval", content=b"", headers={"Authorization": "Bearer wrong"}, timeout=30
    )
    assert response.status_code == 403 and response.json()["error_code"] == 1002


# What chat front-ends send (shapes recorded from Open WebUI: tool definitions with every
# request, its own "### Task:" prompts, long chats).
TOOLS = [
    {"type": "function", "function": {"name": f"tool_{i}", "description": "说明" * 200, "parameters": {}}}
    for i in range(20)
]  # about 25 KB, as Open WebUI sends
TITLE_PROMPT = (
    "### Task:\nGenerate a concise, 3-5 word title with an emoji summarizing the chat history.\n"
    "### Guidelines:\n"
    + "- Keep it short.\n"
    * 80
    + '### Output:\nJSON format: { "title": "your concise title here" }\n'
    "### Chat History:\n<chat_history>\nUSER: 人才公寓计划建设多少平方米？\nASSISTANT: 统筹安排建设100万平方米人才公寓。\n</chat_history>"
)
TAGS_PROMPT = TITLE_PROMPT.replace("title with an emoji", "set of 1-3 broad tags").replace(
    '"title"', '"tags"'
)


def test_a_long_chat_with_tool_definitions_keeps_working(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret")
    turns: list[Any] = []
    for _ in range(50):  # 100 earlier messages: beyond the old 60-message cap
        turns += [
            {"role": "user", "content": "德清县的发展定位是什么？"},
            {"role": "assistant", "content": "……"},
        ]
    reply = client.chat.completions.create(
        model="policyqa", messages=[*turns, {"role": "user", "content": "那长兴县呢？"}], tools=TOOLS
    )
    assert (reply.choices[0].message.content or "").startswith("长兴县")


def test_front_end_task_prompts_get_the_json_they_ask_for(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret")
    assert len(TITLE_PROMPT) > 1000
    title = client.chat.completions.create(
        model="policyqa", messages=[{"role": "user", "content": TITLE_PROMPT}]
    )
    assert json.loads(title.choices[0].message.content or "") == {"title": "人才公寓计划建设多少平方米"}
    tags = client.chat.completions.create(
        model="policyqa", messages=[{"role": "user", "content": TAGS_PROMPT}]
    )
    assert json.loads(tags.choices[0].message.content or "")["tags"]


def test_openai_errors_usage_and_n(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret")
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        client.chat.completions.create(model="policyqa", messages=[{"role": "user", "content": "问" * 1001}])
    assert caught.value.body["type"] == "invalid_request_error" and "过长" in caught.value.body["message"]  # type: ignore[index]
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{base_url}/v1", api_key="wrong").models.list()
    stream = client.chat.completions.create(
        model="policyqa",
        messages=[{"role": "user", "content": "人才公寓计划建设多少平方米？"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0 and not chunks[-1].choices
    two = client.chat.completions.create(
        model="policyqa", messages=[{"role": "user", "content": "人才公寓计划建设多少平方米？"}], n=2
    )
    assert [c.index for c in two.choices] == [0, 1]


def test_every_request_is_logged_for_operators_without_its_text(
    base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="policyqa.access"):
        ok = httpx.post(
            f"{base_url}/api/ask", json={"question": "人才公寓计划建设多少平方米？"}, headers=KEY, timeout=30
        )
        bad = httpx.post(f"{base_url}/api/ask", json={"question": ""}, headers=KEY, timeout=30)
    lines = [r.getMessage() for r in caplog.records if r.name == "policyqa.access"]
    assert any(ok.headers["x-request-id"] in line and "POST /api/ask 200" in line for line in lines)
    assert any(bad.headers["x-request-id"] in line and "POST /api/ask 422" in line for line in lines)
    assert not any("人才公寓" in line for line in lines)


def test_a_client_can_look_up_the_model_it_is_configured_with(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret")
    assert client.models.retrieve("policyqa").id == "policyqa"
    assert client.models.retrieve("policyqa/huzhou-jinxiyi-2024").id == "policyqa/huzhou-jinxiyi-2024"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(
            model="policyqa/nope", messages=[{"role": "user", "content": "人才公寓？"}]
        )


@pytest.mark.parametrize("query", ["今天天气怎么样？", "湖州2025年GDP是多少？", "你好"])
def test_dify_scores_are_relevance_so_out_of_scope_queries_return_nothing_at_half(
    base_url: str, query: str
) -> None:
    body = {
        "knowledge_id": "policyqa",
        "query": query,
        "retrieval_setting": {"top_k": 5, "score_threshold": 0.5},
    }
    assert dify(base_url, body).json() == {"records": []}


@pytest.mark.parametrize(
    ("token", "knowledge_id", "status", "code"),
    [
        (None, DOC_ID, 403, 1001),
        ("", DOC_ID, 403, 1001),
        ("wrong", DOC_ID, 403, 1002),
        ("secret", "nope", 404, 2001),
    ],
)
def test_dify_errors(base_url: str, token: str | None, knowledge_id: str, status: int, code: int) -> None:
    body = {
        "knowledge_id": knowledge_id,
        "query": "人才",
        "retrieval_setting": {"top_k": 3, "score_threshold": 0},
    }
    response = dify(base_url, body, token)
    assert response.status_code == status
    assert response.json()["error_code"] == code


# -- concurrency ---------------------------------------------------------------------------


def test_many_concurrent_requests_get_the_sequential_answers(base_url: str) -> None:
    questions = [
        "人才公寓计划建设多少平方米？",
        "德清县的发展定位是什么？",
        "市交通运输局牵头哪些事项？",
        "今天天气怎么样？",
    ] * 10
    with httpx.Client(timeout=60, headers=KEY) as http:
        expected = {
            q: http.post(f"{base_url}/api/ask", json={"question": q}).json()["answer"] for q in set(questions)
        }

        def ask(question: str) -> tuple[int, str, str]:
            response = http.post(f"{base_url}/api/ask", json={"question": question})
            return response.status_code, question, response.json()["answer"]

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(ask, questions))
    assert all(status == 200 for status, _, _ in results)
    assert all(answer == expected[question] for _, question, answer in results)


# -- LLM mode against a small OpenAI-compatible server -------------------------------------


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    with running(fake_llm()) as url:
        yield f"{url}/v1"


def test_llm_answer_keeps_only_known_citations(
    answerer: Answerer, llm_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = llm_answerer(answerer, llm_url, "cites").ask("人才公寓计划建设多少平方米？", mode="llm")
    assert answer.mode == "llm"
    assert answer.answer == "根据条款，统筹安排建设100万平方米人才公寓［二（三）3］，另见。"
    assert [c.locator for c in answer.citations] == ["二/三/3"]
    assert "九（九）9" in caplog.text


@pytest.mark.parametrize(("model", "timeout"), [("error", 10.0), ("slow", 1.0), ("silent", 10.0)])
def test_llm_failure_falls_back_to_extractive(
    answerer: Answerer, llm_url: str, model: str, timeout: float
) -> None:
    answer = llm_answerer(answerer, llm_url, model, timeout).ask("人才公寓计划建设多少平方米？", mode="llm")
    assert answer.mode == "extractive"
    assert "摘录模式" in (answer.notice or "")
    assert "100万平方米" in answer.answer


def test_an_llm_figure_its_clause_does_not_state_is_refused(answerer: Answerer, llm_url: str) -> None:
    answer = llm_answerer(answerer, llm_url, "inflates").ask("人才公寓计划建设多少平方米？", mode="llm")
    assert answer.mode == "extractive" and "1000万" not in answer.answer and "100万平方米" in answer.answer
    assert "数字" in (answer.notice or "")


def test_an_llm_unit_its_clause_does_not_name_is_refused(answerer: Answerer, llm_url: str) -> None:
    answer = llm_answerer(answerer, llm_url, "misnames").ask("人才公寓计划建设多少平方米？", mode="llm")
    assert answer.mode == "extractive" and "市财政局" not in answer.answer
    assert "单位名称" in (answer.notice or "")


def test_llm_markup_never_reaches_the_answer(answerer: Answerer, llm_url: str) -> None:
    answer = llm_answerer(answerer, llm_url, "markup").ask("人才公寓计划建设多少平方米？", mode="llm")
    assert answer.mode == "llm" and answer.answer == "统筹安排建设100万平方米人才公寓［二（三）3］。"


def test_slow_llm_does_not_block_the_event_loop(
    index_settings: Settings, answerer: Answerer, llm_url: str
) -> None:
    app = create_app(index_settings, llm_answerer(answerer, llm_url, "slow", 5))
    with running(app) as url, ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(
            httpx.post,
            f"{url}/api/ask",
            json={"question": "人才公寓计划建设多少平方米？", "mode": "llm"},
            timeout=30,
        )
        time.sleep(0.5)
        started = time.perf_counter()
        assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        assert time.perf_counter() - started < 0.5
        assert not slow.done()
        assert slow.result().json()["mode"] == "llm"


# -- the real command ---------------------------------------------------------------------


def test_policyqa_serve_end_to_end(private_settings: Settings) -> None:
    port = free_port()
    env = {
        **os.environ,
        "POLICYQA_CORPUS_DIR": str(private_settings.corpus_dir),
        "POLICYQA_INDEX_DIR": str(private_settings.index_dir),
    }
    server = serve_command(port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, server)
        body = httpx.post(
            f"{base}/api/ask", json={"question": "人才公寓计划建设多少平方米？"}, timeout=30
        ).json()
        assert "100万平方米" in body["answer"]
        assert body["citations"][0]["locator"] == "二/三/3"
        assert (private_settings.index_dir / "current" / "manifest.json").exists()
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_dify_retrieval_is_routed_like_an_answer(base_url: str) -> None:
    """A question about the document's number or structure gets the clause that states it;
    a question the answerer declines gets no record above the answer's own relevance."""

    def records(query: str) -> list[dict[str, Any]]:
        body = {"knowledge_id": "policyqa", "query": query, "retrieval_setting": {"top_k": 3, "score_threshold": 0.5}}
        response = httpx.post(f"{base_url}/retrieval", json=body, headers=KEY, timeout=30)
        assert response.status_code == 200
        return list(response.json()["records"])

    assert "湖政办发〔2024〕28号" in records("文号是什么？")[0]["content"]
    assert [r["metadata"]["locator"] for r in records("有哪些重点任务？")][:1] == ["二"]
    assert records("2024年湖州财政收入是多少？") == []


def test_langchain_chat_openai_talks_to_policyqa(base_url: str) -> None:
    """LangChain's ChatOpenAI, pointed at policyqa: invoke, stream and a conversation."""
    from langchain_core.messages import AIMessage, HumanMessage
    from langchain_openai import ChatOpenAI

    chat = ChatOpenAI(base_url=f"{base_url}/v1", api_key="secret", model="policyqa", max_retries=0)  # type: ignore[arg-type]
    assert "100万平方米" in str(chat.invoke("人才公寓计划建设多少平方米？").content)
    streamed = "".join(str(chunk.content) for chunk in chat.stream("人才公寓计划建设多少平方米？"))
    assert "100万平方米" in streamed and "参考条款" in streamed
    first = chat.invoke("德清县的发展定位是什么？")
    follow = chat.invoke([HumanMessage("德清县的发展定位是什么？"), AIMessage(str(first.content)), HumanMessage("那长兴县呢？")])
    assert "长兴" in str(follow.content)
