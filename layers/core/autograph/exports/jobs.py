"""Export jobs as the API sees them: create (validate, store, enqueue), read (with ?wait),
list, delete. The worker side is `autograph.exports.worker`.

Who may export: the diagram's owner, editors and viewers; anyone else gets 404. A job belongs to
the user who asked for it; nobody else can see it (404).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from .. import clock
from .. import render as engine
from ..diagrams import access
from ..errors import DiagramInvalid, NotFound, UnknownReference, ValidationFailed
from ..store import jobs as store
from . import formats, objects
from .schema import ExportIn

MAX_WAIT_SECONDS = 20
# A running job whose lease ran out this long ago has no worker and no message left (the message
# went to the DLQ or expired): show it failed instead of running forever.
STALE_AFTER_MS = 15 * 60 * 1000
UPLOAD_WAIT_MS = 60 * 60 * 1000  # an upload job whose file never came (the PUT URL lasts 15 minutes)


def new_id() -> str:
    return secrets.token_hex(10)


def check_options(options: dict[str, Any]) -> None:
    """422 before anything is stored or sent."""
    try:
        engine.RenderOptions.from_dict(options)
    except engine.RenderInputError as exc:
        raise ValidationFailed(f"Bad export option: {exc}") from exc


def not_found() -> NotFound:
    return NotFound("No such export job.")


def create(user_id: str, diagram_id: str, body: ExportIn) -> dict[str, Any]:
    item, _role = access.require(diagram_id, user_id, "viewer")
    options = body.options()
    check_options(options)
    version = body.version or int(item.version)
    if version > int(item.version):
        raise UnknownReference(f"version: the diagram has no version {version}; its latest is {int(item.version)}.")
    if body.format in formats.PICTURE_FORMATS and not formats.has_picture(item.dtype):
        raise DiagramInvalid(f"A {item.dtype} diagram has no picture to export as {body.format}; "
                               "export it as json, md or html.")
    moment = clock.now()
    job = store.put_new(store.NewJob(
        job_id=new_id(), owner_id=user_id, kind="export", format=body.format, options=options,
        created_at=clock.iso(moment), created_ms=int(moment * 1000), diagram_id=diagram_id, version=version,
        title=item.title))
    objects.enqueue({"kind": "export", "job_id": job["id"]})
    return public(job)


def _stale(job: dict[str, Any], now_ms: int) -> bool:
    lease = job.get("lease_until")
    return job["status"] == "running" and lease is not None and now_ms - lease > STALE_AFTER_MS


def public(job: dict[str, Any], *, with_url: bool = False) -> dict[str, Any]:
    """The job as the API shows it (no owner, lease or object key)."""
    out = {k: job[k] for k in ("id", "kind", "diagram_id", "version", "format", "options", "status",
                               "created_at", "started_at", "finished_at", "timings", "size_bytes",
                               "sha256", "file_name", "error")}
    if job["kind"] == "inbox" and job["status"] == "queued" and \
            int(clock.now() * 1000) - (job.get("created_ms") or 0) > UPLOAD_WAIT_MS:
        out["status"] = "failed"
        out["error"] = {"type": "validation", "detail": "The file was never uploaded; the upload URL expired."}
    if _stale(job, int(clock.now() * 1000)):
        out["status"] = "failed"
        out["error"] = {"type": "infrastructure", "detail": "The export worker stopped before finishing "
                        "and the job's message is gone; start a new export."}
    out = {k: v for k, v in out.items() if v is not None}
    if with_url and job["status"] == "succeeded" and job.get("object_key"):
        out["url"] = objects.presign(job["object_key"], job["file_name"], job.get("content_type") or
                                     "application/octet-stream")
        out["url_expires_at"] = clock.iso(clock.now() + objects.URL_TTL_SECONDS)
    outputs = (job.get("spec") or {}).get("outputs")
    if outputs and job["status"] == "succeeded":
        out["files"] = [{"file_name": o["file_name"], "size_bytes": o["size_bytes"], "sha256": o["sha256"],
                         **({"url": objects.presign(o["key"], o["file_name"], o["content_type"])} if with_url else {})}
                        for o in outputs]
    return out


def owned(user_id: str, job_id: str) -> dict[str, Any]:
    job = store.get(job_id)
    if job is None or job["owner_id"] != user_id:
        raise not_found()
    return job


def get(user_id: str, job_id: str, wait: int = 0) -> dict[str, Any]:
    """The job; with `wait` > 0, hold until it finishes or `wait` seconds pass (long poll), so a
    client needs one call in the common case."""
    job = owned(user_id, job_id)
    deadline = time.monotonic() + min(max(wait, 0), MAX_WAIT_SECONDS)
    delay = 0.05
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 1.5, 0.5)  # quick for fast jobs, gentle on the table for slow ones
        job = owned(user_id, job_id)
    return public(job, with_url=True)


def list_mine(user_id: str, status: str | None, limit: int, cursor: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], Any]:
    rows, last = store.list_for_owner(user_id, status=status, limit=limit, cursor=cursor)
    return [public(j) for j in rows], last


def list_for_diagram(user_id: str, diagram_id: str, limit: int, cursor: dict[str, Any] | None
                     ) -> tuple[list[dict[str, Any]], Any]:
    access.require(diagram_id, user_id, "viewer")
    rows, last = store.list_for_diagram(diagram_id, user_id, limit=limit, cursor=cursor)
    return [public(j) for j in rows], last


def delete(user_id: str, job_id: str) -> None:
    job = owned(user_id, job_id)
    if not store.delete(job_id, user_id):
        raise not_found()
    if job.get("object_key"):
        objects.delete(job["object_key"])
