"""POLICYQA_API_KEY: when set, every route that answers from the documents needs it as a Bearer token.

The chat page, /healthz and /readyz stay open; the page asks for the key when a call is refused.
Keys are compared in constant time.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError
from api.state import ServiceState, get_state


def check_bearer(state: ServiceState, authorization: str | None) -> None:
    """With POLICYQA_API_KEY set, require it as a Bearer token."""
    expected = state.settings.api_key
    if expected and not hmac.compare_digest((authorization or "").encode(), f"Bearer {expected}".encode()):
        raise ApiError(401, "unauthorized", "API 密钥无效或缺失（Authorization: Bearer <密钥>）")


# Declared for the OpenAPI document (a Bearer security scheme clients and Dify's tool import
# read); the check itself reads the header, so a missing key gives our 401, not FastAPI's 403.
API_BEARER = HTTPBearer(auto_error=False, scheme_name="ApiKey", description="POLICYQA_API_KEY")
ADMIN_BEARER = HTTPBearer(auto_error=False, scheme_name="AdminKey", description="POLICYQA_ADMIN_KEY")
Credentials = HTTPAuthorizationCredentials | None


def require_api_key(
    state: Annotated[ServiceState, Depends(get_state)],
    authorization: Annotated[str | None, Header()] = None,
    _: Annotated[Credentials, Security(API_BEARER)] = None,
) -> None:
    """A dependency: checked before the body is read or validated."""
    check_bearer(state, authorization)


ApiKeyDep = Depends(require_api_key)
ApiBearerDoc = Security(API_BEARER)  # for routes that check the key themselves (/v1/*)
