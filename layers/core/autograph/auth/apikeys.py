"""API keys: shown once, stored only as SHA-256, resolved by the authorizer with one GetItem."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from ..clock import iso
from ..errors import NotFound
from ..store.auth_models import ApiKeyLookup, ApiKeyRecord
from .hashing import digest, new_secret
from .scopes import SCOPES

KEY_PREFIX = "agk_"
MAX_KEYS_PER_USER = 50


@dataclass(frozen=True)
class KeyOwner:
    user_id: str
    email: str
    key_id: str
    scopes: tuple[str, ...]


def _scopes(stored: list[str] | None) -> list[str]:
    # Keys created before scopes existed keep the access they had: every data scope.
    return list(SCOPES) if stored is None else [s for s in SCOPES if s in stored]


def _connection() -> Any:
    return ApiKeyRecord._get_connection().connection


def create(user_id: str, email: str, name: str, scopes: list[str]) -> dict[str, Any]:
    key = new_secret(KEY_PREFIX)
    key_hash = digest(key)
    key_id = secrets.token_hex(8)
    created = iso()
    prefix = key[: len(KEY_PREFIX) + 6]
    granted = _scopes(scopes)
    with TransactWrite(connection=_connection()) as tx:
        tx.save(ApiKeyRecord(*ApiKeyRecord.key(user_id, key_id), key_id=key_id, name=name,
                             prefix=prefix, key_hash=key_hash, created_at=created, scopes=granted))
        tx.save(ApiKeyLookup(*ApiKeyLookup.key(key_hash), user_id=user_id, key_id=key_id, email=email,
                             scopes=granted),
                condition=ApiKeyLookup.pk.does_not_exist())
    return {"id": key_id, "name": name, "key": key, "prefix": prefix, "created_at": created,
            "scopes": granted}


def reissue(user_id: str, key_id: str) -> dict[str, Any]:
    """A new secret for an existing key; the old secret stops working in the same transaction.
    Used when a create is replayed: secrets are never stored, so they cannot be shown twice."""
    try:
        record = ApiKeyRecord.get(*ApiKeyRecord.key(user_id, key_id), consistent_read=True)
        old = ApiKeyLookup.get(*ApiKeyLookup.key(record.key_hash), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("No such API key.") from exc
    key = new_secret(KEY_PREFIX)
    key_hash = digest(key)
    prefix = key[: len(KEY_PREFIX) + 6]
    with TransactWrite(connection=_connection()) as tx:
        tx.update(record, actions=[ApiKeyRecord.key_hash.set(key_hash), ApiKeyRecord.prefix.set(prefix)],
                  condition=ApiKeyRecord.key_hash == record.key_hash)
        tx.delete(old)
        tx.save(ApiKeyLookup(*ApiKeyLookup.key(key_hash), user_id=user_id, key_id=key_id, email=old.email,
                             scopes=_scopes(record.scopes)),
                condition=ApiKeyLookup.pk.does_not_exist())
    return {"id": key_id, "name": record.name, "key": key, "prefix": prefix, "created_at": record.created_at,
            "scopes": _scopes(record.scopes)}


def list_keys(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    result = ApiKeyRecord.query(f"USER#{user_id}", ApiKeyRecord.sk.startswith("APIKEY#"),
                                limit=limit, last_evaluated_key=cursor)
    items = [{"id": r.key_id, "name": r.name, "prefix": r.prefix, "created_at": r.created_at,
              "scopes": _scopes(r.scopes)} for r in result]
    return items, result.last_evaluated_key


def revoke(user_id: str, key_id: str) -> None:
    try:
        record = ApiKeyRecord.get(*ApiKeyRecord.key(user_id, key_id), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("No such API key.") from exc
    with TransactWrite(connection=_connection()) as tx:
        tx.delete(record)
        tx.delete(ApiKeyLookup(*ApiKeyLookup.key(record.key_hash)))


def resolve(key: str) -> KeyOwner | None:
    if not key.startswith(KEY_PREFIX):
        return None
    try:
        item = ApiKeyLookup.get(*ApiKeyLookup.key(digest(key)))
    except DoesNotExist:
        return None
    return KeyOwner(user_id=item.user_id, email=item.email, key_id=item.key_id,
                    scopes=tuple(_scopes(item.scopes)))
