"""Access tokens: ES256 JWTs with a `kid`, one hour. Only ES256 verifies: `none` and HS256 fail."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import jwt

from .. import clock
from ..config import get_settings
from ..errors import Unauthorized
from .keys import load_keys

ISSUER = "autograph"
AUDIENCE = "autograph-api"
ALGORITHM = "ES256"


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    email: str
    issued_at_ms: int  # compared with the user's "sessions valid after"


def issue_access_token(user_id: str, email: str) -> tuple[str, int]:
    keys = load_keys(create=True)
    assert keys.active is not None
    ttl = get_settings().access_token_ttl
    t = clock.now()
    issued = int(t)
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": user_id, "email": email,
        "iat": issued, "nbf": issued, "exp": issued + ttl, "jti": secrets.token_urlsafe(12),
        "typ": "access", "iat_ms": int(t * 1000),
    }
    token = jwt.encode(claims, keys.active.private_key, algorithm=ALGORITHM,
                       headers={"kid": keys.active.kid})
    return token, ttl


def verify_access_token(token: str) -> AccessClaims:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized("The access token is malformed.") from exc
    if header.get("alg") != ALGORITHM:
        raise Unauthorized("The access token is not signed with an accepted algorithm.")
    kid = header.get("kid")
    keys = load_keys()
    key = keys.by_kid.get(kid or "")
    if key is None:  # maybe rotated since we cached: look once more
        key = load_keys(force=True).by_kid.get(kid or "")
    if key is None:
        raise Unauthorized("The access token was signed with an unknown key.")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key.public_key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The access token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("The access token is not valid.") from exc
    if claims.get("typ") != "access":
        raise Unauthorized("The token is not an access token.")
    iat_ms = claims.get("iat_ms")
    if not isinstance(iat_ms, int):
        iat_ms = int(claims["iat"]) * 1000
    return AccessClaims(user_id=claims["sub"], email=claims.get("email", ""), issued_at_ms=iat_ms)
