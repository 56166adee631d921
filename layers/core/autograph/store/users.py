"""Data access for the user aggregate: the profile item and its e-mail claim.

Key formats live in `auth_models`; callers speak in user ids and e-mails only. Returned
`UserItem`s are read-only records: callers change users through the functions here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.transactions import TransactWrite

from .auth_models import EmailClaim, UserItem
from .base import get_or_none, write_together_if


@dataclass(frozen=True)
class AuthState:
    """What the authorizer needs to know about a token's user."""

    exists: bool
    sessions_valid_after_ms: int = 0


def create(user_id: str, email: str, name: str | None, password_hash: str, created_at: str) -> UserItem | None:
    """A new user and the claim on their (lower-cased) e-mail, in one transaction. None when the
    e-mail is taken: uniqueness is the claim's condition, not a read before the write."""
    user = UserItem(*UserItem.key(user_id), user_id=user_id, email=email, name=name,
                    created_at=created_at, password_hash=password_hash)
    claim = EmailClaim(*EmailClaim.key(email), user_id=user_id)

    def writes(tx: TransactWrite) -> None:
        tx.save(claim, condition=EmailClaim.pk.does_not_exist())
        tx.save(user, condition=UserItem.pk.does_not_exist())

    return user if write_together_if(UserItem, writes) else None


def find_by_email(email: str) -> UserItem | None:
    """The user holding this e-mail's claim (two GetItems: claim, then profile)."""
    claim = get_or_none(EmailClaim, *EmailClaim.key(email))
    return None if claim is None else get_or_none(UserItem, *UserItem.key(claim.user_id))


def find(user_id: str) -> UserItem | None:
    return get_or_none(UserItem, *UserItem.key(user_id), consistent_read=True)


def auth_state(user_id: str) -> AuthState:
    """One GetItem of two attributes: does the user exist, and since when are sessions valid."""
    item = get_or_none(UserItem, *UserItem.key(user_id), attributes_to_get=["user_id", "sessions_valid_after"])
    if item is None:
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
    def writes(tx: TransactWrite) -> None:
        tx.delete(UserItem(*UserItem.key(user.user_id)), condition=UserItem.pk.exists())
        tx.delete(EmailClaim(*EmailClaim.key(user.email)), condition=EmailClaim.user_id == user.user_id)

    return write_together_if(UserItem, writes)
