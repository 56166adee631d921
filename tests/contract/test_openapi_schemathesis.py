"""The OpenAPI document tells the truth (issue 10 §3): Schemathesis generates schema-valid
requests for every operation of /v1/openapi.json and sends them to the local stack.

It fails on any 5xx, a status the operation does not document, a Content-Type or body the
document does not promise, and a schema-valid request rejected as invalid (a 422 from request
validation: the schema must say what the server accepts). Semantic 422s the schema cannot
express (Mermaid that does not parse, a diagram too complex to render, a password on the deny
list, a folder or template id that does not exist, an Idempotency-Key reused with another body)
carry their own problem types and are allowed. Bounded: MAX_EXAMPLES per operation, about a minute in all.

Requests come from 127.0.0.2, so the per-IP limits they trip (login, render) do not touch the
rest of the suite, which talks from 127.0.0.1. Each operation signs up a user of its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from requests.adapters import HTTPAdapter
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.helpers import unique_email

OPENAPI = Path(__file__).resolve().parents[2] / "functions" / "platform" / "openapi.json"
MAX_EXAMPLES = 6
SOURCE_IP = "127.0.0.2"
# Rejections a schema cannot promise away: an opaque cursor or token that is not ours (400),
# a missing or forbidden thing (401/403/404/410), state (409/412/428), limits (413/429).
ACCEPTABLE = {400, 401, 403, 404, 409, 410, 412, 413, 428, 429}
SEMANTIC_422 = ("/invalid-diagram", "/render-too-complex", "/weak-password", "/unknown-reference",
                "/idempotency-key-reused")


class _FromSourceIp(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (SOURCE_IP, 0)
        super().init_poolmanager(*args, **kwargs)


@pytest.fixture(scope="session")
def live_schema(stack: Any) -> Any:
    document = httpx.get(f"{stack.url}/v1/openapi.json").json()
    loaded = schemathesis.openapi.from_dict(document)
    loaded.config.update(base_url=stack.url, request_timeout=30)
    loaded.config.generation.update(modes=["positive"], max_examples=MAX_EXAMPLES, deterministic=True)
    return loaded


@pytest.fixture(scope="session")
def session() -> requests.Session:
    http = requests.Session()
    http.mount("http://", _FromSourceIp())
    return http


def _fresh_user(base_url: str, http: requests.Session) -> dict[str, str]:
    resp = http.post(f"{base_url}/v1/auth/register",
                     json={"email": unique_email("fuzz"), "password": "correct-horse-battery"})
    assert resp.status_code == 201, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def schema_valid_request_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """Like Schemathesis' positive_data_acceptance, but a semantic 422 (its own problem type)
    is fine, and a request-validation 422 for schema-valid input never is."""
    status = response.status_code
    if status < 400 or status in ACCEPTABLE or status >= 500:  # 5xx: not_a_server_error reports it
        return None
    if status == 422:
        try:
            problem_type = json.loads(response.content or b"{}").get("type", "")
        except ValueError:
            problem_type = ""
        if problem_type.endswith(SEMANTIC_422):
            return None
    raise AssertionError(f"schema-valid request rejected with {status}: {response.content[:300]!r}")


# The committed document (a contract test keeps it equal to what the apps generate) names the
# operations at collection time; each runs with the live stack's copy.
OPERATIONS = [f"{method.upper()} {path}" for path, ops in json.loads(OPENAPI.read_text())["paths"].items()
              for method in ops]


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_keeps_its_contract(label: str, live_schema: Any, session: requests.Session,
                                            stack: Any) -> None:
    operation = live_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the served /v1/openapi.json"
    secured = bool(operation.definition.raw.get("security"))

    # One user per operation: an example may revoke its tokens (logout-all), then the rest get
    # 401s, which is still a documented answer.
    headers = _fresh_user(stack.url, session) if secured else {}

    @settings(deadline=None, max_examples=MAX_EXAMPLES, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    def check(case: Any) -> None:
        case.call_and_validate(session=session, headers=headers, excluded_checks=[positive_data_acceptance],
                               additional_checks=[schema_valid_request_accepted])

    check()
