"""Long AI requests as jobs on the AI queue: the API stores the request and enqueues its id; the
AI worker runs it (idempotent: a finished job is never run again; a live claim makes a duplicate
message wait); `GET /v1/ai/jobs/{id}?wait=N` long-polls the result."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from .. import clock, queues
from ..config import get_settings
from ..errors import AppError, NotFound
from ..observability import logger
from ..store import ai as store
from . import service
from .schema import GenerateIn

MAX_WAIT_SECONDS = 20
LEASE_MARGIN_MS = 5_000


class JobBusy(Exception):
    """Another worker holds a live claim; SQS brings the message back later."""


class Poison(Exception):
    """A message that can never succeed."""


# A running job whose lease ran out this long ago has no worker and no message left (it went to
# the DLQ): show it failed instead of running forever.
STALE_AFTER_MS = 15 * 60 * 1000


def public(job: dict[str, Any]) -> dict[str, Any]:
    out = {k: job[k] for k in ("id", "kind", "status", "created_at", "finished_at", "result", "error")
           if job.get(k) is not None}
    lease = job.get("lease_until")
    if job["status"] == "running" and lease is not None and int(clock.now() * 1000) - lease > STALE_AFTER_MS:
        out["status"] = "failed"
        out["error"] = {"status": 500, "detail": "The AI worker stopped before finishing and the job's message "
                        "is gone; send the request again."}
    return out


def create(user_id: str, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    job = store.put_job(secrets.token_hex(10), user_id, kind, request, clock.iso())
    queues.send(get_settings().ai_queue_url, json.dumps({"v": 1, "kind": "ai", "job_id": job["id"]}))
    return public(job)


def get(user_id: str, job_id: str, wait: int = 0) -> dict[str, Any]:
    def owned() -> dict[str, Any]:
        job = store.get_job(job_id)
        if job is None or job["owner_id"] != user_id:
            raise NotFound("No such AI job.")
        return job

    job = owned()
    deadline = time.monotonic() + min(max(wait, 0), MAX_WAIT_SECONDS)
    delay = 0.05
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 1.5, 0.5)
        job = owned()
    return public(job)


def run(job_id: str, *, remaining_ms: int, receive_count: int, max_receives: int = 3) -> str:
    """One job. Returns done | failed | duplicate | gone; raises to have SQS retry."""
    job = store.get_job(job_id)
    if job is None:
        return "gone"
    if job["status"] in ("succeeded", "failed"):
        return "duplicate"
    now_ms = int(clock.now() * 1000)
    claim = store.claim_job(job_id, now_ms, now_ms + remaining_ms + LEASE_MARGIN_MS)
    if claim is None:
        latest = store.get_job(job_id)
        if latest is None or latest["status"] in ("succeeded", "failed"):
            return "duplicate"
        raise JobBusy(job_id)
    req, expires = claim["request"], int(clock.now()) + store.JOB_TTL
    try:
        if claim["kind"] == "refine":
            result = service.refine(claim["owner_id"], req["diagram_id"], req["instruction"], req.get("if_match"),
                                    limited=False)
        else:
            result = service.generate(claim["owner_id"], GenerateIn(**req), limited=False)
    except AppError as exc:  # the request's fault (404, 412, 422): fail the job, no retry
        error = {"status": exc.status, "detail": exc.detail}
        store.finish_job(job_id, claim["attempt"], "failed", clock.iso(), expires, error=error)
        return "failed"
    except Exception as exc:
        store.release_job(job_id, claim["attempt"])
        if receive_count >= max_receives:
            store.finish_job(job_id, None, "failed", clock.iso(), expires,
                             error={"status": 500, "detail": f"Gave up after {receive_count} attempts: "
                                    f"{type(exc).__name__}"})
        raise
    won = store.finish_job(job_id, claim["attempt"], "succeeded", clock.iso(), expires, result=result)
    return "done" if won else "duplicate"


def handle(body: str, *, remaining_ms: int, receive_count: int) -> str:
    try:
        message = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise Poison("The message is not JSON.") from exc
    job_id = message.get("job_id") if isinstance(message, dict) else None
    if not isinstance(job_id, str) or not job_id:
        raise Poison("The message names no job.")
    return run(job_id, remaining_ms=remaining_ms, receive_count=receive_count)


def handle_record(body: str, *, receive_count: int, remaining_ms: int) -> str:
    """handle(), with a poison message logged and dropped ("poison") instead of cycling to the DLQ:
    it can never succeed, and the job (if any) is already failed or never existed."""
    try:
        return handle(body, remaining_ms=remaining_ms, receive_count=receive_count)
    except Poison as exc:
        logger.warning("poison AI message dropped", extra={"reason": str(exc)})
        return "poison"
