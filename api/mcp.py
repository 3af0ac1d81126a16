"""policyqa as an MCP server, so agent clients (Claude Desktop, Cursor, any MCP client) can
search clauses, ask with citations, read a clause, list documents and check policy fit.

    policyqa mcp              # stdio, what desktop clients launch
    policyqa mcp --http 8765  # streamable HTTP on 127.0.0.1:8765/mcp

An optional extra (`pip install 'policyqa[mcp]'`, the official SDK `mcp` 2.x). The tools
return the same JSON as the HTTP API; the index is loaded once, at the first call.
"""

from __future__ import annotations

import threading
from typing import Any

from api.schemas import CitationOut
from assistant.answer import Answerer
from assistant.errors import PolicyQAError
from assistant.fit import FitMatcher
from assistant.fit_report import fit_to_json
from assistant.service import load_answerer, load_fit_matcher
from assistant.settings import Settings

try:  # an optional extra: a bad argument is reported to the client as a tool error, in Chinese
    from mcp.server.mcpserver.exceptions import ToolError
except ImportError:  # pragma: no cover - depends on the installed extras
    ToolError = ValueError  # type: ignore[misc,assignment]

INSTRUCTIONS = (
    "Answers questions about Chinese government policy documents in Chinese, in the documents' own words. "
    "Every answer cites its clauses as ［marker］; quote them with the answer. Use search_clauses to find "
    "clauses, ask for a cited answer, get_clause to read one clause, list_documents for what the library holds, "
    "policy_fit to match an enterprise profile to clauses."
)


class Loaded:
    """The answerer and fit matcher, loaded on first use (a desktop client starts the server early)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._answerer: Answerer | None = None
        self._fit: FitMatcher | None = None

    def answerer(self) -> Answerer:
        with self._lock:
            if self._answerer is None:
                self._answerer = load_answerer(self.settings, progress=False)
            return self._answerer

    def fit(self) -> FitMatcher:
        answerer = self.answerer()
        with self._lock:
            if self._fit is None:
                self._fit = load_fit_matcher(self.settings, answerer)
            return self._fit


def _known(answerer: Answerer, doc_ids: list[str] | None) -> list[str] | None:
    unknown = [d for d in doc_ids or () if d not in answerer.documents]
    if unknown:
        raise ToolError(f"未找到文档：{'、'.join(unknown)}；可用文档见 list_documents")
    return doc_ids or None


def build_server(settings: Settings) -> Any:
    """An MCPServer with policyqa's tools (mcp is imported here: it is an optional extra)."""
    try:
        from mcp.server.mcpserver import MCPServer
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise PolicyQAError("the MCP server needs the mcp extra: pip install 'policyqa[mcp]'") from exc

    loaded = Loaded(settings)
    server = MCPServer("policyqa", instructions=INSTRUCTIONS)

    @server.tool()
    def search_clauses(query: str, top_k: int = 5, doc_ids: list[str] | None = None) -> dict[str, Any]:
        """检索条款：与查询最相关的条款（含定位、标题、原文、相关度）。doc_ids 限定文档。"""
        answerer = loaded.answerer()
        if not query.strip():
            raise ToolError("查询不能为空")
        hits = answerer.search(query, max(1, min(top_k, 20)), _known(answerer, doc_ids))
        return {"hits": [hit.to_json() for hit in hits]}

    @server.tool()
    def ask(question: str, doc_ids: list[str] | None = None) -> dict[str, Any]:
        """用文件原文回答问题，每句附条款出处（［标记］）；文件未涉及时明确说明。"""
        answerer = loaded.answerer()
        if not question.strip() or len(question) > 1000:
            raise ToolError("问题不能为空，最多 1000 个字符")
        answer = answerer.ask(question, doc_ids=_known(answerer, doc_ids))
        return {
            "answer": answer.answer,
            "abstained": answer.abstained,
            "kind": answer.kind,
            "relevance": round(answer.relevance, 4),
            "citations": [CitationOut.of(c).model_dump() for c in answer.citations],
        }

    @server.tool()
    def get_clause(doc_id: str, locator: str) -> dict[str, Any]:
        """按文档编号和定位（如 二/三/3、第十条/第二款）读取一个条款的全文。"""
        answerer = loaded.answerer()
        _known(answerer, [doc_id])
        clause = answerer.clauses.get((doc_id, locator.strip("/")))
        if clause is None:
            raise ToolError(f"文档 {doc_id} 中没有定位为 {locator} 的条款")
        return {
            "doc_id": doc_id,
            "document_title": answerer.documents[doc_id].meta.title,
            "locator": clause.locator,
            "marker": clause.marker,
            "label": clause.label,
            "breadcrumb": list(clause.breadcrumb),
            "lead_unit": clause.lead_unit,
            "text": clause.text,
        }

    @server.tool()
    def list_documents() -> dict[str, Any]:
        """文件库中的文档：编号、标题、简称、文号、发文机关、日期、条款数。"""
        answerer = loaded.answerer()
        return {
            "documents": [
                {
                    "doc_id": doc.meta.doc_id,
                    "title": doc.meta.title,
                    "short_title": doc.meta.short_name,
                    "number": doc.meta.number,
                    "issuer": doc.meta.issuer,
                    "date": doc.meta.date,
                    "clauses": len(doc.clauses),
                }
                for doc in answerer.documents.values()
            ]
        }

    @server.tool()
    def policy_fit(
        profile: str,
        district: str = "",
        industry: str = "",
        top_k: int = 10,
        doc_ids: list[str] | None = None,
    ) -> dict[str, Any]:
        """企业政策匹配：按企业自述找出相关条款、支持措施（金额、比例、条件）与牵头单位。"""
        if not profile.strip():
            raise ToolError("企业描述不能为空")
        answerer = loaded.answerer()
        result = loaded.fit().fit(
            profile, district, industry, max(1, min(top_k, 50)), _known(answerer, doc_ids)
        )
        return fit_to_json(result)

    return server
