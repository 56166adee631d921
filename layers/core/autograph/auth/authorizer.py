"""What the Lambda authorizer decides: who is calling, from a JWT or an API key.

It never denies: an unauthenticated request goes on with `authenticated: false` and a reason, so
the function answers a 401 problem+json (HTTP APIs cannot customise the authorizer's own 401/403
body). Every protected route requires an authenticated principal. An API key used outside its
scopes goes on authenticated with `forbidden: <reason>`, which the principal dependency turns
into a 403.
"""

from __future__ import annotations

from typing import Any

from ..errors import Unauthorized
from . import apikeys, scopes, session_state
from .tokens import verify_access_token

GONE_USER = "The account behind this credential no longer exists."
SIGNED_OUT = "This session was signed out (sign-out everywhere or a password change); sign in again."


def _credential(headers: dict[str, str]) -> tuple[str, str] | None:
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    api_key = lowered.get("x-api-key", "").strip()
    if api_key:
        return "api_key", api_key
    auth = lowered.get("authorization", "").strip()
    if not auth:
        return None
    scheme, _, value = auth.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return "invalid", ""
    value = value.strip()
    return ("api_key", value) if value.startswith(apikeys.KEY_PREFIX) else ("jwt", value)


def decide_event(event: dict[str, Any]) -> dict[str, Any]:
    """The authorizer's simple response for an HTTP API REQUEST authorizer event."""
    http = (event.get("requestContext") or {}).get("http") or {}
    method = str(http.get("method") or "GET")
    path = str(event.get("rawPath") or http.get("path") or "/")
    return decide(event.get("headers") or {}, method, path)


def decide(headers: dict[str, str], method: str = "GET", path: str = "/") -> dict[str, Any]:
    """The authorizer's simple response for these request headers, method and path."""
    cred = _credential(headers)
    if cred is None:
        return _anonymous("Missing credentials: send a Bearer token or an X-API-Key.")
    kind, value = cred
    if kind == "invalid":
        return _anonymous("The Authorization header must be 'Bearer <token>'.")
    if kind == "api_key":
        owner = apikeys.resolve(value)
        if owner is None:
            return _anonymous("The API key is not valid or has been revoked.")
        if not session_state.lookup(owner.user_id).exists:
            return _anonymous(GONE_USER)
        result = _allow(owner.user_id, owner.email, "api_key", owner.key_id, owner.scopes)
        try:
            scopes.check(owner.scopes, method, path)
        except scopes.Denied as exc:
            result["context"]["forbidden"] = exc.reason
        return result
    try:
        claims = verify_access_token(value)
    except Unauthorized as exc:
        return _anonymous(exc.detail)
    state = session_state.lookup(claims.user_id)
    if not state.exists:
        return _anonymous(GONE_USER)
    if claims.issued_at_ms < state.sessions_valid_after_ms:
        return _anonymous(SIGNED_OUT)
    return _allow(claims.user_id, claims.email, "jwt", "", ())


def _allow(user_id: str, email: str, auth_type: str, key_id: str,
           granted: tuple[str, ...]) -> dict[str, Any]:
    # Context values must be strings, numbers or booleans: scopes travel space-separated.
    return {"isAuthorized": True, "context": {
        "authenticated": True, "user_id": user_id, "email": email, "auth_type": auth_type,
        "key_id": key_id, "scopes": " ".join(granted),
    }}


def _anonymous(reason: str) -> dict[str, Any]:
    return {"isAuthorized": True, "context": {"authenticated": False, "reason": reason}}
