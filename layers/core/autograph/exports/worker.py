"""The export worker's logic: one render-queue message at a time, idempotent.

- A message is `{"v": 1, "kind": "export", "job_id": ...}` or an S3 event (the uploads inbox).
- The job moves queued -> running -> succeeded|failed by conditional writes (store.jobs). A
  message for a finished job writes nothing and renders nothing; a job running under another
  worker's live lease raises JobBusy (SQS brings the message back after the visibility timeout).
- A user-input error (invalid source, a limit) fails the job at once, with the line, and is not
  retried. Anything else is an infrastructure error: the claim is released and the message
  retried by SQS; on the queue's last receive the job is marked failed first, so it never
  stays `running` while its message sits in the DLQ.

Which message goes where is `dispatch`; this module runs export jobs and holds what the other
job kinds (batch, inbox, thumbnail_jobs) share: the render cache, user errors, failing a job.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from .. import clock
from .. import render as engine
from ..config import get_settings
from ..diagrams import access, versions
from ..diagrams import content as content_mod
from ..errors import NotFound
from ..store import jobs as store
from . import formats, objects

LEASE_MARGIN_MS = 5_000


class JobBusy(Exception):
    """Another worker holds a live claim on this job; let SQS bring the message back later."""


class UserError(Exception):
    """The job's input is at fault: fail the job with this error, do not retry."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error["detail"])
        self.error = error


@dataclass(frozen=True)
class Produced:
    data_key: str
    content_type: str
    file_name: str
    size: int
    sha256: str
    render_ms: int
    upload_ms: int


def user_error(exc: Exception) -> dict[str, Any] | None:
    """The job error for a user-input failure; None when the failure is not the user's."""
    if isinstance(exc, engine.InvalidDiagram):
        first = (exc.result.get("errors") or [{}])[0]
        where = f"line {first['line']}: " if first.get("line") else ""
        return {"type": "validation", "detail": f"The diagram is not valid: {where}{first.get('message', '')}",
                "line": first.get("line"), "column": first.get("column")}
    if isinstance(exc, engine.RenderLimitExceeded):
        return {"type": "limit", "detail": str(exc)}
    if isinstance(exc, engine.RenderInputError | formats.NoPicture):
        return {"type": "validation", "detail": str(exc)}
    if isinstance(exc, NotFound):
        return {"type": "not_found", "detail": "The diagram or version no longer exists, or you lost access to it."}
    return None


# ------------------------------------------------------------------ rendering through the cache
def render_cached(source: str | dict[str, Any], fmt: str, options: dict[str, Any]) -> tuple[bytes, str]:
    """(bytes, cache object key): one render per (source, format, options), shared by all jobs
    and by POST /v1/render."""
    # The worker's own, configurable budget (the synchronous routes keep 10 s); the hard stop and
    # admission limits of autograph.render apply the same way (issue 10 §1).
    opts = engine.RenderOptions.from_dict({"time_budget_s": get_settings().export_render_budget_s, **options})
    key = objects.cache_key(engine.cache_key(source, fmt, opts), fmt)
    data = objects.read_cached(key)
    if data is None:
        result = engine.render_detailed(source, fmt, opts)
        data = result.data
        objects.put(key, data, engine.content_type(fmt), {"render-engine": result.engine})
    return data, key


def _picture(source: Any, fmt: str, options: dict[str, Any]) -> bytes:
    return render_cached(source, fmt, options)[0]


def load_document(owner_id: str, diagram_id: str, version: int) -> dict[str, Any]:
    """{type, title, content, tags, version} of a diagram version the owner may still read."""
    item, _ = access.require(diagram_id, owner_id, "viewer")
    if version == int(item.version):
        content = content_mod.load(item.content_inline, item.content_key)
        return {"type": item.dtype, "title": item.title, "content": content, "tags": list(item.tags or []),
                "version": version}
    snap = versions.get(owner_id, diagram_id, version)
    return {"type": snap["type"], "title": snap["title"], "content": snap["content"],
            "tags": list(item.tags or []), "version": version}


def produce(job: dict[str, Any], doc: dict[str, Any]) -> Produced:
    fmt, options = job["format"], job["options"]
    file_name = f"{formats.safe_stem(doc['title'])}.{fmt}"
    out_key = objects.job_key(job["id"], file_name)
    started = time.perf_counter()
    if fmt in formats.PICTURE_FORMATS:
        source = formats.picture_input(doc["type"], doc.get("content") or {})
        data, cached_key = render_cached(source, fmt, options)
        ctype = engine.content_type(fmt)
        rendered = time.perf_counter()
        objects.copy(cached_key, out_key, ctype)
    else:
        data = formats.produce(doc, fmt, options, _picture)
        ctype = formats.CONTENT_TYPES[fmt]
        rendered = time.perf_counter()
        objects.put(out_key, data, ctype)
    uploaded = time.perf_counter()
    return Produced(out_key, ctype, file_name, len(data), hashlib.sha256(data).hexdigest(),
                    int((rendered - started) * 1000), int((uploaded - rendered) * 1000))


def _expires() -> int:
    return int(clock.now()) + store.FINISHED_TTL_SECONDS


def fail(job: dict[str, Any], error: dict[str, Any], attempt: int | None) -> bool:
    return store.finish(job["id"], job["owner_id"], "failed", attempt=attempt, finished_at=clock.iso(),
                        expires_at=_expires(), fields={}, error={k: v for k, v in error.items() if v is not None})


def run_export(job_id: str, *, remaining_ms: int, receive_count: int) -> str:
    """Process one export job. Returns what happened: done | duplicate | gone | failed."""
    job = store.get(job_id)
    if job is None:
        return "gone"  # deleted by its owner before it ran
    if job["status"] in ("succeeded", "failed"):
        return "duplicate"
    now_ms = int(clock.now() * 1000)
    claim = store.claim(job_id, job["owner_id"], now_ms=now_ms, started_at=clock.iso(now_ms / 1000),
                        lease_until=now_ms + remaining_ms + LEASE_MARGIN_MS)
    if claim is None:
        latest = store.get(job_id)
        if latest is None or latest["status"] in ("succeeded", "failed"):
            return "duplicate"
        raise JobBusy(job_id)
    attempt = claim["attempt"]
    queue_ms = max(0, (claim["started_ms"] or now_ms) - (claim["created_ms"] or now_ms))
    try:
        doc = load_document(claim["owner_id"], claim["diagram_id"], int(claim["version"]))
        produced = produce(claim, doc)
    except Exception as exc:  # sorted below into user errors and infrastructure errors
        error = user_error(exc)
        if error is not None:
            fail(claim, error, attempt)
            return "failed"
        store.release(job_id, claim["owner_id"], attempt)
        if receive_count >= get_settings().render_max_receives:
            fail(claim, {"type": "infrastructure", "detail": f"Gave up after {receive_count} attempts: "
                         f"{type(exc).__name__}: {exc}"[:1000]}, None)
        raise
    won = store.finish(job_id, claim["owner_id"], "succeeded", attempt=attempt, finished_at=clock.iso(),
                       expires_at=_expires(), fields={
                           "queue_ms": queue_ms, "render_ms": produced.render_ms, "upload_ms": produced.upload_ms,
                           "size_bytes": produced.size, "sha256": produced.sha256,
                           "file_name": produced.file_name, "object_key": produced.data_key,
                           "content_type": produced.content_type})
    return "done" if won else "duplicate"
