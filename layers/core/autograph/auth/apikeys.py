"""API keys: shown once, stored only as SHA-256, resolved by the authorizer with one GetItem.

A user holds at most MAX_KEYS_PER_USER live keys; one more is a 409 until one is revoked
(enforced by a condition in the create transaction, see store.apikeys).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from .. import clock
from ..errors import Conflict, NotFound
from ..store import apikeys as store
from ..store.base import ConditionFailed
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


def _new_secret() -> tuple[str, str, str]:
    """A secret, its hash and the prefix shown in listings."""
    key = new_secret(KEY_PREFIX)
    return key, digest(key), key[: len(KEY_PREFIX) + 6]


def _out(key: store.ApiKey, secret: str | None = None) -> dict[str, Any]:
    out = {"id": key.key_id, "name": key.name, "prefix": key.prefix, "created_at": key.created_at,
           "scopes": _scopes(key.scopes)}
    if secret is not None:
        out["key"] = secret
    return out


def create(user_id: str, email: str, name: str, scopes: list[str]) -> dict[str, Any]:
    """A new key with these scopes; the secret is in this result only."""
    secret, key_hash, prefix = _new_secret()
    key = store.ApiKey(key_id=secrets.token_hex(8), name=name, prefix=prefix, created_at=clock.iso(),
                       scopes=_scopes(scopes), key_hash=key_hash)
    limit = MAX_KEYS_PER_USER
    try:
        store.create(user_id, email, key, limit)
    except store.LimitReached as exc:
        raise Conflict(f"An account holds at most {limit} API keys; revoke one you no longer use, "
                       "then create this one.", extra={"limit": limit}) from exc
    return _out(key, secret)


def reissue(user_id: str, key_id: str) -> dict[str, Any]:
    """A new secret for an existing key; the old secret stops working in the same transaction.
    Used when a create is replayed: secrets are never stored, so they cannot be shown twice."""
    key = store.find(user_id, key_id)
    if key is None:
        raise NotFound("No such API key.")
    secret, key_hash, prefix = _new_secret()
    try:
        store.replace_secret(user_id, key, key_hash, prefix, _scopes(key.scopes))
    except ConditionFailed as exc:
        raise Conflict("The API key changed meanwhile; try again.") from exc
    return _out(store.ApiKey(key_id=key.key_id, name=key.name, prefix=prefix, created_at=key.created_at,
                             scopes=key.scopes, key_hash=key_hash), secret)


def list_keys(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    keys, last = store.list_page(user_id, limit, cursor)
    return [_out(k) for k in keys], last


def revoke(user_id: str, key_id: str) -> None:
    try:
        deleted = store.delete(user_id, key_id)
    except ConditionFailed as exc:
        raise Conflict("The API key changed meanwhile; try again.") from exc
    if not deleted:
        raise NotFound("No such API key.")


def resolve(key: str) -> KeyOwner | None:
    if not key.startswith(KEY_PREFIX):
        return None
    found = store.find_by_hash(digest(key))
    if found is None:
        return None
    return KeyOwner(user_id=found.user_id, email=found.email, key_id=found.key_id,
                    scopes=tuple(_scopes(found.scopes)))
