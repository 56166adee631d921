"""What the Lambda authorizer decides: who is calling, from a JWT or an API key.

It never denies: an unauthenticated request goes on with `authenticated: false` and a reason, so
the function answers a 401 problem+json (HTTP APIs cannot customise the authorizer's own 401/403
body). Every protected route requires an authenticated principal.
"""

from __future__ import annotations

from typing import Any

from ..errors import Unauthorized
from . import apikeys
from .tokens import verify_access_token


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


def decide(headers: dict[str, str]) -> dict[str, Any]:
    """The authorizer's simple response for these request headers."""
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
        return _allow(owner.user_id, owner.email, "api_key", owner.key_id)
    try:
        claims = verify_access_token(value)
    except Unauthorized as exc:
        return _anonymous(exc.detail)
    return _allow(claims.user_id, claims.email, "jwt", "")


def _allow(user_id: str, email: str, auth_type: str, key_id: str) -> dict[str, Any]:
    return {"isAuthorized": True, "context": {
        "authenticated": True, "user_id": user_id, "email": email, "auth_type": auth_type,
        "key_id": key_id,
    }}


def _anonymous(reason: str) -> dict[str, Any]:
    return {"isAuthorized": True, "context": {"authenticated": False, "reason": reason}}
