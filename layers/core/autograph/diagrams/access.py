"""Who may touch a diagram, and the shapes of diagram responses.

Roles: the owner; collaborators with `viewer` (read) or `editor` (read and update). Only the owner
deletes, restores, moves, shares and manages collaborators. A caller with no role gets 404 (never
403), so existence is not revealed; a collaborator lacking the needed role gets 403. Trashed
diagrams are reachable only by their owner, through the routes that accept them.

Cost: one consistent GetItem for the owner; a second GetItem (the collaborator item) otherwise.
A folder named in a request body must be one of the caller's (one GetItem; unknown is a 422).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import clock
from ..errors import Conflict, Forbidden, NotFound, UnknownReference
from ..exports.thumbnails import url as thumbnail_url
from ..store import collaborators as collaborator_store
from ..store import diagrams as diagram_store
from ..store import folders as folder_store
from . import content as content_mod

if TYPE_CHECKING:
    from ..store.diagram_models import DiagramItem, FolderItem

RANK = {"viewer": 1, "editor": 2, "owner": 3}
TRASH_SECONDS = 30 * 24 * 3600


def not_found() -> NotFound:
    return NotFound("No such diagram.")


def head(diagram_id: str) -> DiagramItem | None:
    return diagram_store.get_head(diagram_id)


def is_trashed(item: DiagramItem) -> bool:
    return item.deleted_at is not None


def expired(item: DiagramItem) -> bool:
    """TTL deletes lazily: a trashed item past its expiry is already gone for readers."""
    return item.expires_at is not None and item.expires_at <= clock.now()


def role_of(item: DiagramItem, user_id: str) -> str | None:
    if item.owner_id == user_id:
        return "owner"
    collab = collaborator_store.get(item.diagram_id, user_id)
    return collab.role if collab is not None else None


def check_role(role: str | None, need: str) -> None:
    if role is None:
        raise not_found()
    if RANK[role] < RANK[need]:
        verb = {"editor": "edit", "owner": "manage"}[need]
        raise Forbidden(f"Your role ({role}) cannot {verb} this diagram.")


def require(diagram_id: str, user_id: str, need: str = "viewer", *, trashed: str = "no") -> tuple[DiagramItem, str]:
    """Load a diagram the caller may act on. `trashed`: "no" (404 when trashed), "ok" (either),
    "only" (must be in the trash). Trashed diagrams are visible to their owner only."""
    item = head(diagram_id)
    if item is None or expired(item):
        raise not_found()
    if is_trashed(item):
        if trashed == "no" or item.owner_id != user_id:
            raise not_found()
    elif trashed == "only":
        if item.owner_id != user_id:
            raise not_found()
        raise Conflict("The diagram is not in the trash.")
    role = role_of(item, user_id)
    check_role(role, need)
    return item, role  # type: ignore[return-value]


def require_folder(owner: str, folder_id: str, *, field: str) -> FolderItem:
    """A folder named in a request body: unknown is a 422 (the request is wrong, not the URL)."""
    item = folder_store.get(owner, folder_id)
    if item is None:
        raise UnknownReference(f"{field}: no such folder.")
    return item


def _iso_ts(ts: float | None) -> str | None:
    return clock.iso(ts) if ts else None


def summary(item: DiagramItem, role: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.diagram_id, "title": item.title, "type": item.dtype, "folder_id": item.folder_id,
        "tags": list(item.tags or []), "starred": bool(item.starred), "version": int(item.version),
        "owner_id": item.owner_id, "created_at": item.created_at, "updated_at": item.updated_at,
        "last_edited_by": item.last_edited_by, "size_bytes": int(item.size_bytes or 0),
    }
    if role:
        out["role"] = role
    if item.thumbnail_key:  # issue 7: a presigned GET of the 256x256 PNG (signed locally)
        out["thumbnail_url"] = thumbnail_url(item.thumbnail_key)
    if item.deleted_at:
        out["deleted_at"] = item.deleted_at
        out["purge_at"] = _iso_ts(item.expires_at)
    return out


def full(item: DiagramItem, role: str | None = None, content: dict[str, Any] | None = None) -> dict[str, Any]:
    out = summary(item, role)
    out["content"] = content if content is not None else content_mod.load(item.content_inline, item.content_key)
    return out
