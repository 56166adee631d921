"""Items of the auth domain on the application table.

| item            | pk                 | sk                     | notes                                  |
|-----------------|--------------------|------------------------|----------------------------------------|
| user            | USER#<id>          | PROFILE                | bcrypt hash, profile, sessions_valid_after (ms) |
| e-mail claim    | EMAIL#<lower>      | EMAIL                  | uniqueness by conditional put          |
| token family    | USER#<id>          | FAMILY#<fid>           | current + previous hash; revoked flag  |
| refresh token   | RTOKEN#<sha256>    | RTOKEN                 | points at its family; TTL              |
| reset token     | RESET#<sha256>     | RESET                  | single use; TTL                        |
| API key lookup  | APIKEY#<sha256>    | APIKEY                 | authorizer's one GetItem; scopes       |
| API key record  | USER#<id>          | APIKEY#<kid>           | listing without secrets                |
| API key roster  | USER#<id>          | APIKEYS                | set of live key ids: the per-user limit |
| audit event     | USER#<id>          | AUDIT#<iso>#<rand>     | newest first by querying backwards     |

Sign-in failure windows are `store.rate_windows` items (RATE#login-fail#<email>|<ip>, RATE#login-fail-ip#<ip>).
Only the store reads these models: `store/users.py` (profile, e-mail claim), `store/sessions.py`
(families, refresh tokens), `store/reset_tokens.py`, `store/apikeys.py`, `store/audit.py`, and
`store/purge.py` (account deletion).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from .base import TableModel


class UserItem(TableModel):
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    password_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()
    password_changed_at = UnicodeAttribute(null=True)
    # Epoch milliseconds: access tokens issued before this are refused (logout-all, password
    # change or reset). Milliseconds, so a sign-in right after a revocation is not caught by it.
    sessions_valid_after = NumberAttribute(null=True)

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return user_partition(user_id), "PROFILE"


class EmailClaim(TableModel):
    user_id = UnicodeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email.lower()}", "EMAIL"


def user_partition(user_id: str) -> str:
    """The partition of everything one user owns on the auth side (profile, families, keys, audit)."""
    return f"USER#{user_id}"


class TokenFamily(TableModel):
    family_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    current_hash = UnicodeAttribute()
    revoked = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    previous_hash = UnicodeAttribute(null=True)  # the token rotated away last (grace window)
    rotated_at = NumberAttribute(null=True)  # epoch seconds of that rotation

    @staticmethod
    def key(user_id: str, family_id: str) -> tuple[str, str]:
        return user_partition(user_id), f"FAMILY#{family_id}"

    SK_PREFIX = "FAMILY#"


class RefreshTokenItem(TableModel):
    user_id = UnicodeAttribute()
    family_id = UnicodeAttribute()

    @staticmethod
    def key(token_hash: str) -> tuple[str, str]:
        return f"RTOKEN#{token_hash}", "RTOKEN"


class ResetTokenItem(TableModel):
    user_id = UnicodeAttribute()
    used = BooleanAttribute(default=False)

    @staticmethod
    def key(token_hash: str) -> tuple[str, str]:
        return f"RESET#{token_hash}", "RESET"


class ApiKeyLookup(TableModel):
    user_id = UnicodeAttribute()
    key_id = UnicodeAttribute()
    email = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute, null=True)  # null: a key from before scopes

    @staticmethod
    def key(key_hash: str) -> tuple[str, str]:
        return f"APIKEY#{key_hash}", "APIKEY"


class ApiKeyRecord(TableModel):
    key_id = UnicodeAttribute()
    name = UnicodeAttribute()
    prefix = UnicodeAttribute()
    key_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute, null=True)

    @staticmethod
    def key(user_id: str, key_id: str) -> tuple[str, str]:
        return user_partition(user_id), f"APIKEY#{key_id}"

    SK_PREFIX = "APIKEY#"


class ApiKeyRoster(TableModel):
    """The ids of the user's live keys. Creating a key adds to the set on condition that it holds
    fewer than the limit, in the same transaction as the key: the limit holds under races."""

    key_ids = UnicodeSetAttribute(null=True)  # DynamoDB drops an emptied set: absent means none

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return user_partition(user_id), "APIKEYS"


class AuditEvent(TableModel):
    event = UnicodeAttribute()
    at = UnicodeAttribute()
    source_ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    detail = UnicodeAttribute(null=True)

    SK_PREFIX = "AUDIT#"

    @staticmethod
    def key(user_id: str, at: str, nonce: str) -> tuple[str, str]:
        return user_partition(user_id), f"AUDIT#{at}#{nonce}"
