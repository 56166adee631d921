"""Data access for collaborators: `COLLAB#<user_id>` in the diagram's partition (so the access
check is one GetItem and a permanent delete takes them with the rest), listed per user on gsi1
`SHARED#<user_id>` / `<added_at>#<diagram_id>`. Returned `CollaboratorItem`s are read-only."""

from __future__ import annotations

from typing import Any

from . import trash
from .base import get_or_none, query_page
from .diagram_models import COLLAB_SK, CollaboratorItem, diagram_pk, shared_index


def get(diagram_id: str, user_id: str) -> CollaboratorItem | None:
    return get_or_none(CollaboratorItem, *CollaboratorItem.key(diagram_id, user_id), consistent_read=True)


def put(diagram_id: str, user_id: str, *, email: str, role: str, added_at: str, added_by: str) -> CollaboratorItem:
    """Add a seat, or replace it (a re-invite changes the role)."""
    collab = CollaboratorItem(
        *CollaboratorItem.key(diagram_id, user_id), diagram_id=diagram_id, user_id=user_id, email=email, role=role,
        added_at=added_at, added_by=added_by, gsi1pk=shared_index(user_id), gsi1sk=f"{added_at}#{diagram_id}",
    )
    collab.save()
    return collab


def expire_with_head(diagram_id: str, user_id: str, expires_at: int) -> bool:
    """Give a seat its diagram's trash TTL (False if the seat is gone)."""
    return trash.set_ttl(*CollaboratorItem.key(diagram_id, user_id), expires_at)


def page(diagram_id: str, limit: int, cursor: dict[str, Any] | None
         ) -> tuple[list[CollaboratorItem], dict[str, Any] | None]:
    return query_page(CollaboratorItem.query(diagram_pk(diagram_id), CollaboratorItem.sk.startswith(COLLAB_SK),
                                             limit=limit, last_evaluated_key=cursor))


def delete(diagram_id: str, user_id: str) -> None:
    CollaboratorItem(*CollaboratorItem.key(diagram_id, user_id)).delete()


def shared_with_page(user_id: str, limit: int, cursor: dict[str, Any] | None
                     ) -> tuple[list[CollaboratorItem], dict[str, Any] | None]:
    """The user's seats, newest first (one Query page of at most `limit`)."""
    return query_page(CollaboratorItem.gsi1.query(shared_index(user_id), scan_index_forward=False, limit=limit,
                                                  last_evaluated_key=cursor))


def cursor_after(collab: CollaboratorItem) -> dict[str, Any]:
    """The cursor that continues `shared_with_page` right after this seat."""
    return {"pk": {"S": collab.pk}, "sk": {"S": collab.sk},
            "gsi1pk": {"S": collab.gsi1pk}, "gsi1sk": {"S": collab.gsi1sk}}
