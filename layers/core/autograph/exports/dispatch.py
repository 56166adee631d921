"""The render queue's messages, each to the job kind that handles it (the export worker's entry):

- `{"v": 1, "kind": "export" | "batch", "job_id": ...}`: an export job (worker) or a batch ZIP
  (batch_jobs); `{"kind": "thumbnail", "diagram_id", "version"}`: a thumbnail (thumbnail_jobs);
- an S3 event (or S3's test event): files dropped in the uploads bucket's inbox/ (inbox);
- a message that is not JSON or names no job is poison: it goes to the DLQ at once, instead of
  burning the queue's receives.
"""

from __future__ import annotations

import json

from .. import queues
from ..config import get_settings
from ..store import jobs as store
from . import batch_jobs, inbox, thumbnail_jobs, worker


class Poison(Exception):
    """A message that can never succeed."""


def handle(body: str, *, receive_count: int, remaining_ms: int) -> str:
    """One SQS message body. Raises to have SQS retry it."""
    try:
        message = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise Poison("The message is not JSON.") from exc
    if not isinstance(message, dict):
        raise Poison("The message is not a JSON object.")
    if message.get("Event") == "s3:TestEvent" or "Records" in message:
        return inbox.handle_s3_event(message, receive_count=receive_count)
    kind = message.get("kind", "export")
    if kind == "thumbnail" and isinstance(message.get("diagram_id"), str) and isinstance(message.get("version"), int):
        return thumbnail_jobs.run(message["diagram_id"], message["version"])
    job_id = message.get("job_id")
    if not isinstance(job_id, str) or not job_id:
        raise Poison("The message names no job.")
    if kind == "export":
        return worker.run_export(job_id, remaining_ms=remaining_ms, receive_count=receive_count)
    if kind == "batch":
        return batch_jobs.run_batch(job_id, remaining_ms=remaining_ms, receive_count=receive_count)
    job = store.get(job_id)
    if job is not None:
        worker.fail(job, {"type": "infrastructure", "detail": f"The job's message has an unknown kind {kind!r}."}, None)
    raise Poison(f"Unknown message kind {kind!r}.")


def handle_record(body: str, *, receive_count: int, remaining_ms: int) -> str:
    """handle(), with poison messages sent straight to the DLQ (reported as processed)."""
    try:
        return handle(body, receive_count=receive_count, remaining_ms=remaining_ms)
    except Poison as exc:
        dead_letter(body, str(exc))
        return "dead-lettered"


def dead_letter(body: str, reason: str) -> None:
    """Send a message that can never succeed straight to the DLQ (instead of burning receives)."""
    queues.send(get_settings().render_dlq_url, body, reason=reason[:256])
