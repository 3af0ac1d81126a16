"""`policyqa mcp` driven by the MCP SDK's own client over stdio, as a desktop agent runs it."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from assistant.settings import Settings

from .conftest import DOC_ID

pytestmark = pytest.mark.slow


def payload(result: Any) -> dict[str, Any]:
    if result.structured_content is not None:
        return dict(result.structured_content)
    return dict(json.loads(result.content[0].text))


async def session(settings: Settings) -> dict[str, Any]:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "assistant.cli", "mcp"],
        env={
            **os.environ,
            "POLICYQA_CORPUS_DIR": str(settings.corpus_dir),
            "POLICYQA_INDEX_DIR": str(settings.index_dir),
        },
    )
    async with Client(server, read_timeout_seconds=300) as client:
        tools = await client.list_tools()
        answer = await client.call_tool("ask", {"question": "人才公寓计划建设多少平方米？"})
        hits = await client.call_tool("search_clauses", {"query": "人才公寓", "top_k": 3})
        clause = await client.call_tool("get_clause", {"doc_id": DOC_ID, "locator": "二/三/3"})
        documents = await client.call_tool("list_documents", {})
        fit = await client.call_tool("policy_fit", {"profile": "我们是南浔区的一家半导体材料企业"})
        unknown = await client.call_tool("ask", {"question": "人才公寓？", "doc_ids": ["nope"]})
        missing = await client.call_tool("get_clause", {"doc_id": DOC_ID, "locator": "九/九/9"})
        return {
            "tools": sorted(tool.name for tool in tools.tools),
            "answer": payload(answer),
            "hits": payload(hits),
            "clause": payload(clause),
            "documents": payload(documents),
            "fit": payload(fit),
            "unknown": unknown,
            "missing": missing,
        }


def test_an_mcp_client_over_stdio_gets_cited_answers(private_settings: Settings) -> None:
    seen = asyncio.run(session(private_settings))
    assert seen["tools"] == ["ask", "get_clause", "list_documents", "policy_fit", "search_clauses"]
    answer = seen["answer"]
    assert "100万平方米" in answer["answer"] and answer["citations"][0]["locator"] == "二/三/3"
    assert seen["hits"]["hits"][0]["locator"] == "二/三/3"
    assert seen["clause"]["marker"] == "［二（三）3］" and "人才公寓" in seen["clause"]["text"]
    assert [d["doc_id"] for d in seen["documents"]["documents"]] == [DOC_ID]
    assert seen["fit"]["matches"] and seen["fit"]["profile_terms"]["districts"] == ["南浔区"]
    assert seen["unknown"].is_error and "未找到文档：nope" in seen["unknown"].content[0].text
    assert seen["missing"].is_error and "没有定位为 九/九/9 的条款" in seen["missing"].content[0].text
