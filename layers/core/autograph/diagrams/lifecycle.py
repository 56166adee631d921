"""One lifecycle for a diagram: trash, restore and permanent delete (single and bulk), and the
expiry cascade that makes everything a diagram owns expire with its head.

Trash: the head leaves the live lists for the owner's trash and carries the TTL `expires_at`
(TRASH_SECONDS, 30 days). Without Streams or a sweeper Lambda the children would outlive it
when DynamoDB's TTL deletes the head, so trashing stamps the same `expires_at` on every child
(versions, collaborators, share links: `store.trash`) and tags the diagram's S3 objects
`autograph-trashed=true` (`content.tag_trashed`; the DiagramsBucket lifecycle rule expires
tagged objects after `content.TAG_EXPIRY_DAYS` > 30 days, so an object never goes before the
item pointing at it). Restore removes both again, and a restored diagram whose folder was
deleted meanwhile lands at the root. Purge deletes the children, the S3 objects, then the head.

Order: trash commits the head first (the conditional write that decides the race) and then
stamps the children, so a failure leaves at worst an unstamped child, never a TTL on a live
diagram's data. Restore clears the children first and then the head, for the same reason: a
restored head never points at children that are still due to expire. Purge removes the head
last, so a half-purged diagram is still found and purged again. A child added while a trash
runs follows the head (`ttl_if_trashed`): the child is written before the head is read, and
trash writes the head before it stamps the children, so one of the two always sees the other.
Readers need no change: every child is reached through the head, and `access.expired` treats a
head past its TTL as gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import clock
from ..errors import AppError, BadRequest, Conflict, NotFound, ValidationFailed
from ..store import diagrams as diagram_store
from ..store import folders as folder_store
from ..store import trash as trash_store
from ..store.base import ConditionFailed
from . import access, content, metadata

if TYPE_CHECKING:
    from ..store.diagram_models import DiagramItem

TRASH_SECONDS = 30 * 24 * 3600
BULK_NEEDS = {"delete": "owner", "restore": "owner", "move": "owner", "star": "editor", "unstar": "editor",
              "tag": "editor"}


# ------------------------------------------------------------------ one diagram
def trash_item(item: DiagramItem) -> DiagramItem:
    """Head first (404 if someone else trashed or purged it meanwhile), then the children."""
    stamp = clock.iso()
    purge_at = int(clock.now()) + TRASH_SECONDS
    try:
        trashed = diagram_store.move_to_trash(item, stamp, purge_at)
    except ConditionFailed as exc:
        raise access.not_found() from exc
    trash_store.expire_children(item.diagram_id, purge_at)
    content.tag_trashed(item.diagram_id)
    return trashed


def restore_item(item: DiagramItem) -> DiagramItem:
    """Children first, then the head (409 if it is not in the trash)."""
    if item.deleted_at is None:
        raise Conflict("The diagram is not in the trash.")
    folder_id = item.folder_id
    if folder_id and folder_store.get(item.owner_id, folder_id) is None:
        folder_id = None  # its folder was deleted meanwhile: restore to the root
    trash_store.expire_children(item.diagram_id, None)
    content.untag_trashed(item.diagram_id)
    try:
        return diagram_store.restore_from_trash(item, folder_id)
    except ConditionFailed as exc:
        raise Conflict("The diagram is not in the trash.") from exc


def purge_item(item: DiagramItem) -> None:
    """Permanent delete: versions and collaborators (the partition), share links, S3 objects,
    and the head last."""
    trash_store.delete_children(item.diagram_id)
    content.delete_prefix(f"diagrams/{item.diagram_id}")
    diagram_store.delete_head(item.diagram_id)


def trash(user_id: str, diagram_id: str) -> None:
    item, _ = access.require(diagram_id, user_id, "owner")
    trash_item(item)


def restore(user_id: str, diagram_id: str) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "owner", trashed="only")
    return access.summary(restore_item(item), "owner")


def purge(user_id: str, diagram_id: str) -> None:
    item, _ = access.require(diagram_id, user_id, "owner", trashed="ok")
    purge_item(item)


def ttl_if_trashed(diagram_id: str) -> int | None:
    """After adding a child to a diagram that was live when checked: the head's TTL should the
    diagram have been trashed meanwhile (the cascade may have missed the new child), else None."""
    item = access.head(diagram_id)
    if item is not None and item.deleted_at is not None and item.expires_at is not None:
        return int(item.expires_at)
    return None


# ------------------------------------------------------------------ many diagrams
def trash_in_folders(owner: str, folder_ids: list[str]) -> int:
    """Trash every live diagram of the owner filed in one of `folder_ids` (recursive folder delete)."""
    diagrams = diagram_store.live_in_folders(owner, folder_ids)
    for item in diagrams:
        trash_item(item)
    return len(diagrams)


def bulk(user_id: str, action: str, ids: list[str], folder_id: str | None, tags: list[str] | None) -> dict[str, Any]:
    """One action on many diagrams, each answered on its own (ok, not_found, forbidden, conflict)."""
    if action == "move" and folder_id is not None:
        access.require_folder(user_id, folder_id, field="folder_id")
    if action == "tag":
        if not tags:
            raise ValidationFailed("tags: required for the tag action.")
        tags = metadata.normalize_tags(tags)
    found = diagram_store.get_heads(ids)
    results = []
    for diagram_id in ids:
        item = found.get(diagram_id)
        try:
            if item is None or access.expired(item):
                raise access.not_found()
            if access.is_trashed(item) and (action != "restore" or item.owner_id != user_id):
                raise access.not_found()
            access.check_role(access.role_of(item, user_id), BULK_NEEDS[action])
            if action == "delete":
                trash_item(item)
            elif action == "restore":
                restore_item(item)
            elif action == "move":
                metadata.move_to(item, folder_id)
            elif action in ("star", "unstar"):
                metadata.set_star(item, action == "star")
            elif action == "tag":
                metadata.add_tags(item, tags or [])
            results.append({"id": diagram_id, "status": "ok"})
        except NotFound:
            results.append({"id": diagram_id, "status": "not_found"})
        except AppError as exc:
            status = {403: "forbidden", 409: "conflict"}.get(exc.status, "conflict")
            if isinstance(exc, (ValidationFailed, BadRequest)):
                status = "conflict"
            results.append({"id": diagram_id, "status": status, "detail": exc.detail})
    return {"action": action, "results": results}
