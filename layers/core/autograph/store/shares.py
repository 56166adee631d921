"""Data access for share links: `SHARE#<sha256(token)>` / `SHARE` (one GetItem finds a link by
its token's hash; the token itself is never stored), listed per diagram on gsi1
`DSHARES#<diagram_id>` / `<share_id>`. Returned `ShareItem`s are read-only records."""

from __future__ import annotations

from typing import Any

from . import trash
from .base import get_or_none, query_page, save_new, update_or_fail
from .diagram_models import ShareItem, shares_index


def create(token_hash: str, *, share_id: str, diagram_id: str, owner_id: str, permission: str,
           password_hash: str | None, created_at: str, link_expires_at: int | None) -> ShareItem:
    share = ShareItem(
        *ShareItem.key(token_hash), share_id=share_id, diagram_id=diagram_id, owner_id=owner_id,
        permission=permission, password_hash=password_hash, created_at=created_at, link_expires_at=link_expires_at,
        revoked=False, view_count=0, gsi1pk=shares_index(diagram_id), gsi1sk=share_id,
    )
    return save_new(share, ShareItem.pk.does_not_exist(), share_id)


def get(token_hash: str) -> ShareItem | None:
    return get_or_none(ShareItem, *ShareItem.key(token_hash), consistent_read=True)


def page(diagram_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[ShareItem], dict[str, Any] | None]:
    return query_page(ShareItem.gsi1.query(shares_index(diagram_id), limit=limit, last_evaluated_key=cursor))


def find(diagram_id: str, share_id: str) -> ShareItem | None:
    found = list(ShareItem.gsi1.query(shares_index(diagram_id), ShareItem.gsi1sk == share_id, limit=1))
    return found[0] if found else None


def _update(share: ShareItem, actions: list[Any]) -> ShareItem:
    return update_or_fail(ShareItem(share.pk, share.sk), actions, ShareItem.pk.exists(), share.share_id)


def revoke(share: ShareItem, at: str) -> ShareItem:
    """ConditionFailed if the link item is gone."""
    return _update(share, [ShareItem.revoked.set(True), ShareItem.revoked_at.set(at)])


def record_view(share: ShareItem, at: str) -> ShareItem:
    """Add one to the view count atomically (ADD) and stamp the time; ConditionFailed if gone."""
    return _update(share, [ShareItem.view_count.add(1), ShareItem.last_viewed_at.set(at)])


def expire_with_head(share: ShareItem, expires_at: int) -> bool:
    """Give a link its diagram's trash TTL (False if the link is gone)."""
    return trash.set_ttl(share.pk, share.sk, expires_at)
