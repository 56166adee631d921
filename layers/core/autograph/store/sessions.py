"""Data access for sign-in sessions: refresh-token families and the refresh tokens pointing at them.

A family (one sign-in) remembers the hash of its only valid token and the one rotated away last;
each issued token has a lookup item pointing at its family. Key formats live in `auth_models`;
callers speak in user ids, family ids and token hashes. The rotation rules (reuse detection,
grace window) are `autograph.auth.sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.transactions import TransactWrite

from .auth_models import RefreshTokenItem, TokenFamily, user_partition
from .base import get_or_none, update_if, write_together, write_together_if


@dataclass(frozen=True)
class Family:
    user_id: str
    family_id: str
    current_hash: str
    previous_hash: str | None
    rotated_at: float | None  # epoch seconds of the last rotation
    revoked: bool
    expires_at: int


@dataclass(frozen=True)
class RefreshToken:
    user_id: str
    family_id: str
    expires_at: int


def _family(item: TokenFamily) -> Family:
    return Family(user_id=item.user_id, family_id=item.family_id, current_hash=item.current_hash,
                  previous_hash=item.previous_hash, rotated_at=item.rotated_at, revoked=bool(item.revoked),
                  expires_at=int(item.expires_at or 0))


def start_family(user_id: str, family_id: str, token_hash: str, created_at: str, expires_at: int) -> None:
    """A new family and its first token, together."""

    def writes(tx: TransactWrite) -> None:
        tx.save(TokenFamily(*TokenFamily.key(user_id, family_id), family_id=family_id, user_id=user_id,
                            current_hash=token_hash, revoked=False, created_at=created_at,
                            expires_at=expires_at))
        tx.save(RefreshTokenItem(*RefreshTokenItem.key(token_hash), user_id=user_id, family_id=family_id,
                                 expires_at=expires_at))

    write_together(TokenFamily, writes)


def find_token(token_hash: str) -> RefreshToken | None:
    item = get_or_none(RefreshTokenItem, *RefreshTokenItem.key(token_hash), consistent_read=True)
    if item is None:
        return None
    return RefreshToken(user_id=item.user_id, family_id=item.family_id, expires_at=int(item.expires_at or 0))


def find_family(user_id: str, family_id: str) -> Family | None:
    item = get_or_none(TokenFamily, *TokenFamily.key(user_id, family_id), consistent_read=True)
    return None if item is None else _family(item)


def rotate(family: Family, from_hash: str, to_hash: str, expires_at: int, rotated_at: float) -> bool:
    """Point the family at `to_hash` (and remember `from_hash` as the previous one), on condition
    that it still points at `from_hash` and is not revoked; store the new token's lookup in the
    same transaction. False when the condition failed (a concurrent rotation won)."""
    def writes(tx: TransactWrite) -> None:
        tx.update(
            TokenFamily(*TokenFamily.key(family.user_id, family.family_id)),
            actions=[TokenFamily.current_hash.set(to_hash), TokenFamily.expires_at.set(expires_at),
                     TokenFamily.previous_hash.set(from_hash), TokenFamily.rotated_at.set(rotated_at)],
            condition=(TokenFamily.current_hash == from_hash) & (TokenFamily.revoked == False),  # noqa: E712
        )
        tx.save(RefreshTokenItem(*RefreshTokenItem.key(to_hash), user_id=family.user_id,
                                 family_id=family.family_id, expires_at=expires_at))

    return write_together_if(TokenFamily, writes)


def revoke_family(user_id: str, family_id: str) -> None:
    """Mark the family revoked (idempotent; a family that is gone stays gone)."""
    update_if(TokenFamily(*TokenFamily.key(user_id, family_id)), [TokenFamily.revoked.set(True)],
              TokenFamily.pk.exists())


def revoke_all(user_id: str) -> int:
    """Revoke every live family of the user (sign-out everywhere, password change or reset)."""
    count = 0
    for item in TokenFamily.query(user_partition(user_id), TokenFamily.sk.startswith(TokenFamily.SK_PREFIX)):
        if not item.revoked:
            revoke_family(user_id, item.family_id)
            count += 1
    return count
