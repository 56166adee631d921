"""Accounts: registration, sign-in, token refresh, logout and password reset."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import clock, links
from ..config import get_settings
from ..errors import BadRequest, Conflict, Forbidden, TooManyRequests, Unauthorized, ValidationFailed
from ..store import reset_tokens, users
from . import audit, mail, passwords, session_state, sessions, throttle
from .hashing import digest, new_secret
from .tokens import issue_access_token

if TYPE_CHECKING:
    from ..store.auth_models import UserItem  # a read-only record from store.users

BAD_CREDENTIALS = "The e-mail or password is incorrect."


@dataclass(frozen=True)
class TokenPair:
    user: UserItem
    access_token: str
    refresh_token: str
    expires_in: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "user": public_user(self.user),
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }


def now_ms() -> int:
    return int(clock.now() * 1000)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def public_user(user: UserItem) -> dict[str, Any]:
    return {"id": user.user_id, "email": user.email, "name": user.name, "created_at": user.created_at}


def tokens_for(user: UserItem) -> TokenPair:
    """A new session (token family) for the user."""
    access, ttl = issue_access_token(user.user_id, user.email)
    refresh = sessions.start_family(user.user_id)
    return TokenPair(user=user, access_token=access, refresh_token=refresh, expires_in=ttl)


def get_user(user_id: str) -> UserItem:
    """The signed-in caller's profile. A validly signed credential whose user is gone is a 401."""
    user = users.find(user_id)
    if user is None:
        raise Unauthorized("The account behind this credential no longer exists.")
    return user


def find_by_email(email: str) -> UserItem | None:
    return users.find_by_email(normalize_email(email))


def create_account(email: str, password: str, name: str | None, origin: audit.Origin) -> UserItem:
    email = normalize_email(email)
    passwords.check_policy(password, email)
    user = users.create(uuid.uuid4().hex, email, name, passwords.hash_password(password), clock.iso())
    if user is None:  # the e-mail's claim exists: uniqueness by condition, not by a prior read
        raise Conflict("An account with this e-mail already exists.")
    audit.record(user.user_id, "register", origin)
    return user


def login(email: str, password: str, origin: audit.Origin) -> TokenPair:
    email = normalize_email(email)
    ip = origin.source_ip or "unknown"
    user = find_by_email(email)
    try:
        throttle.check(email, ip)
    except TooManyRequests:
        if user:
            audit.record(user.user_id, "login_throttled", origin)
        raise
    if user is None:
        passwords.burn_verify(password)
        throttle.record_failure(email, ip)
        raise Unauthorized(BAD_CREDENTIALS)
    if not passwords.verify_password(password, user.password_hash):
        throttle.record_failure(email, ip)
        audit.record(user.user_id, "login_failed", origin)
        raise Unauthorized(BAD_CREDENTIALS)
    throttle.clear(email, ip)
    audit.record(user.user_id, "login_ok", origin)
    return tokens_for(user)


def refresh(refresh_token: str, origin: audit.Origin) -> TokenPair:
    try:
        rotation = sessions.rotate(refresh_token)
    except sessions.ReuseDetected as exc:
        audit.record(exc.user_id, "refresh_reuse_detected", origin)
        raise
    user = users.find(rotation.user_id)
    if user is None:  # deleted while the refresh token lived
        raise Unauthorized("The account behind this refresh token no longer exists.")
    access, ttl = issue_access_token(user.user_id, user.email)
    audit.record(user.user_id, "refresh", origin)
    return TokenPair(user=user, access_token=access, refresh_token=rotation.refresh_token, expires_in=ttl)


def sign_out_everywhere(user_id: str) -> None:
    """Revoke every refresh token family and every access token issued until now."""
    users.invalidate_sessions(user_id, now_ms())
    session_state.forget(user_id)
    sessions.revoke_all(user_id)


def logout(user_id: str, refresh_token: str, everywhere: bool, origin: audit.Origin) -> None:
    owner, family_id = sessions.owner_of(refresh_token)
    if owner != user_id:
        # Someone else's token: not yours to revoke, and we do not say whose it is.
        raise Unauthorized("The refresh token is not valid.")
    if everywhere:
        sign_out_everywhere(user_id)
        audit.record(user_id, "logout_all", origin)
    else:
        sessions.revoke_family(user_id, family_id)
        audit.record(user_id, "logout", origin)


def change_password(user_id: str, current: str, new_password: str, origin: audit.Origin) -> TokenPair:
    """Change the password knowing the current one. Every other session (refresh and access
    tokens) ends; the caller gets a fresh session so this client stays signed in."""
    user = users.find(user_id)
    if user is None:
        raise Unauthorized("The account no longer exists.")
    ip = origin.source_ip or "unknown"
    throttle.check(user.email, ip)  # a stolen access token must not become a password oracle
    if not passwords.verify_password(current, user.password_hash):
        throttle.record_failure(user.email, ip)
        audit.record(user_id, "password_change_failed", origin)
        raise Forbidden("The current password is incorrect.")
    passwords.check_policy(new_password, user.email)
    if passwords.verify_password(new_password, user.password_hash):
        raise ValidationFailed("The new password must differ from the current one.")
    revoked_at = now_ms()
    users.set_password(user_id, passwords.hash_password(new_password), clock.iso(), revoked_at)
    session_state.forget(user_id)
    sessions.revoke_all(user_id)
    audit.record(user_id, "password_changed", origin)
    return tokens_for(user)


def request_password_reset(email: str, origin: audit.Origin) -> None:
    """Always succeeds from the caller's view; mails a single-use, one-hour token if the user exists."""
    user = find_by_email(email)
    if user is None:
        return
    token = new_secret("agp_")
    reset_tokens.create(digest(token), user.user_id, int(clock.now()) + get_settings().reset_token_ttl)
    link = f"{links.public_base_url()}/reset-password?token={token}"
    mail.send(user.email, "Reset your AutoGraph password",
              f"Use this token within one hour to choose a new password:\n\n{token}\n\n{link}\n")
    audit.record(user.user_id, "password_reset_requested", origin)


def confirm_password_reset(token: str, new_password: str, origin: audit.Origin) -> None:
    invalid = BadRequest("The reset token is invalid, expired or already used.")
    item = reset_tokens.find(digest(token))
    if item is None:
        raise invalid
    user = users.find(item.user_id)
    if user is None:  # the account was deleted after the reset was requested
        raise invalid
    passwords.check_policy(new_password, user.email)
    # Spend the token atomically: exactly one confirm can win, and only before it expires.
    if not reset_tokens.spend(digest(token), int(clock.now())):
        raise invalid
    users.set_password(user.user_id, passwords.hash_password(new_password), clock.iso(), now_ms())
    session_state.forget(user.user_id)
    sessions.revoke_all(user.user_id)
    throttle.clear(user.email, origin.source_ip or "unknown")
    audit.record(user.user_id, "password_reset_done", origin)
