"""Data access for the user aggregate: the profile item and its e-mail claim.

Key formats live in `auth_models`; callers speak in user ids and e-mails only.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from .auth_models import EmailClaim, UserItem


@dataclass(frozen=True)
class AuthState:
    """What the authorizer needs to know about a token's user."""

    exists: bool
    sessions_valid_after_ms: int = 0


def find(user_id: str) -> UserItem | None:
    try:
        return UserItem.get(*UserItem.key(user_id), consistent_read=True)
    except DoesNotExist:
        return None


def auth_state(user_id: str) -> AuthState:
    """One GetItem of two attributes: does the user exist, and since when are sessions valid."""
    try:
        item = UserItem.get(*UserItem.key(user_id),
                            attributes_to_get=["user_id", "sessions_valid_after"])
    except DoesNotExist:
        return AuthState(exists=False)
    return AuthState(exists=True, sessions_valid_after_ms=int(item.sessions_valid_after or 0))


def invalidate_sessions(user_id: str, at_ms: int) -> None:
    """Access tokens issued before `at_ms` stop working (the authorizer checks)."""
    UserItem(*UserItem.key(user_id)).update(
        actions=[UserItem.sessions_valid_after.set(at_ms)], condition=UserItem.pk.exists())


def set_password(user_id: str, password_hash: str, changed_at: str, at_ms: int) -> None:
    """A new password hash; every access token issued before `at_ms` is revoked with it."""
    UserItem(*UserItem.key(user_id)).update(
        actions=[UserItem.password_hash.set(password_hash), UserItem.password_changed_at.set(changed_at),
                 UserItem.sessions_valid_after.set(at_ms)],
        condition=UserItem.pk.exists())


def delete_identity(user: UserItem) -> bool:
    """Remove the profile and free the e-mail in one transaction: from here on the user does
    not exist (tokens get 401) and the address can sign up again. False if a concurrent
    deletion got there first."""
    try:
        with TransactWrite(connection=UserItem._get_connection().connection) as tx:
            tx.delete(UserItem(*UserItem.key(user.user_id)), condition=UserItem.pk.exists())
            tx.delete(EmailClaim(*EmailClaim.key(user.email)), condition=EmailClaim.user_id == user.user_id)
    except TransactWriteError:
        return False
    return True
