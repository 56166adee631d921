"""Collaborators: registered users invited by e-mail as `viewer` or `editor`.

The collaborator item lives in the diagram's partition (COLLAB#<user_id>) so the access check is a
GetItem and a permanent delete removes it with the rest; gsi1 (SHARED#<user_id>) lists what is
shared with a user. Only the owner adds or removes collaborators; a collaborator may remove
themselves. Inviting an unknown e-mail is a 404; inviting the owner is a 422. Re-inviting
changes the role.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from ..auth.accounts import find_by_email
from ..clock import iso
from ..errors import NotFound, ValidationFailed
from ..store.diagram_models import CollaboratorItem
from . import access, expiry
from .schema import CollaboratorIn


def _out(c: CollaboratorItem) -> dict[str, Any]:
    return {"user_id": c.user_id, "email": c.email, "role": c.role, "added_at": c.added_at}


def add(user_id: str, diagram_id: str, body: CollaboratorIn) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "owner")
    user = find_by_email(body.email)
    if user is None:
        raise NotFound("No registered user has this e-mail address.")
    if user.user_id == item.owner_id:
        raise ValidationFailed("email: the owner is not a collaborator of their own diagram.")
    stamp = iso()
    collab = CollaboratorItem(
        *CollaboratorItem.key(item.diagram_id, user.user_id), diagram_id=item.diagram_id, user_id=user.user_id,
        email=user.email, role=body.role, added_at=stamp, added_by=user_id,
        gsi1pk=f"SHARED#{user.user_id}", gsi1sk=f"{stamp}#{item.diagram_id}",
    )
    collab.save()
    expiry.follow_head(item.diagram_id, collab.pk, collab.sk)
    return _out(collab)


def list_page(user_id: str, diagram_id: str, limit: int, cursor: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], Any]:
    item, _ = access.require(diagram_id, user_id, "viewer")
    result = CollaboratorItem.query(item.pk, CollaboratorItem.sk.startswith("COLLAB#"), limit=limit,
                                    last_evaluated_key=cursor)
    return [_out(c) for c in result], result.last_evaluated_key


def remove(user_id: str, diagram_id: str, target_user_id: str) -> None:
    need = "viewer" if target_user_id == user_id else "owner"
    item, _ = access.require(diagram_id, user_id, need)
    try:
        collab = CollaboratorItem.get(*CollaboratorItem.key(item.diagram_id, target_user_id), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("No such collaborator.") from exc
    collab.delete()
