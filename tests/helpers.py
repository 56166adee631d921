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


def table_items(table: str) -> list[dict[str, Any]]:
    """Every item of a table, as raw DynamoDB JSON, read over the wire (moto or LocalStack alike).
    A Scan: fine for a test's "is anything left behind?", never for a route."""
    from autograph.aws import client

    pages = client("dynamodb").get_paginator("scan").paginate(TableName=table)
    return [item for page in pages for item in page["Items"]]


def stored_object_keys(bucket: str) -> list[str]:
    """Keys with any version or delete marker left in a bucket (a delete marker alone would still
    leave the content recoverable in a versioned bucket)."""
    from autograph.aws import client

    keys: list[str] = []
    for page in client("s3").get_paginator("list_object_versions").paginate(Bucket=bucket):
        keys += [v["Key"] for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
    return keys


def sent_mail(to: str | None = None) -> list[str]:
    """Text bodies of the e-mails SES sent (to `to`, or to anyone), oldest first. SES has no API
    to read sent mail: on moto we read its in-process backend, on LocalStack its `/_aws/ses`."""
    if os.environ.get("AUTOGRAPH_AWS") == "localstack":
        endpoint = os.environ["AUTOGRAPH_ENDPOINT_URL"]
        messages = httpx.get(f"{endpoint}/_aws/ses", timeout=10).json()["messages"]
        return [m["Body"]["text_part"] for m in messages
                if to is None or to in m["Destination"]["ToAddresses"]]
    return [m.body for m in moto_backend("ses").sent_messages
            if to is None or to in m.destinations["ToAddresses"]]


def assert_problem(resp: httpx.Response, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json"), resp.headers
    body = resp.json()
    for field in ("type", "title", "status", "detail", "request_id"):
        assert field in body, body
    assert body["status"] == status
    assert body["request_id"] == resp.headers["x-request-id"]
    return body


def clock_at(monkeypatch: Any, when: Any) -> None:
    """Run the domain (and the in-process stack) at `when()`: every module reads time through
    `autograph.clock`, so this one patch moves them all."""
    from autograph import clock

    monkeypatch.setattr(clock, "now", when)


def freeze_clock(monkeypatch: Any) -> dict[str, float]:
    """Stop the domain's clock at this moment (move it with `frozen["t"] += s`): requests then
    fall in one fixed rate-limit window however long they take, and what they issue (tokens,
    expiries) is never dated after the real time other libraries check it against."""
    import time

    frozen = {"t": time.time()}
    clock_at(monkeypatch, lambda: frozen["t"])
    return frozen
