"""Batch exports, the worker side: render each diagram of a batch job into one ZIP plus
`manifest.json`, streamed to a temporary file and uploaded from disk (see batch for the rules).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import zipfile
from typing import Any

from .. import clock
from ..config import get_settings
from ..diagrams import access
from ..errors import AppError
from ..store import jobs as store
from . import batch, formats, objects, worker

# Already-compressed formats are stored, text is deflated.
STORED = {"png", "pdf"}


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate.lower() in taken or candidate.lower() == "manifest.json":
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"
    taken.add(candidate.lower())
    return candidate


def _one(owner_id: str, diagram_id: str, fmt: str, options: dict[str, Any]) -> tuple[str, bytes]:
    item, _ = access.require(diagram_id, owner_id, "viewer")
    doc = worker.load_document(owner_id, diagram_id, int(item.version))
    if fmt in formats.PICTURE_FORMATS:
        data = worker.render_cached(formats.picture_input(doc["type"], doc.get("content") or {}), fmt, options)[0]
    else:
        data = formats.produce(doc, fmt, options, worker._picture)
    return doc["title"], data


def write_zip(path: str, owner_id: str, ids: list[str], fmt: str, options: dict[str, Any],
              meta: dict[str, Any]) -> dict[str, Any]:
    manifest: dict[str, Any] = {**meta, "format": fmt, "diagrams": [], "failed": []}
    taken: set[str] = set()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for diagram_id in ids:
            try:
                title, data = _one(owner_id, diagram_id, fmt, options)
            except Exception as exc:
                error = worker.user_error(exc)
                if error is None and isinstance(exc, AppError):  # e.g. a 404 from access checks
                    error = {"type": "not_found", "detail": exc.detail}
                if error is None:
                    raise  # infrastructure: retry the whole batch
                manifest["failed"].append({"id": diagram_id, "reason": error["detail"],
                                           **{k: error[k] for k in ("type", "line", "column") if error.get(k)}})
                continue
            name = _unique(f"{formats.safe_stem(title)}.{fmt}", taken)
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_STORED if fmt in STORED else zipfile.ZIP_DEFLATED)
            manifest["diagrams"].append({"id": diagram_id, "title": title, "file": name, "size_bytes": len(data),
                                         "sha256": hashlib.sha256(data).hexdigest()})
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def run_batch(job_id: str, *, remaining_ms: int, receive_count: int) -> str:
    job = store.get(job_id)
    if job is None:
        return "gone"
    if job["status"] in ("succeeded", "failed"):
        return "duplicate"
    now_ms = int(clock.now() * 1000)
    claim = store.claim(job_id, job["owner_id"], now_ms=now_ms, started_at=clock.iso(now_ms / 1000),
                        lease_until=now_ms + remaining_ms + worker.LEASE_MARGIN_MS)
    if claim is None:
        latest = store.get(job_id)
        if latest is None or latest["status"] in ("succeeded", "failed"):
            return "duplicate"
        raise worker.JobBusy(job_id)
    spec = claim.get("spec") or {}
    owner = claim["owner_id"]
    fd, path = tempfile.mkstemp(suffix=".zip")
    os.close(fd)
    try:
        started = time.perf_counter()
        ids = spec.get("diagram_ids") or batch.folder_ids(owner, spec["folder_id"])
        write_zip(path, owner, ids, claim["format"], claim["options"],
                  {"job_id": job_id, "created_at": claim["created_at"]})
        rendered = time.perf_counter()
        file_name = f"autograph-export-{job_id}.zip"
        key = objects.job_key(job_id, file_name)
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        objects.upload_file(key, path, "application/zip")
        uploaded = time.perf_counter()
        size = os.path.getsize(path)
    except Exception as exc:
        store.release(job_id, owner, claim["attempt"])
        if receive_count >= get_settings().render_max_receives:
            worker.fail(claim, {"type": "infrastructure", "detail": f"Gave up after {receive_count} attempts: "
                                f"{type(exc).__name__}: {exc}"[:1000]}, None)
        raise
    finally:
        os.unlink(path)
    won = store.finish(job_id, owner, "succeeded", attempt=claim["attempt"], finished_at=clock.iso(),
                       expires_at=int(clock.now()) + store.FINISHED_TTL_SECONDS, fields={
                           "queue_ms": max(0, (claim["started_ms"] or now_ms) - (claim["created_ms"] or now_ms)),
                           "render_ms": int((rendered - started) * 1000),
                           "upload_ms": int((uploaded - rendered) * 1000),
                           "size_bytes": size, "sha256": digest.hexdigest(), "file_name": file_name,
                           "object_key": key, "content_type": "application/zip"})
    return "done" if won else "duplicate"
