"""The caller, as the authorizer described it in requestContext.authorizer.lambda."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from ..errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class Principal:
    user_id: str
    email: str
    auth_type: str  # "jwt" or "api_key"
    key_id: str | None = None
    scopes: tuple[str, ...] = ()  # an API key's scopes (the authorizer already enforced them)


def authorizer_context(request: Request) -> dict[str, Any]:
    event = request.scope.get("aws.event") or {}
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return authorizer.get("lambda") or {}


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def current_principal(request: Request) -> Principal:
    """FastAPI dependency. The authorizer lets every request through and says whether it is
    authenticated, so that a bad token gets our 401 problem+json (HTTP APIs cannot customise
    the authorizer's own 401/403 bodies). Every protected route depends on this."""
    ctx = authorizer_context(request)
    if not _truthy(ctx.get("authenticated")) or not ctx.get("user_id"):
        reason = ctx.get("reason") or "Missing credentials: send a Bearer token or an X-API-Key."
        raise Unauthorized(reason, headers={"WWW-Authenticate": 'Bearer realm="autograph"'})
    if ctx.get("forbidden"):  # an API key outside its scopes (autograph.auth.scopes)
        raise Forbidden(str(ctx["forbidden"]))
    return Principal(
        user_id=str(ctx["user_id"]),
        email=str(ctx.get("email", "")),
        auth_type=str(ctx.get("auth_type", "jwt")),
        key_id=ctx.get("key_id") or None,
        scopes=tuple(str(ctx.get("scopes") or "").split()),
    )


def source_ip(request: Request) -> str:
    event = request.scope.get("aws.event") or {}
    http = (event.get("requestContext") or {}).get("http") or {}
    if http.get("sourceIp"):
        return str(http["sourceIp"])
    return request.client.host if request.client else "unknown"


def user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")[:512]
