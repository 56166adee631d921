"""Trash expiry cascade: everything a diagram owns expires with its head.

A trashed head carries the TTL `expires_at` (30 days). Without Streams or a sweeper Lambda, the
children would outlive it when DynamoDB's TTL deletes the head, so trashing stamps the same
`expires_at` on every child and restoring removes it again:

- Items in the diagram's partition `DIAGRAM#<id>` other than META (versions `VERSION#…`,
  collaborators `COLLAB#…`, and any later per-diagram item): one consistent, paginated Query.
  Version snapshots are immutable while the head is trashed (label/comment edits need a live
  head), so they are rewritten with BatchWriteItem (25 per call); every other child is mutable and
  gets a conditional UpdateItem of `expires_at` only (no lost update, no resurrection).
- Share links `SHARE#<hash>` (gsi1 `DSHARES#<id>`): a conditional UpdateItem each (view counts
  are updated atomically elsewhere, so they are never rewritten whole).
- S3 objects under `diagrams/<id>/` (head and version content): tagged `autograph-trashed=true`;
  the DiagramsBucket lifecycle rule expires tagged objects after TAG_EXPIRY_DAYS (> 30 days, so
  an object never goes before the item pointing at it). Restore deletes the tag.

Order: trash commits the head first (the conditional write that decides the race) and then
stamps the children, so a failure leaves at worst an unstamped child, never a TTL on a live
diagram's data. Restore clears the children first and then the head, for the same reason: a
restored head never points at children that are still due to expire. Readers need no change:
every child is reached through the head, and `access.expired` treats a head past its TTL as gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pynamodb.exceptions import UpdateError

from ..aws import client
from ..config import get_settings
from ..store.diagram_models import DiagramItem, ShareItem, VersionItem

TRASH_TAG_KEY = "autograph-trashed"
TRASH_TAG_VALUE = "true"
TAG_EXPIRY_DAYS = 31
S3_WORKERS = 8


def _conditional(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _partition(diagram_id: str) -> Iterator[dict[str, Any]]:
    """Raw items of the diagram's partition except its head (consistent, all pages)."""
    pk = DiagramItem.key(diagram_id)[0]
    pages = client("dynamodb").get_paginator("query").paginate(
        TableName=get_settings().table_name, ConsistentRead=True,
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}},
    )
    for page in pages:
        for raw in page.get("Items") or []:
            if raw["sk"]["S"] != "META":
                yield raw


def _set_ttl(pk: str, sk: str, expires_at: int | None) -> None:
    """UpdateItem of `expires_at` only, on an item that still exists."""
    action = DiagramItem.expires_at.set(expires_at) if expires_at is not None else DiagramItem.expires_at.remove()
    try:
        DiagramItem._get_connection().update_item(pk, sk, actions=[action], condition=DiagramItem.pk.exists())
    except UpdateError as exc:
        if not _conditional(exc):  # removed meanwhile (e.g. a collaborator left): nothing to expire
            raise


def _children(diagram_id: str, expires_at: int | None) -> int:
    touched = 0
    with VersionItem.batch_write() as batch:
        for raw in _partition(diagram_id):
            touched += 1
            if raw["sk"]["S"].startswith("VERSION#"):
                version = VersionItem.from_raw_data(raw)
                version.expires_at = expires_at
                batch.save(version)
            else:
                _set_ttl(raw["pk"]["S"], raw["sk"]["S"], expires_at)
    for share in ShareItem.gsi1.query(f"DSHARES#{diagram_id}"):
        touched += 1
        _set_ttl(share.pk, share.sk, expires_at)
    return touched


def _object_keys(diagram_id: str) -> list[str]:
    pages = client("s3").get_paginator("list_objects_v2").paginate(
        Bucket=get_settings().diagrams_bucket, Prefix=f"diagrams/{diagram_id}/")
    return [obj["Key"] for page in pages for obj in page.get("Contents") or []]


def _tag_objects(diagram_id: str, trashed: bool) -> int:
    s3 = client("s3")
    bucket = get_settings().diagrams_bucket
    keys = _object_keys(diagram_id)

    def apply(key: str) -> None:
        if trashed:
            s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={
                "TagSet": [{"Key": TRASH_TAG_KEY, "Value": TRASH_TAG_VALUE}]})
        else:
            s3.delete_object_tagging(Bucket=bucket, Key=key)

    if len(keys) <= 1:
        for key in keys:
            apply(key)
    else:  # S3 has no batch tagging call; a diagram may have hundreds of large versions
        with ThreadPoolExecutor(max_workers=min(S3_WORKERS, len(keys))) as pool:
            list(pool.map(apply, keys))
    return len(keys)


def mark_trashed(diagram_id: str, expires_at: int) -> None:
    """Give every child of a (just trashed) diagram the head's TTL and tag its S3 objects."""
    _children(diagram_id, expires_at)
    _tag_objects(diagram_id, trashed=True)


def clear_trashed(diagram_id: str) -> None:
    """Undo mark_trashed: no TTL on any child, no trash tag on any object."""
    _children(diagram_id, None)
    _tag_objects(diagram_id, trashed=False)


def follow_head(diagram_id: str, pk: str, sk: str) -> None:
    """After adding a child (collaborator, share link) to a diagram that was live when checked:
    should the diagram have been trashed meanwhile, the cascade may have missed the new child,
    so it takes the head's TTL now. (Trash writes the head before it stamps the children; this
    writes the child before it reads the head, so one of the two always sees the other.)"""
    from .access import head

    item = head(diagram_id)
    if item is not None and item.deleted_at is not None and item.expires_at is not None:
        _set_ttl(pk, sk, int(item.expires_at))
