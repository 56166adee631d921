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

@pytest.fixture(scope="session")
def stack() -> Iterator[Any]:
    from infra.local.stack import LocalStack

    local = LocalStack(port=0).start()
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
