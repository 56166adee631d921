"""Where export bytes live in the exports bucket, and the render queue's messages.

- `cache/<render cache key>.<fmt>`: one rendered picture per (source, format, options), shared
  with `POST /v1/render`'s cache, so identical exports render once.
- `jobs/<job_id>/<file name>`: the job's file (a server-side copy of the cached picture, or the
  json/md/html document). It lives and dies with its job: 7-day lifecycle on `jobs/`, deleted by
  `DELETE /v1/exports/{id}`. A copy, not a pointer: S3 has no links, and a presigned URL of the
  shared object could not be revoked with the job.
- `outbox/<path>/<name>.<fmt>`: files produced from the uploads bucket's `inbox/` (§4).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .. import queues
from ..config import get_settings
from ..store import blobs

URL_TTL_SECONDS = 15 * 60
MESSAGE_VERSION = 1


def bucket() -> str:
    return get_settings().exports_bucket


def cache_key(render_key: str, fmt: str) -> str:
    return f"cache/{render_key}.{fmt}"


def job_key(job_id: str, file_name: str) -> str:
    return f"jobs/{job_id}/{file_name}"


def read_cached(key: str) -> bytes | None:
    blob = blobs.get(bucket(), key)
    return None if blob is None else blob.data


def put(key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None) -> None:
    blobs.put(bucket(), key, body, content_type, metadata)


def copy(source_key: str, key: str, content_type: str) -> None:
    """Server-side copy: the job's file without moving the bytes through the worker again."""
    blobs.copy(bucket(), source_key, key, content_type)


def delete(key: str) -> None:
    blobs.delete(bucket(), key)


def upload_file(key: str, path: str, content_type: str) -> None:
    """A file from disk (a batch ZIP of any size), streamed."""
    blobs.upload_file(bucket(), key, path, content_type)


def count(prefix: str) -> int:
    return blobs.count_under(bucket(), prefix)


def content_disposition(file_name: str) -> str:
    """attachment; an ASCII fallback name plus the UTF-8 name (RFC 6266 / RFC 5987)."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def presign(key: str, file_name: str, content_type: str) -> str:
    return blobs.download_url(bucket(), key, URL_TTL_SECONDS, disposition=content_disposition(file_name),
                              content_type=content_type)


def enqueue(message: dict[str, Any]) -> None:
    """One render-queue message (the request id travels with it: `queues.send`)."""
    queues.send(get_settings().render_queue_url, json.dumps({"v": MESSAGE_VERSION, **message}, sort_keys=True))
