"""Dependency checks for GET /v1/health: one cheap call per service, each with its own verdict."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import queues
from .config import get_settings
from .store import base as store_base
from .store import blobs


def _s3() -> None:
    blobs.probe(get_settings().diagrams_bucket)


def _sqs() -> None:
    queues.probe(get_settings().render_queue_url)


CHECKS: dict[str, Callable[[], None]] = {"dynamodb": store_base.probe_table, "s3": _s3, "sqs": _sqs}


def _run(check: Callable[[], None]) -> dict[str, Any]:
    try:
        check()
        return {"status": "ok"}
    except Exception as exc:  # a health check reports failures, it does not raise them
        return {"status": "error", "error": type(exc).__name__, "detail": str(exc)[:200]}


def report() -> tuple[bool, dict[str, Any]]:
    with ThreadPoolExecutor(max_workers=len(CHECKS)) as pool:
        results = dict(zip(CHECKS, pool.map(_run, CHECKS.values()), strict=True))
    healthy = all(r["status"] == "ok" for r in results.values())
    return healthy, results
