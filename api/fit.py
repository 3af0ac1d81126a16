"""Policy fit for enterprises: POST /api/fit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.keys import ApiKeyDep
from api.openapi_models import FitResponse
from api.routes import check_doc_ids
from api.schemas import NOT_BLANK, error_responses, not_blank
from api.state import FitDep
from assistant.fit_report import fit_to_json

router = APIRouter(tags=["政策匹配"])


class FitRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"profile": "我们是德清县的地理信息企业，想了解研发补助和人才政策", "top_k": 10}]
        }
    )

    profile: str = Field(
        min_length=1, max_length=2000, description="企业自述：做什么、在哪里、需要什么", json_schema_extra=NOT_BLANK
    )
    district: str = Field(default="", max_length=50)
    industry: str = Field(default="", max_length=100)
    top_k: int = Field(default=10, ge=1, le=50)
    doc_ids: list[str] | None = Field(
        default=None, max_length=50, description="只在这些文档中匹配；不填则匹配全部文档"
    )

    _profile = field_validator("profile")(not_blank)


@router.post(
    "/api/fit",
    dependencies=[ApiKeyDep],
    responses={200: {"model": FitResponse}, **error_responses(401, 404)},
)
def fit(request: FitRequest, matcher: FitDep) -> Any:
    """企业描述 → 各文件中的相关条款（分主题、附匹配原因、牵头单位、文件名、结构化的支持措施）。

    响应结构见 assistant.fit_report.fit_to_json；doc_ids 中有未知文档时返回 404。
    """
    check_doc_ids(matcher.answerer, request.doc_ids)
    result = matcher.fit(request.profile, request.district, request.industry, request.top_k, request.doc_ids)
    return JSONResponse(fit_to_json(result))
