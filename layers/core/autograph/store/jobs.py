"""Export jobs on the application table: the one module that knows their keys and conditions.

One item per job: pk JOB#<id>, sk JOB, with
  gsi1 = JOBS#<owner> / <created_at>#<id>                (a user's jobs)
  gsi2 = DJOBS#<diagram>#<owner> / <created_at>#<id>     (a user's jobs of one diagram)
  gsi3 = JOBST#<owner>#<status> / <created_at>#<id>      (a user's jobs in one status)

- Lists: a user's jobs newest first (gsi1), a user's jobs of one diagram (gsi2), a user's jobs in
  one status (gsi3; every status change moves gsi3pk in the same write). No Scan.
- State machine by conditional writes: queued -> running (claim; or a running job whose lease
  ran out, i.e. its worker died) -> succeeded | failed. Finishing requires the claim's `attempt`,
  so a worker that lost its lease cannot overwrite the one that took over.
- `expires_at` (TTL) is set when a job finishes: 7 days.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from .base import (
    GSI1,
    GSI2,
    GSI3,
    TableModel,
    delete_if,
    fits_id,
    get_or_none,
    query_page,
    update_if,
)

FINISHED_TTL_SECONDS = 7 * 24 * 3600


class ExportJobItem(TableModel):
    gsi1 = GSI1()
    gsi2 = GSI2()
    gsi3 = GSI3()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    job_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    kind = UnicodeAttribute(default="export")  # export | batch | inbox
    diagram_id = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    format = UnicodeAttribute()
    options_json = UnicodeAttribute(default="{}")
    spec_json = UnicodeAttribute(null=True)  # kind-specific input (batch ids, inbox object)
    title = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_ms = NumberAttribute()
    started_at = UnicodeAttribute(null=True)
    started_ms = NumberAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    queue_ms = NumberAttribute(null=True)
    render_ms = NumberAttribute(null=True)
    upload_ms = NumberAttribute(null=True)
    size_bytes = NumberAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    file_name = UnicodeAttribute(null=True)
    object_key = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    error_json = UnicodeAttribute(null=True)
    attempt = NumberAttribute(default=0)
    lease_until = NumberAttribute(null=True)

    @staticmethod
    def key(job_id: str) -> tuple[str, str]:
        return f"JOB#{job_id}", "JOB"


@dataclass(frozen=True)
class NewJob:
    job_id: str
    owner_id: str
    kind: str
    format: str
    options: dict[str, Any]
    created_at: str
    created_ms: int
    diagram_id: str | None = None
    version: int | None = None
    title: str | None = None
    spec: dict[str, Any] | None = None


def to_dict(item: ExportJobItem) -> dict[str, Any]:
    """The job as plain data (domain modules never see the item)."""
    def num(v: Any) -> int | None:
        return int(v) if v is not None else None

    return {
        "id": item.job_id, "owner_id": item.owner_id, "kind": item.kind, "diagram_id": item.diagram_id,
        "version": num(item.version), "format": item.format, "options": json.loads(item.options_json or "{}"),
        "spec": json.loads(item.spec_json) if item.spec_json else None, "title": item.title,
        "status": item.status, "created_at": item.created_at, "created_ms": num(item.created_ms),
        "started_at": item.started_at, "started_ms": num(item.started_ms), "finished_at": item.finished_at,
        "timings": {"queue_ms": num(item.queue_ms), "render_ms": num(item.render_ms),
                    "upload_ms": num(item.upload_ms)},
        "size_bytes": num(item.size_bytes), "sha256": item.sha256, "file_name": item.file_name,
        "object_key": item.object_key, "content_type": item.content_type,
        "error": json.loads(item.error_json) if item.error_json else None,
        "attempt": num(item.attempt) or 0, "lease_until": num(item.lease_until),
    }


def _sort(created_at: str, job_id: str) -> str:
    return f"{created_at}#{job_id}"


def put_new(job: NewJob) -> dict[str, Any]:
    pk, sk = ExportJobItem.key(job.job_id)
    sort = _sort(job.created_at, job.job_id)
    item = ExportJobItem(
        pk, sk, job_id=job.job_id, owner_id=job.owner_id, kind=job.kind, diagram_id=job.diagram_id,
        version=job.version, format=job.format, options_json=json.dumps(job.options, sort_keys=True),
        spec_json=json.dumps(job.spec, sort_keys=True) if job.spec is not None else None, title=job.title,
        status="queued", created_at=job.created_at, created_ms=job.created_ms,
        gsi1pk=f"JOBS#{job.owner_id}", gsi1sk=sort,
        gsi2pk=f"DJOBS#{job.diagram_id}#{job.owner_id}" if job.diagram_id else None,
        gsi2sk=sort if job.diagram_id else None,
        gsi3pk=f"JOBST#{job.owner_id}#queued", gsi3sk=sort,
    )
    item.save(condition=ExportJobItem.pk.does_not_exist())
    return to_dict(item)


def get(job_id: str) -> dict[str, Any] | None:
    if not fits_id(job_id):
        return None
    item = get_or_none(ExportJobItem, *ExportJobItem.key(job_id), consistent_read=True)
    return None if item is None else to_dict(item)


def _handle(job_id: str) -> ExportJobItem:
    return ExportJobItem(*ExportJobItem.key(job_id))


def claim(job_id: str, owner_id: str, *, now_ms: int, started_at: str, lease_until: int) -> dict[str, Any] | None:
    """queued -> running, or take over a running job whose lease ran out. None: not claimable
    (finished, or running under a live lease, or gone)."""
    item = _handle(job_id)
    cond = ExportJobItem.pk.exists() & (
        (ExportJobItem.status == "queued")
        | ((ExportJobItem.status == "running") & (ExportJobItem.lease_until < now_ms)))
    claimed = update_if(item, [
        ExportJobItem.status.set("running"),
        ExportJobItem.started_at.set(ExportJobItem.started_at | started_at),
        ExportJobItem.started_ms.set(ExportJobItem.started_ms | now_ms),
        ExportJobItem.attempt.add(1),
        ExportJobItem.lease_until.set(lease_until),
        ExportJobItem.gsi3pk.set(f"JOBST#{owner_id}#running"),
    ], cond)
    return to_dict(item) if claimed else None


def finish(job_id: str, owner_id: str, status: str, *, attempt: int | None, finished_at: str, expires_at: int,
           fields: dict[str, Any], error: dict[str, Any] | None = None) -> bool:
    """running -> succeeded|failed (with `attempt`, only the current claim may finish), or any
    unfinished state -> failed when `attempt` is None (a message that died). False: lost the race."""
    item = _handle(job_id)
    if attempt is None:
        cond = ExportJobItem.pk.exists() & ExportJobItem.status.is_in("queued", "running")
    else:
        cond = (ExportJobItem.status == "running") & (ExportJobItem.attempt == attempt)
    actions = [
        ExportJobItem.finished_at.set(finished_at),
        ExportJobItem.expires_at.set(expires_at),
        ExportJobItem.gsi3pk.set(f"JOBST#{owner_id}#{status}"),
        ExportJobItem.lease_until.remove(),
    ]
    attrs = {name: getattr(ExportJobItem, name) for name in
             ("queue_ms", "render_ms", "upload_ms", "size_bytes", "sha256", "file_name", "object_key",
              "content_type", "spec_json")}
    for name, value in fields.items():
        if value is not None:
            actions.append(attrs[name].set(value))
    if error is not None:
        actions.append(ExportJobItem.error_json.set(json.dumps(error, sort_keys=True)))
    # The status goes last. DynamoDB applies an update atomically, but moto applies SET clauses one
    # by one while other threads read: a reader must never see `succeeded` before its fields.
    actions.append(ExportJobItem.status.set(status))
    return update_if(item, actions, cond)


def release(job_id: str, owner_id: str, attempt: int) -> bool:
    """running -> queued after an infrastructure error, so the redelivered message can claim it
    at once instead of waiting for the lease to run out."""
    return update_if(_handle(job_id), [
        ExportJobItem.status.set("queued"),
        ExportJobItem.gsi3pk.set(f"JOBST#{owner_id}#queued"),
        ExportJobItem.lease_until.remove(),
    ], (ExportJobItem.status == "running") & (ExportJobItem.attempt == attempt))


def delete(job_id: str, owner_id: str) -> bool:
    return delete_if(_handle(job_id), ExportJobItem.owner_id == owner_id)


def _page(query: Any) -> tuple[list[dict[str, Any]], Any]:
    items, last = query_page(query)
    return [to_dict(i) for i in items], last


def list_for_owner(owner_id: str, *, status: str | None, limit: int, cursor: dict[str, Any] | None
                   ) -> tuple[list[dict[str, Any]], Any]:
    if status:
        q = ExportJobItem.gsi3.query(f"JOBST#{owner_id}#{status}", scan_index_forward=False, limit=limit,
                                     last_evaluated_key=cursor)
    else:
        q = ExportJobItem.gsi1.query(f"JOBS#{owner_id}", scan_index_forward=False, limit=limit,
                                     last_evaluated_key=cursor)
    return _page(q)


def list_for_diagram(diagram_id: str, owner_id: str, *, limit: int, cursor: dict[str, Any] | None
                     ) -> tuple[list[dict[str, Any]], Any]:
    q = ExportJobItem.gsi2.query(f"DJOBS#{diagram_id}#{owner_id}", scan_index_forward=False, limit=limit,
                                 last_evaluated_key=cursor)
    return _page(q)


# ------------------------------------------------------------------ inbox objects already processed
class InboxMarkItem(TableModel):
    """INBOX#<sha256(bucket, key, version)> / INBOX: this object version produced its outputs."""

    outputs = NumberAttribute(default=0)

    @staticmethod
    def key(marker: str) -> tuple[str, str]:
        return f"INBOX#{marker}", "INBOX"


def inbox_processed(marker: str) -> bool:
    return get_or_none(InboxMarkItem, *InboxMarkItem.key(marker), consistent_read=True) is not None


def mark_inbox_processed(marker: str, outputs: int, expires_at: int) -> None:
    InboxMarkItem(*InboxMarkItem.key(marker), outputs=outputs, expires_at=expires_at).save()
