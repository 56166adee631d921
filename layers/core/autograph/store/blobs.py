"""The one S3 boundary: every object call of the package goes through these functions.

Callers choose the bucket (from their settings) and own their key layout (`diagrams/<id>/...`,
`cache/...`, `jobs/<id>/...`, `inbox/...`); this module owns the S3 API: paging, batch deletes,
versions, tagging, streaming uploads and presigned URLs. A missing object is `None`, not an
exception, so callers decide what absence means.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..aws import client

DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys
TAG_WORKERS = 8  # S3 has no batch tagging call: one PutObjectTagging per object, in parallel


class BlobTooLarge(Exception):
    """The object is larger than the caller accepts (its body was not read)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


@dataclass(frozen=True)
class Blob:
    data: bytes
    metadata: dict[str, str] = field(default_factory=dict)  # user metadata, keys lower-cased
    content_type: str | None = None


def _s3() -> Any:
    return client("s3")


# ------------------------------------------------------------------ single objects
def put(bucket: str, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None) -> None:
    _s3().put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, Metadata=metadata or {})


def get(bucket: str, key: str, max_bytes: int | None = None) -> Blob | None:
    """The object, or None when there is none; BlobTooLarge (body unread) over `max_bytes`."""
    s3 = _s3()
    try:
        got = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    size = int(got.get("ContentLength") or 0)
    if max_bytes is not None and size > max_bytes:
        got["Body"].close()
        raise BlobTooLarge(size)
    metadata = {k.lower(): v for k, v in (got.get("Metadata") or {}).items()}
    return Blob(got["Body"].read(), metadata, got.get("ContentType"))


def delete(bucket: str, key: str) -> None:
    _s3().delete_object(Bucket=bucket, Key=key)


def copy(bucket: str, source_key: str, key: str, content_type: str) -> None:
    """Server-side copy within a bucket (no bytes through the caller), with a new content type."""
    _s3().copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": source_key},
                      ContentType=content_type, MetadataDirective="REPLACE")


def upload_file(bucket: str, key: str, path: str, content_type: str) -> None:
    """A file of any size from disk, streamed (multipart above boto3's threshold)."""
    _s3().upload_file(path, bucket, key, ExtraArgs={"ContentType": content_type})


# ------------------------------------------------------------------ presigned URLs (signed locally)
def download_url(bucket: str, key: str, expires_in: int, *, disposition: str | None = None,
                 content_type: str | None = None) -> str:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if disposition:
        params["ResponseContentDisposition"] = disposition
    if content_type:
        params["ResponseContentType"] = content_type
    return str(_s3().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in))


def upload_url(bucket: str, key: str, expires_in: int) -> str:
    """A presigned PUT for exactly this key."""
    return str(_s3().generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key},
                                            ExpiresIn=expires_in))


# ------------------------------------------------------------------ prefixes
def keys_under(bucket: str, prefix: str) -> Iterator[str]:
    pages = _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    for page in pages:
        for obj in page.get("Contents") or []:
            yield obj["Key"]


def count_under(bucket: str, prefix: str, limit: int = 1000) -> int:
    """How many objects a prefix holds, counting at most `limit` (one List call)."""
    page = _s3().list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit)
    return int(page.get("KeyCount") or 0)


def _delete_batches(bucket: str, objects: list[dict[str, str]]) -> int:
    s3 = _s3()
    for i in range(0, len(objects), DELETE_BATCH):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": objects[i:i + DELETE_BATCH], "Quiet": True})
    return len(objects)


def delete_under(bucket: str, prefix: str) -> int:
    """Every current object under a prefix (a versioned bucket keeps older versions)."""
    return _delete_batches(bucket, [{"Key": key} for key in keys_under(bucket, prefix)])


def purge_under(bucket: str, prefix: str) -> int:
    """Every version and delete marker under a prefix: nothing is left behind, even in a
    versioned bucket (a plain delete would leave the bytes behind a delete marker)."""
    removed = 0
    for page in _s3().get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                   for v in (page.get("Versions") or []) + (page.get("DeleteMarkers") or [])]
        removed += _delete_batches(bucket, objects)
    return removed


# ------------------------------------------------------------------ tags
def _each(keys: list[str], apply: Any) -> int:
    if len(keys) <= 1:
        for key in keys:
            apply(key)
    else:  # a diagram may have hundreds of large versions
        with ThreadPoolExecutor(max_workers=min(TAG_WORKERS, len(keys))) as pool:
            list(pool.map(apply, keys))
    return len(keys)


def tag(bucket: str, keys: list[str], tags: dict[str, str]) -> int:
    """Set these tags (replacing any) on each object; lifecycle rules can then match them."""
    s3, tag_set = _s3(), {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]}
    return _each(keys, lambda key: s3.put_object_tagging(Bucket=bucket, Key=key, Tagging=tag_set))


def untag(bucket: str, keys: list[str]) -> int:
    """Remove every tag from each object."""
    s3 = _s3()
    return _each(keys, lambda key: s3.delete_object_tagging(Bucket=bucket, Key=key))


def probe(bucket: str) -> None:
    """Raise unless the bucket answers (GET /v1/health): one HeadBucket."""
    _s3().head_bucket(Bucket=bucket)
