"""Refresh tokens: opaque, stored hashed, rotated on every use, grouped in families.

A family is one sign-in. It remembers the hash of its only valid token. Presenting any other
token of the family (one already rotated away) means it leaked: the whole family is revoked.
Rotation is a transaction conditioned on the family still pointing at the presented token, so
two concurrent refreshes with the same token cannot both mint different successors.

Grace window: two tabs refreshing at once must not log the user out. A token's successor is
derived from the token itself (HMAC keyed by the token), so every request presenting it computes
the same successor; the family remembers the previous hash and when it rotated. The same token
presented again within `refresh_reuse_grace_seconds` gets that same successor back; after the
window (or once the successor itself has rotated) it is reuse and revokes the family.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from .. import clock
from ..config import get_settings
from ..errors import Unauthorized
from ..store import sessions as store
from .hashing import digest, new_secret

TOKEN_PREFIX = "agr_"


@dataclass(frozen=True)
class Rotation:
    user_id: str
    refresh_token: str


class ReuseDetected(Unauthorized):
    """A rotated refresh token came back: its family is now revoked."""

    def __init__(self, user_id: str) -> None:
        super().__init__("The refresh token was already used; every session of it is revoked.")
        self.user_id = user_id


def start_family(user_id: str) -> str:
    """A new sign-in: a new family and its first token."""
    token = new_secret(TOKEN_PREFIX)
    store.start_family(user_id, secrets.token_hex(12), digest(token), clock.iso(),
                       int(clock.now()) + get_settings().refresh_token_ttl)
    return token


def _lookup(token: str) -> tuple[store.RefreshToken, store.Family]:
    invalid = Unauthorized("The refresh token is not valid.")
    if not token.startswith(TOKEN_PREFIX):
        raise invalid
    item = store.find_token(digest(token))
    family = store.find_family(item.user_id, item.family_id) if item else None
    if item is None or family is None:
        raise invalid
    t = clock.now()
    if item.expires_at <= t or family.expires_at <= t:
        raise Unauthorized("The refresh token has expired.")
    return item, family


def successor_of(token: str, family_id: str) -> str:
    """The one token that replaces `token`: unguessable without `token` itself, and the same
    for every concurrent request that presents it."""
    mac = hmac.new(token.encode(), f"agr-successor|{family_id}".encode(), hashlib.sha256).digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def within_grace(family: store.Family, token_hash: str, successor_hash: str, now: float, grace: int) -> bool:
    """Is `token_hash` the token this family rotated away last, to `successor_hash`, no more than
    `grace` seconds ago (and the family still alive)? Then presenting it again is two tabs
    refreshing at once, not a leak."""
    return (grace > 0 and not family.revoked and family.previous_hash == token_hash
            and family.current_hash == successor_hash and family.rotated_at is not None
            and now - family.rotated_at <= grace)


def rotate(token: str) -> Rotation:
    item, family = _lookup(token)
    token_hash = digest(token)
    if family.revoked:
        raise Unauthorized("The refresh token has been revoked.")
    fresh = successor_of(token, item.family_id)
    fresh_hash = digest(fresh)
    if family.current_hash == token_hash:
        t = clock.now()
        expires = int(t) + get_settings().refresh_token_ttl  # activity keeps a session alive
        if store.rotate(family, token_hash, fresh_hash, expires, t):
            return Rotation(user_id=item.user_id, refresh_token=fresh)
        # A concurrent refresh with the same token won the race: it wrote our successor.
        family = store.find_family(item.user_id, item.family_id) or family
    if within_grace(family, token_hash, fresh_hash, clock.now(), get_settings().refresh_reuse_grace_seconds):
        return Rotation(user_id=item.user_id, refresh_token=fresh)
    store.revoke_family(item.user_id, item.family_id)
    raise ReuseDetected(item.user_id)


def owner_of(token: str) -> tuple[str, str]:
    """The user and family of a live refresh token (401 if it is not one)."""
    item, _ = _lookup(token)
    return item.user_id, item.family_id


def revoke_family(user_id: str, family_id: str) -> None:
    store.revoke_family(user_id, family_id)


def revoke_all(user_id: str) -> int:
    """Revoke every family of the user (logout everywhere, password reset)."""
    return store.revoke_all(user_id)
