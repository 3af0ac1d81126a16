"""Schemathesis over the OpenAPI document: generated requests, every check, zero failures.

Bounded (a few dozen examples per operation) so CI stays quick; the administrator endpoints
stay off here (no POLICYQA_ADMIN_KEY), so generated uploads never touch the corpus.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from api.app import create_app
from assistant.answer import Answerer
from assistant.settings import Settings

pytestmark = pytest.mark.slow

KEY = "fuzz-key"
# The chat protocol has one rule JSON Schema cannot state: the conversation ends with the
# user's question (a non-blank last user message). A generated chat that breaks it gets a 422
# that the positive-data check would call wrong; every other check runs on this operation too.
CHAT = "POST /v1/chat/completions"
EXAMPLES = 25


@pytest.fixture(scope="module")
def api_schema(index_settings: Settings, answerer: Answerer) -> schemathesis.BaseSchema:
    app = create_app(index_settings.model_copy(update={"api_key": KEY, "admin_key": ""}), answerer)
    app.state.service.start_loading()  # what the lifespan does: the fit matcher
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_operation_conforms_to_its_schema(api_schema: schemathesis.BaseSchema) -> None:
    """Each operation in turn (schemathesis' pytest plugin does not load under this pytest)."""
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def conforms(case: schemathesis.Case) -> None:
            excluded = [positive_data_acceptance] if case.operation.label == CHAT else []
            case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, excluded_checks=excluded)

        try:
            conforms()
        except (Exception, BaseExceptionGroup) as exc:  # report every failing operation, not only the first
            failures[operation.label] = str(exc)[:2000]
    assert len(operations) >= 14
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())
