"""Data access for password-reset tokens: stored by hash, single use, expired by TTL.

Key formats live in `auth_models`; callers speak in token hashes. The reset flow is
`autograph.auth.accounts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .auth_models import ResetTokenItem
from .base import get_or_none, update_if


@dataclass(frozen=True)
class ResetToken:
    user_id: str
    used: bool
    expires_at: int


def create(token_hash: str, user_id: str, expires_at: int) -> None:
    ResetTokenItem(*ResetTokenItem.key(token_hash), user_id=user_id, used=False, expires_at=expires_at).save()


def find(token_hash: str) -> ResetToken | None:
    item = get_or_none(ResetTokenItem, *ResetTokenItem.key(token_hash), consistent_read=True)
    if item is None:
        return None
    return ResetToken(user_id=item.user_id, used=bool(item.used), expires_at=int(item.expires_at or 0))


def spend(token_hash: str, now: int) -> bool:
    """Mark the token used, atomically, if it exists, is unused and has not expired at `now`:
    exactly one caller can win. False otherwise."""
    return update_if(ResetTokenItem(*ResetTokenItem.key(token_hash)), [ResetTokenItem.used.set(True)],
                     ResetTokenItem.pk.exists() & (ResetTokenItem.used == False)  # noqa: E712
                     & (ResetTokenItem.expires_at > now))
