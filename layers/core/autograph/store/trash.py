"""Everything a diagram owns besides its head: the trash TTL cascade and the permanent delete.

The children of diagram <id> are the items of its partition `DIAGRAM#<id>` other than META
(versions `VERSION#…`, collaborators `COLLAB#…`, and any later per-diagram item), found with one
consistent, paginated Query, and its share links `SHARE#<hash>` (gsi1 `DSHARES#<id>`).

- TTL: version snapshots are immutable while the head is trashed (label/comment edits need a
  live head), so they are rewritten whole with BatchWriteItem (25 per call); every other child is
  mutable and gets a conditional UpdateItem of `expires_at` only (no lost update, no
  resurrection of a child removed meanwhile). Share links: a conditional UpdateItem each (view
  counts are updated atomically elsewhere, so they are never rewritten whole).
- Delete: BatchWriteItem of every child's key.
The order against the head (trash the head first, restore the children first) is the domain's
(`autograph.diagrams.lifecycle`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..aws import client
from ..config import get_settings
from .base import TableModel, update_if
from .diagram_models import VERSION_SK, DiagramItem, ShareItem, VersionItem, shares_index


class _Child(TableModel):
    """Any item of the table seen through its keys and TTL only, so a TTL change never reads or
    rewrites the attributes of a kind of item this module does not know."""


def _partition(diagram_id: str) -> Iterator[dict[str, Any]]:
    """Raw items of the diagram's partition except its head (consistent, all pages). Raw, not
    a model query: the partition holds several kinds of item and versions are rewritten whole."""
    pk = DiagramItem.key(diagram_id)[0]
    pages = client("dynamodb").get_paginator("query").paginate(
        TableName=get_settings().table_name, ConsistentRead=True,
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}},
    )
    for page in pages:
        for raw in page.get("Items") or []:
            if raw["sk"]["S"] != "META":
                yield raw


def _shares(diagram_id: str) -> Iterator[ShareItem]:
    return ShareItem.gsi1.query(shares_index(diagram_id))


def set_ttl(pk: str, sk: str, expires_at: int | None) -> bool:
    """UpdateItem of `expires_at` only (None removes it), on an item that still exists. False
    when it was removed meanwhile (e.g. a collaborator left): nothing to expire."""
    action = _Child.expires_at.set(expires_at) if expires_at is not None else _Child.expires_at.remove()
    return update_if(_Child(pk, sk), [action], _Child.pk.exists())


def expire_children(diagram_id: str, expires_at: int | None) -> int:
    """Give every child the head's TTL (None: remove it); how many children were touched."""
    touched = 0
    with VersionItem.batch_write() as batch:
        for raw in _partition(diagram_id):
            touched += 1
            if raw["sk"]["S"].startswith(VERSION_SK):
                version = VersionItem.from_raw_data(raw)
                version.expires_at = expires_at
                batch.save(version)
            else:
                set_ttl(raw["pk"]["S"], raw["sk"]["S"], expires_at)
    for share in _shares(diagram_id):
        touched += 1
        set_ttl(share.pk, share.sk, expires_at)
    return touched


def delete_children(diagram_id: str) -> int:
    """Remove every child item (not the head: `store.diagrams.delete_head`, last)."""
    keys = [(raw["pk"]["S"], raw["sk"]["S"]) for raw in _partition(diagram_id)]
    keys += [(s.pk, s.sk) for s in _shares(diagram_id)]
    with _Child.batch_write() as batch:
        for pk, sk in keys:
            batch.delete(_Child(pk, sk))
    return len(keys)
