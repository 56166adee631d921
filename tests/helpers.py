"""Helpers shared by tests (import as `from tests.helpers import ...`)."""

from __future__ import annotations

import itertools
import os
import uuid
from typing import Any

import httpx

_counter = itertools.count()


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{next(_counter)}-{uuid.uuid4().hex[:8]}@example.com"


def moto_backend(service: str) -> Any:
    """The in-process moto backend for a service (the server runs in this process)."""
    from moto.backends import get_backend

    from infra.local.template import ACCOUNT_ID

    return get_backend(service)[ACCOUNT_ID][os.environ.get("AWS_REGION", "us-east-1")]


def assert_problem(resp: httpx.Response, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json"), resp.headers
    body = resp.json()
    for field in ("type", "title", "status", "detail", "request_id"):
        assert field in body, body
    assert body["status"] == status
    assert body["request_id"] == resp.headers["x-request-id"]
    return body
