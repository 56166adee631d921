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

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from ..clock import iso, now
from ..config import get_settings
from ..errors import Unauthorized
from ..store.auth_models import RefreshTokenItem, TokenFamily
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


def _connection():  # the models share one table and so one connection
    return TokenFamily._get_connection().connection


def start_family(user_id: str) -> str:
    """A new sign-in: a new family and its first token."""
    ttl = get_settings().refresh_token_ttl
    token = new_secret(TOKEN_PREFIX)
    token_hash = digest(token)
    family_id = secrets.token_hex(12)
    expires = int(now()) + ttl
    with TransactWrite(connection=_connection()) as tx:
        tx.save(TokenFamily(*TokenFamily.key(user_id, family_id), family_id=family_id, user_id=user_id,
                            current_hash=token_hash, revoked=False, created_at=iso(), expires_at=expires))
        tx.save(RefreshTokenItem(*RefreshTokenItem.key(token_hash), user_id=user_id,
                                 family_id=family_id, expires_at=expires))
    return token


def _lookup(token: str) -> tuple[RefreshTokenItem, TokenFamily]:
    invalid = Unauthorized("The refresh token is not valid.")
    if not token.startswith(TOKEN_PREFIX):
        raise invalid
    try:
        item = RefreshTokenItem.get(*RefreshTokenItem.key(digest(token)), consistent_read=True)
        family = TokenFamily.get(*TokenFamily.key(item.user_id, item.family_id), consistent_read=True)
    except DoesNotExist as exc:
        raise invalid from exc
    if (item.expires_at or 0) <= now() or (family.expires_at or 0) <= now():
        raise Unauthorized("The refresh token has expired.")
    return item, family


def revoke_family(family: TokenFamily) -> None:
    family.update(actions=[TokenFamily.revoked.set(True)])


def successor_of(token: str, family_id: str) -> str:
    """The one token that replaces `token`: unguessable without `token` itself, and the same
    for every concurrent request that presents it."""
    mac = hmac.new(token.encode(), f"agr-successor|{family_id}".encode(), hashlib.sha256).digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def _within_grace(family: TokenFamily, token_hash: str, successor_hash: str) -> bool:
    grace = get_settings().refresh_reuse_grace_seconds
    return (grace > 0 and not family.revoked and family.previous_hash == token_hash
            and family.current_hash == successor_hash and family.rotated_at is not None
            and now() - family.rotated_at <= grace)


def rotate(token: str) -> Rotation:
    item, family = _lookup(token)
    token_hash = digest(token)
    if family.revoked:
        raise Unauthorized("The refresh token has been revoked.")
    fresh = successor_of(token, item.family_id)
    fresh_hash = digest(fresh)
    if family.current_hash == token_hash:
        t = now()
        expires = int(t) + get_settings().refresh_token_ttl  # activity keeps a session alive
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.update(
                    family,
                    actions=[TokenFamily.current_hash.set(fresh_hash), TokenFamily.expires_at.set(expires),
                             TokenFamily.previous_hash.set(token_hash), TokenFamily.rotated_at.set(t)],
                    condition=(TokenFamily.current_hash == token_hash) & (TokenFamily.revoked == False),  # noqa: E712
                )
                tx.save(RefreshTokenItem(*RefreshTokenItem.key(fresh_hash), user_id=item.user_id,
                                         family_id=item.family_id, expires_at=expires))
            return Rotation(user_id=item.user_id, refresh_token=fresh)
        except TransactWriteError:
            # A concurrent refresh with the same token won the race: it wrote our successor.
            family.refresh(consistent_read=True)
    if _within_grace(family, token_hash, fresh_hash):
        return Rotation(user_id=item.user_id, refresh_token=fresh)
    revoke_family(family)
    raise ReuseDetected(item.user_id)


def owner_of(token: str) -> tuple[str, TokenFamily]:
    item, family = _lookup(token)
    return item.user_id, family


def revoke_all(user_id: str) -> int:
    """Revoke every family of the user (logout everywhere, password reset)."""
    count = 0
    for family in TokenFamily.query(f"USER#{user_id}", TokenFamily.sk.startswith("FAMILY#")):
        if not family.revoked:
            revoke_family(family)
            count += 1
    return count
