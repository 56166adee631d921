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
| audit event     | USER#<id>          | AUDIT#<iso>#<rand>     | newest first by querying backwards     |

Sign-in failure windows are `store.rate_windows` items (RATE#login-fail#<email>|<ip>, RATE#login-fail-ip#<ip>).
Data access for new code goes through `store/users.py` (profile) and `store/purge.py` (deletion).
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

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
        return f"USER#{user_id}", "PROFILE"


class EmailClaim(TableModel):
    user_id = UnicodeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email.lower()}", "EMAIL"


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
        return f"USER#{user_id}", f"FAMILY#{family_id}"


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
        return f"USER#{user_id}", f"APIKEY#{key_id}"


class AuditEvent(TableModel):
    event = UnicodeAttribute()
    at = UnicodeAttribute()
    source_ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    detail = UnicodeAttribute(null=True)
