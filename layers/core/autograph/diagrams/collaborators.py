"""Collaborators: registered users invited by e-mail as `viewer` or `editor`.

The collaborator item lives in the diagram's partition (store/collaborators.py), so the access
check is a GetItem and a permanent delete removes it with the rest; a per-user index lists what is
shared with a user. Only the owner adds or removes collaborators; a collaborator may remove
themselves. Inviting an unknown e-mail is a 404; inviting the owner is a 422. Re-inviting
changes the role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import clock
from ..auth.accounts import find_by_email
from ..errors import NotFound, ValidationFailed
from ..store import collaborators as collaborator_store
from . import access, lifecycle
from .schema import CollaboratorIn

if TYPE_CHECKING:
    from ..store.diagram_models import CollaboratorItem


def _out(c: CollaboratorItem) -> dict[str, Any]:
    return {"user_id": c.user_id, "email": c.email, "role": c.role, "added_at": c.added_at}


def add(user_id: str, diagram_id: str, body: CollaboratorIn) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "owner")
    user = find_by_email(body.email)
    if user is None:
        raise NotFound("No registered user has this e-mail address.")
    if user.user_id == item.owner_id:
        raise ValidationFailed("email: the owner is not a collaborator of their own diagram.")
    collab = collaborator_store.put(item.diagram_id, user.user_id, email=user.email, role=body.role,
                                    added_at=clock.iso(), added_by=user_id)
    ttl = lifecycle.ttl_if_trashed(item.diagram_id)
    if ttl is not None:  # trashed while the seat was written: it expires with the diagram
        collaborator_store.expire_with_head(item.diagram_id, user.user_id, ttl)
    return _out(collab)


def list_page(user_id: str, diagram_id: str, limit: int, cursor: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], Any]:
    item, _ = access.require(diagram_id, user_id, "viewer")
    found, last = collaborator_store.page(item.diagram_id, limit, cursor)
    return [_out(c) for c in found], last


def remove(user_id: str, diagram_id: str, target_user_id: str) -> None:
    need = "viewer" if target_user_id == user_id else "owner"
    item, _ = access.require(diagram_id, user_id, need)
    if collaborator_store.get(item.diagram_id, target_user_id) is None:
        raise NotFound("No such collaborator.")
    collaborator_store.delete(item.diagram_id, target_user_id)
