"""Opaque secrets (refresh tokens, reset tokens, API keys) are random and stored only as SHA-256.

They carry 256 bits of entropy, so a fast hash is enough; bcrypt is for human passwords.
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
