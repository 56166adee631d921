"""Batch exports: one job, one ZIP of many diagrams plus `manifest.json`.

- Input: up to 100 diagram ids, or a folder (its live diagrams, the first 100 by title).
- One file per diagram, named from its title (safe on every OS), de-duplicated case-insensitively
  (`Title.png`, `Title (2).png`); the manifest lists each diagram, its file, size and sha256, and
  each one that failed with the reason. One bad diagram never fails the batch; a diagram the
  caller cannot read is reported as not found and never exported.
- Memory stays bounded: one diagram's bytes at a time, the ZIP streamed to a temporary file and
  uploaded from disk (boto3 switches to a multipart upload for large files).

This module creates batch jobs (the Exports function); `batch_jobs` runs them (the worker).
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..diagrams import folders, listing
from ..errors import ValidationFailed
from ..store import jobs as store
from . import jobs, objects

MAX_DIAGRAMS = 100


def create(user_id: str, diagram_ids: list[str] | None, folder_id: str | None, fmt: str,
           options: dict[str, Any]) -> dict[str, Any]:
    if (diagram_ids is None) == (folder_id is None):
        raise ValidationFailed("Send exactly one of diagram_ids or folder_id.")
    jobs.check_options(options)
    if folder_id is not None:
        folders.require_folder(user_id, folder_id, field="folder_id")
    ids = list(dict.fromkeys(diagram_ids or []))
    moment = clock.now()
    job = store.put_new(store.NewJob(
        job_id=jobs.new_id(), owner_id=user_id, kind="batch", format=fmt, options=options,
        created_at=clock.iso(moment), created_ms=int(moment * 1000), title="batch",
        spec={"diagram_ids": ids} if folder_id is None else {"folder_id": folder_id}))
    objects.enqueue({"kind": "batch", "job_id": job["id"]})
    return jobs.public(job)


def folder_ids(owner_id: str, folder_id: str) -> list[str]:
    """The folder's diagrams (at most MAX_DIAGRAMS), by title: what a folder batch exports."""
    ids: list[str] = []
    cursor = None
    while len(ids) < MAX_DIAGRAMS:
        items, cursor = listing.own(owner_id, limit=MAX_DIAGRAMS, cursor=cursor, sort="title", order="asc",
                                    folder_id=folder_id, tag=None, starred=None, dtype=None, q=None)
        ids += [d["id"] for d in items]
        if not cursor:
            break
    return ids[:MAX_DIAGRAMS]
