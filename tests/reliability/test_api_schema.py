"""Schemathesis against the live server's own /api/openapi.json: generated requests for every operation, served
by gunicorn with the project's config; no 5xx, and every 4xx is a JSON error with a message.

Cases are drawn from schemathesis' strategies and run with plain hypothesis (its pytest plugin does not load
with this pytest), one test per operation."""
from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

GATEWAY_LIMIT = 8190  # gunicorn's limit_request_line: longer request lines are refused by gunicorn itself
OPERATIONS = ("/api/search", "/api/doc/{collection}/{number}", "/api/names", "/healthz")


@pytest.fixture(scope="module")
def api_schema(live):
    return schemathesis.openapi.from_url(f"{live.base}/api/openapi.json")


def test_the_schema_lists_the_operations_under_test(api_schema):
    assert set(OPERATIONS) <= {path for path, _ in api_schema.items()}


def four_xx_is_a_json_error(ctx, response, case):
    if 400 <= response.status_code < 500:
        payload = response.json()
        assert payload["error"]["message"], f"4xx without a message: {payload}"
        assert payload["error"]["status"] == response.status_code


# Negative cases need a constraint to break; the document path and /healthz have none.
@pytest.mark.parametrize("path, mode", [(path, "positive") for path in OPERATIONS]
                         + [("/api/search", "negative"), ("/api/names", "negative")])
def test_generated_requests_never_fail(api_schema, live, path, mode):
    """Valid requests (positive) and requests breaking the schema on purpose (negative)."""
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error

    operation = api_schema[path]["GET"]
    session = requests.Session()
    sent = []

    @settings(max_examples=150 if path == "/api/search" else 40, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
    def run(case):
        response = case.call(session=session, timeout=30)
        sent.append(response.status_code)
        if len(response.request.url) >= GATEWAY_LIMIT - 100:
            assert response.status_code in (400, 414)  # gunicorn's own refusal; test_limits checks it
            return
        case.validate_response(response, checks=[not_a_server_error], additional_checks=[four_xx_is_a_json_error])

    run()
    assert sent and max(sent) < 500
