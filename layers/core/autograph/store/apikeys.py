"""Data access for API keys: the owner's record (listing, no secret), the authorizer's lookup by
secret hash (one GetItem), and the per-user roster of live key ids that enforces the key limit.

Key formats live in `auth_models`; callers speak in user ids, key ids and secret hashes. Creating
and deleting a key are transactions over all three items, so the roster is exact and the limit
holds under concurrent creates (a condition on the roster, not a count read before the write).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import size
from pynamodb.transactions import TransactWrite

from .auth_models import ApiKeyLookup, ApiKeyRecord, ApiKeyRoster, user_partition
from .base import ConditionFailed, cancelled_by_condition, get_or_none, query_page, write_together, write_together_if


class LimitReached(Exception):
    """The user already holds the most keys allowed; nothing was written."""


@dataclass(frozen=True)
class ApiKey:
    """The owner's view of a key (never the secret)."""

    key_id: str
    name: str
    prefix: str
    created_at: str
    scopes: list[str] | None  # None: a key created before scopes existed
    key_hash: str


@dataclass(frozen=True)
class KeyLookup:
    """What the authorizer learns from a secret's hash."""

    user_id: str
    key_id: str
    email: str
    scopes: list[str] | None


def _record(item: ApiKeyRecord) -> ApiKey:
    return ApiKey(key_id=item.key_id, name=item.name, prefix=item.prefix, created_at=item.created_at,
                  scopes=None if item.scopes is None else list(item.scopes), key_hash=item.key_hash)


def create(user_id: str, email: str, key: ApiKey, max_keys: int) -> None:
    """Store a new key, its lookup and its place on the roster, or raise LimitReached when the
    user already holds `max_keys` keys."""
    roster = ApiKeyRoster.key_ids

    def writes(tx: TransactWrite) -> None:
        tx.update(ApiKeyRoster(*ApiKeyRoster.key(user_id)), actions=[roster.add({key.key_id})],
                  condition=roster.does_not_exist() | (size(roster) < max_keys))
        tx.save(ApiKeyRecord(*ApiKeyRecord.key(user_id, key.key_id), key_id=key.key_id, name=key.name,
                             prefix=key.prefix, key_hash=key.key_hash, created_at=key.created_at,
                             scopes=key.scopes))
        tx.save(ApiKeyLookup(*ApiKeyLookup.key(key.key_hash), user_id=user_id, key_id=key.key_id,
                             email=email, scopes=key.scopes),
                condition=ApiKeyLookup.pk.does_not_exist())

    try:
        write_together(ApiKeyRecord, writes)
    except TransactWriteError as exc:
        if cancelled_by_condition(exc, item=0) or (cancelled_by_condition(exc) and _full(user_id, max_keys)):
            raise LimitReached from exc
        raise


def _full(user_id: str, max_keys: int) -> bool:
    # Only for a stand-in that does not say which condition failed: the roster decides.
    item = get_or_none(ApiKeyRoster, *ApiKeyRoster.key(user_id), consistent_read=True)
    if item is None:
        return False
    return len(item.key_ids or ()) >= max_keys


def find(user_id: str, key_id: str) -> ApiKey | None:
    item = get_or_none(ApiKeyRecord, *ApiKeyRecord.key(user_id, key_id), consistent_read=True)
    return None if item is None else _record(item)


def find_by_hash(key_hash: str) -> KeyLookup | None:
    """The authorizer's one GetItem (eventually consistent: a key is never used the instant it is made)."""
    item = get_or_none(ApiKeyLookup, *ApiKeyLookup.key(key_hash))
    if item is None:
        return None
    return KeyLookup(user_id=item.user_id, key_id=item.key_id, email=item.email,
                     scopes=None if item.scopes is None else list(item.scopes))


def replace_secret(user_id: str, key: ApiKey, new_hash: str, new_prefix: str, scopes: list[str]) -> None:
    """Swap the key's secret: the old hash stops resolving in the same transaction the new one
    starts. ConditionFailed when the key changed or went away meanwhile."""
    old = get_or_none(ApiKeyLookup, *ApiKeyLookup.key(key.key_hash), consistent_read=True)
    if old is None:
        raise ConditionFailed

    def writes(tx: TransactWrite) -> None:
        tx.update(ApiKeyRecord(*ApiKeyRecord.key(user_id, key.key_id)),
                  actions=[ApiKeyRecord.key_hash.set(new_hash), ApiKeyRecord.prefix.set(new_prefix)],
                  condition=ApiKeyRecord.key_hash == key.key_hash)
        tx.delete(old, condition=ApiKeyLookup.pk.exists())
        tx.save(ApiKeyLookup(*ApiKeyLookup.key(new_hash), user_id=user_id, key_id=key.key_id,
                             email=old.email, scopes=scopes),
                condition=ApiKeyLookup.pk.does_not_exist())

    if not write_together_if(ApiKeyRecord, writes):
        raise ConditionFailed


def list_page(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[ApiKey], Any]:
    """Up to `limit` of the user's keys and the key to continue after (None at the end)."""
    records, last = query_page(ApiKeyRecord.query(
        user_partition(user_id), ApiKeyRecord.sk.startswith(ApiKeyRecord.SK_PREFIX), limit=limit,
        last_evaluated_key=cursor))
    return [_record(r) for r in records], last


def delete(user_id: str, key_id: str) -> bool:
    """Remove the key, its lookup and its roster entry together. False if there is no such key
    (never was, or a concurrent delete got there first)."""
    for _ in range(3):  # a concurrent secret swap changes which lookup to delete: read again
        key = find(user_id, key_id)
        if key is None:
            return False

        def writes(tx: TransactWrite, key_hash: str = key.key_hash) -> None:
            tx.delete(ApiKeyRecord(*ApiKeyRecord.key(user_id, key_id)), condition=ApiKeyRecord.key_hash == key_hash)
            tx.delete(ApiKeyLookup(*ApiKeyLookup.key(key_hash)))
            tx.update(ApiKeyRoster(*ApiKeyRoster.key(user_id)), actions=[ApiKeyRoster.key_ids.delete({key_id})])

        if write_together_if(ApiKeyRecord, writes):
            return True
    raise ConditionFailed("The key kept changing while it was being deleted.")
