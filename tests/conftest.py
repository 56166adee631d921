"""Test harness: one embedded local stack (moto server + HTTP API from template.yaml) per session,
started only when a test asks for it, on free ports."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import unique_email

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "core"))
# bcrypt's cost does not change behaviour; 4 keeps hundreds of sign-ups fast. Production uses 12.
os.environ.setdefault("BCRYPT_ROUNDS", "4")
# The package validates its settings (autograph/config.py) and has no defaults for resource names:
# tests that import it without a stack get local names, which the `stack` fixture replaces with
# the resources it creates from template.yaml. Nothing answers at these queue URLs.
for _var, _value in {
    "AUTOGRAPH_AWS": "moto", "AWS_REGION": "us-east-1", "TABLE_NAME": "autograph-test-table",
    "IDEMPOTENCY_TABLE_NAME": "autograph-test-idempotency", "DIAGRAMS_BUCKET": "autograph-test-diagrams",
    "EXPORTS_BUCKET": "autograph-test-exports", "UPLOADS_BUCKET": "autograph-test-uploads",
    "RENDER_QUEUE_URL": "http://127.0.0.1:9/123456789012/autograph-test-render",
    "RENDER_DLQ_URL": "http://127.0.0.1:9/123456789012/autograph-test-render-dlq",
    "AI_QUEUE_URL": "http://127.0.0.1:9/123456789012/autograph-test-ai",
    "ACCOUNT_PURGE_QUEUE_URL": "http://127.0.0.1:9/123456789012/autograph-test-purge",
    "SIGNING_KEY_SECRET": "autograph-test-signing-key", "MAIL_SENDER": "no-reply@autograph.test",
    "PUBLIC_BASE_URL": "http://127.0.0.1:3000", "PUBLIC_BASE_URL_PARAMETER": "/autograph-test/public-base-url",
}.items():
    os.environ.setdefault(_var, _value)

# The AWS stand-in under the `stack` fixture: moto (default) or LocalStack (`make test-localstack`,
# i.e. AUTOGRAPH_AWS=localstack; LOCALSTACK_URL reuses a running one, else we start our own).
STAND_IN = os.environ.get("AUTOGRAPH_AWS", "moto")


def pytest_configure(config: pytest.Config) -> None:
    if STAND_IN not in ("moto", "localstack"):
        raise pytest.UsageError(f"AUTOGRAPH_AWS={STAND_IN}: tests run on moto or localstack")
    config.addinivalue_line("markers", "moto_only(reason): relies on a moto-only hook; the reason says which")
    config.addinivalue_line("markers", "localstack_only(reason): relies on a LocalStack-only hook")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if STAND_IN == "localstack":
        # Only what talks to the stack depends on the stand-in; the rest ran under `make test`.
        kept = [item for item in items if "stack" in getattr(item, "fixturenames", ())
                or item.get_closest_marker("localstack_only")]
        kept_ids = {id(item) for item in kept}
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept_ids])
        items[:] = kept
    other = "localstack_only" if STAND_IN == "moto" else "moto_only"
    for item in items:
        marker = item.get_closest_marker(other)
        if marker:
            why = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"{other.replace('_', '-')}: {why}"))


@pytest.fixture(scope="session")
def stack() -> Iterator[Any]:
    from infra.local.stack import LocalStack, free_port

    url = None
    if STAND_IN == "localstack":
        url = os.environ.get("LOCALSTACK_URL") or f"http://127.0.0.1:{free_port()}"
    local = LocalStack(port=0, target=STAND_IN, localstack_url=url).start()
    yield local
    local.stop()


@pytest.fixture(scope="session")
def api(stack: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        yield client


@pytest.fixture
def register(api: httpx.Client) -> Callable[..., dict[str, Any]]:
    """Sign up a fresh user; returns the token response plus `email`, `password` and `headers`."""

    def _register(
        email: str | None = None, password: str = "correct-horse-battery", name: str | None = "Ada",
    ) -> dict[str, Any]:
        email = email or unique_email()
        resp = api.post("/v1/auth/register", json={"email": email, "password": password, "name": name})
        assert resp.status_code == 201, resp.text
        body = resp.json()
        body.update(email=email, password=password,
                    headers={"Authorization": f"Bearer {body['access_token']}"})
        return body

    return _register
