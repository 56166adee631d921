"""Share links: anonymous read (or edit) access to one diagram by an unguessable token.

- Tokens: `secrets.token_urlsafe(24)` (192 bits). Only SHA-256(token) is stored, as the item's
  key, so the public route costs one GetItem to find the link. Listing a diagram's links uses
  gsi1 (DSHARES#<diagram_id>).
- Passwords: bcrypt (autograph.auth.passwords), at least 8 characters; sent in
  `X-Share-Password`; missing or wrong -> 401. Wrong passwords are counted per link and per
  source IP (fixed windows, autograph.ratelimit): past either limit every attempt is a 429 with
  Retry-After until the window ends, so guessing is bounded even across many links.
- An anonymous viewer gets title, type, version and content (and the link's permission), never
  the owner's ids, folder, stars or tags.
- Links start with the configured public base URL (autograph.links).
- Revoked or past `expires_at` -> 410 (the link item stays, so a revoked link never turns into a
  404 that looks like a typo). A trashed or deleted diagram behind a link -> 410 too.
- Each successful view adds 1 to `view_count` atomically (UpdateItem ADD) and stamps
  `last_viewed_at`.
- Edit links update the diagram through the same optimistic-locking path (If-Match required);
  the version's author is recorded as `share:<share_id>`.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from .. import clock, links, ratelimit
from ..auth import passwords
from ..config import get_settings
from ..errors import Forbidden, Gone, NotFound, Unauthorized
from ..store import shares as share_store
from ..store.base import ConditionFailed
from . import access, lifecycle, service
from .schema import DiagramPatch, ShareIn

if TYPE_CHECKING:
    from ..store.diagram_models import DiagramItem, ShareItem


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso_or_none(ts: float | None) -> str | None:
    return clock.iso(ts) if ts else None


def _out(s: ShareItem) -> dict[str, Any]:
    return {"id": s.share_id, "permission": s.permission, "expires_at": _iso_or_none(s.link_expires_at),
            "created_at": s.created_at, "password_protected": s.password_hash is not None,
            "revoked": bool(s.revoked), "view_count": int(s.view_count or 0), "last_viewed_at": s.last_viewed_at}


def create(user_id: str, diagram_id: str, body: ShareIn) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "owner")
    token = secrets.token_urlsafe(24)
    share_id = secrets.token_hex(8)
    expires = int(clock.now()) + body.expires_in_days * 86400 if body.expires_in_days else None
    share = share_store.create(
        _digest(token), share_id=share_id, diagram_id=item.diagram_id, owner_id=user_id, permission=body.permission,
        password_hash=passwords.hash_password(body.password) if body.password else None,
        created_at=clock.iso(), link_expires_at=expires)
    ttl = lifecycle.ttl_if_trashed(item.diagram_id)
    if ttl is not None:  # trashed while the link was written: it expires with the diagram
        share_store.expire_with_head(share, ttl)
    url = f"{links.public_base_url()}/v1/shared/{token}"
    return {"id": share_id, "token": token, "url": url, "permission": body.permission,
            "expires_at": _iso_or_none(expires)}


def list_page(user_id: str, diagram_id: str, limit: int, cursor: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], Any]:
    item, _ = access.require(diagram_id, user_id, "owner")
    found, last = share_store.page(item.diagram_id, limit, cursor)
    return [_out(s) for s in found], last


def revoke(user_id: str, diagram_id: str, share_id: str) -> None:
    item, _ = access.require(diagram_id, user_id, "owner")
    share = share_store.find(item.diagram_id, share_id)
    if share is None or share.revoked:
        raise NotFound("No such share link.")
    try:
        share_store.revoke(share, clock.iso())
    except ConditionFailed as exc:  # purged with its diagram meanwhile
        raise NotFound("No such share link.") from exc


def _check_password(share: ShareItem, password: str | None, source_ip: str) -> None:
    challenge = {"WWW-Authenticate": 'Share-Password realm="autograph"'}
    if not password:
        raise Unauthorized("This share link needs a password: send it in X-Share-Password.", headers=challenge)
    s = get_settings()
    window = s.share_password_window_seconds
    # Look before verifying: once blocked, even the right password waits for the window.
    ratelimit.guard("share-pw-ip", source_ip, limit=s.share_password_ip_max_failures, window_seconds=window,
                    detail="Too many wrong share passwords from this address; try again later.")
    ratelimit.guard("share-pw", share.share_id, limit=s.share_password_max_failures, window_seconds=window,
                    detail="Too many wrong passwords for this share link; try again later.")
    if not passwords.verify_password(password, share.password_hash or ""):
        ratelimit.add_failure("share-pw-ip", source_ip, window_seconds=window)
        ratelimit.add_failure("share-pw", share.share_id, window_seconds=window)
        raise Unauthorized("The share password is wrong.", headers=challenge)


def _open(token: str, password: str | None, source_ip: str) -> tuple[ShareItem, DiagramItem]:
    if not token or len(token) > 128:
        raise NotFound("No such share link.")
    share = share_store.get(_digest(token))
    if share is None:
        raise NotFound("No such share link.")
    if share.revoked:
        raise Gone("This share link was revoked.")
    if share.link_expires_at is not None and share.link_expires_at <= clock.now():
        raise Gone("This share link has expired.")
    if share.password_hash is not None:
        _check_password(share, password, source_ip)
    item = access.head(share.diagram_id)
    if item is None or access.is_trashed(item) or access.expired(item):
        raise Gone("The shared diagram is no longer available.")
    return share, item


def anonymous_view(diagram: dict[str, Any], permission: str) -> dict[str, Any]:
    """Only what a link holder may see of a diagram."""
    out = {k: diagram[k] for k in ("title", "type", "version", "content")}
    out["permission"] = permission
    return out


def view(token: str, password: str | None, source_ip: str = "unknown") -> dict[str, Any]:
    share, item = _open(token, password, source_ip)
    try:
        share_store.record_view(share, clock.iso())
    except ConditionFailed as exc:
        raise Gone("This share link was removed.") from exc
    return anonymous_view(access.full(item), share.permission)


def edit(token: str, password: str | None, if_match: str | None, patch: DiagramPatch,
         source_ip: str = "unknown") -> dict[str, Any]:
    share, item = _open(token, password, source_ip)
    if share.permission != "edit":
        raise Forbidden("This share link is read-only.")
    expected = service.parse_if_match(if_match)
    out = service.apply_update_from_patch(item, expected, f"share:{share.share_id}", patch)
    return anonymous_view(out, share.permission)
