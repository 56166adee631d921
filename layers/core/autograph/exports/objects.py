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

from ..aws import client
from ..config import get_settings

URL_TTL_SECONDS = 15 * 60
MESSAGE_VERSION = 1


def bucket() -> str:
    return get_settings().exports_bucket


def cache_key(render_key: str, fmt: str) -> str:
    return f"cache/{render_key}.{fmt}"


def job_key(job_id: str, file_name: str) -> str:
    return f"jobs/{job_id}/{file_name}"


def read_cached(key: str) -> bytes | None:
    s3 = client("s3")
    try:
        return s3.get_object(Bucket=bucket(), Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None


def put(key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None) -> None:
    client("s3").put_object(Bucket=bucket(), Key=key, Body=body, ContentType=content_type,
                            Metadata=metadata or {})


def copy(source_key: str, key: str, content_type: str) -> None:
    """Server-side copy: the job's file without moving the bytes through the worker again."""
    client("s3").copy_object(Bucket=bucket(), Key=key, CopySource={"Bucket": bucket(), "Key": source_key},
                             ContentType=content_type, MetadataDirective="REPLACE")


def delete(key: str) -> None:
    client("s3").delete_object(Bucket=bucket(), Key=key)


def count(prefix: str) -> int:
    page = client("s3").list_objects_v2(Bucket=bucket(), Prefix=prefix)
    return int(page.get("KeyCount") or 0)


def content_disposition(file_name: str) -> str:
    """attachment; an ASCII fallback name plus the UTF-8 name (RFC 6266 / RFC 5987)."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def presign(key: str, file_name: str, content_type: str) -> str:
    return client("s3").generate_presigned_url(
        "get_object", ExpiresIn=URL_TTL_SECONDS,
        Params={"Bucket": bucket(), "Key": key, "ResponseContentDisposition": content_disposition(file_name),
                "ResponseContentType": content_type})


def enqueue(message: dict[str, Any]) -> None:
    """One render-queue message; the request id travels as `correlation_id`."""
    from ..observability import logger

    url = get_settings().render_queue_url
    if not url:
        raise RuntimeError("RENDER_QUEUE_URL is not configured.")
    attributes = {}
    cid = logger.get_correlation_id()
    if cid:
        attributes["correlation_id"] = {"DataType": "String", "StringValue": str(cid)}
    body = json.dumps({"v": MESSAGE_VERSION, **message}, sort_keys=True)
    client("sqs").send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)


def dead_letter(body: str, reason: str) -> bool:
    """Send a message that can never succeed straight to the DLQ (instead of burning receives).
    False when no DLQ is configured: the caller lets SQS redrive it."""
    url = get_settings().render_dlq_url
    if not url:
        return False
    client("sqs").send_message(QueueUrl=url, MessageBody=body,
                               MessageAttributes={"reason": {"DataType": "String", "StringValue": reason[:256]}})
    return True
