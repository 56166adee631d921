"""In-memory stand-ins for the auth store modules (same functions, dicts instead of DynamoDB),
so the domain rules can be tested without a stack. Conditions behave as the real ones do."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from autograph.store import apikeys as real_apikeys
from autograph.store import reset_tokens as real_reset_tokens
from autograph.store import sessions as real_sessions


class FakeSessions:
    Family = real_sessions.Family
    RefreshToken = real_sessions.RefreshToken

    def __init__(self) -> None:
        self.families: dict[tuple[str, str], real_sessions.Family] = {}
        self.tokens: dict[str, real_sessions.RefreshToken] = {}
        self.before_rotate: Any = None  # a hook to let a "concurrent request" win the race

    def start_family(self, user_id: str, family_id: str, token_hash: str, created_at: str, expires_at: int) -> None:
        self.families[(user_id, family_id)] = real_sessions.Family(
            user_id=user_id, family_id=family_id, current_hash=token_hash, previous_hash=None,
            rotated_at=None, revoked=False, expires_at=expires_at)
        self.tokens[token_hash] = real_sessions.RefreshToken(user_id, family_id, expires_at)

    def find_token(self, token_hash: str) -> real_sessions.RefreshToken | None:
        return self.tokens.get(token_hash)

    def find_family(self, user_id: str, family_id: str) -> real_sessions.Family | None:
        return self.families.get((user_id, family_id))

    def rotate(self, family: real_sessions.Family, from_hash: str, to_hash: str, expires_at: int,
               rotated_at: float) -> bool:
        if self.before_rotate:
            hook, self.before_rotate = self.before_rotate, None
            hook()
        key = (family.user_id, family.family_id)
        stored = self.families[key]
        if stored.current_hash != from_hash or stored.revoked:
            return False
        self.families[key] = replace(stored, current_hash=to_hash, previous_hash=from_hash,
                                     rotated_at=rotated_at, expires_at=expires_at)
        self.tokens[to_hash] = real_sessions.RefreshToken(family.user_id, family.family_id, expires_at)
        return True

    def revoke_family(self, user_id: str, family_id: str) -> None:
        if (user_id, family_id) in self.families:
            self.families[(user_id, family_id)] = replace(self.families[(user_id, family_id)], revoked=True)

    def revoke_all(self, user_id: str) -> int:
        live = [k for k, f in self.families.items() if k[0] == user_id and not f.revoked]
        for uid, fid in live:
            self.revoke_family(uid, fid)
        return len(live)


class FakeApiKeys:
    ApiKey = real_apikeys.ApiKey
    KeyLookup = real_apikeys.KeyLookup
    LimitReached = real_apikeys.LimitReached

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], real_apikeys.ApiKey] = {}
        self.lookups: dict[str, real_apikeys.KeyLookup] = {}

    def create(self, user_id: str, email: str, key: real_apikeys.ApiKey, max_keys: int) -> None:
        if sum(1 for uid, _ in self.records if uid == user_id) >= max_keys:
            raise real_apikeys.LimitReached
        self.records[(user_id, key.key_id)] = key
        self.lookups[key.key_hash] = real_apikeys.KeyLookup(user_id, key.key_id, email, key.scopes)

    def find(self, user_id: str, key_id: str) -> real_apikeys.ApiKey | None:
        return self.records.get((user_id, key_id))

    def find_by_hash(self, key_hash: str) -> real_apikeys.KeyLookup | None:
        return self.lookups.get(key_hash)

    def list_page(self, user_id: str, limit: int, cursor: Any) -> tuple[list[real_apikeys.ApiKey], Any]:
        return [k for (uid, _), k in sorted(self.records.items()) if uid == user_id][:limit], None

    def delete(self, user_id: str, key_id: str) -> bool:
        key = self.records.pop((user_id, key_id), None)
        if key is None:
            return False
        self.lookups.pop(key.key_hash, None)
        return True


class FakeUsers:
    """store.users with a dict of profiles and one of e-mail claims."""

    def __init__(self) -> None:
        self.by_id: dict[str, Any] = {}
        self.claims: dict[str, str] = {}

    def create(self, user_id: str, email: str, name: str | None, password_hash: str, created_at: str) -> Any:
        if email in self.claims:  # the claim's condition
            return None
        self.claims[email] = user_id
        self.by_id[user_id] = SimpleNamespace(user_id=user_id, email=email, name=name, created_at=created_at,
                                              password_hash=password_hash, sessions_valid_after=0)
        return self.by_id[user_id]

    def find(self, user_id: str) -> Any:
        return self.by_id.get(user_id)

    def find_by_email(self, email: str) -> Any:
        return self.by_id.get(self.claims.get(email, ""))

    def set_password(self, user_id: str, password_hash: str, changed_at: str, at_ms: int) -> None:
        self.by_id[user_id].password_hash = password_hash
        self.by_id[user_id].sessions_valid_after = at_ms

    def invalidate_sessions(self, user_id: str, at_ms: int) -> None:
        self.by_id[user_id].sessions_valid_after = at_ms


class FakeResetTokens:
    ResetToken = real_reset_tokens.ResetToken

    def __init__(self) -> None:
        self.items: dict[str, real_reset_tokens.ResetToken] = {}

    def create(self, token_hash: str, user_id: str, expires_at: int) -> None:
        self.items[token_hash] = real_reset_tokens.ResetToken(user_id, False, expires_at)

    def find(self, token_hash: str) -> real_reset_tokens.ResetToken | None:
        return self.items.get(token_hash)

    def spend(self, token_hash: str, now: int) -> bool:
        item = self.items.get(token_hash)
        if item is None or item.used or item.expires_at <= now:
            return False
        self.items[token_hash] = replace(item, used=True)
        return True
