"""Password hashing (bcrypt, cost 12) and the password policy."""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache
from importlib import resources

import bcrypt

from ..errors import ValidationFailed, WeakPassword

MIN_LENGTH = 8
MAX_LENGTH = 128  # bcrypt reads 72 bytes; longer inputs are pre-hashed below
DEFAULT_ROUNDS = 12


def rounds() -> int:
    # Tests lower the cost to keep the suite fast; production never sets this.
    return int(os.environ.get("BCRYPT_ROUNDS", DEFAULT_ROUNDS))


def _prepare(password: str) -> bytes:
    raw = password.encode()
    if len(raw) <= 72:
        return raw
    # Past bcrypt's 72-byte window, hash first so every character counts.
    return base64.b64encode(hashlib.sha256(raw).digest())


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_prepare(password), bcrypt.gensalt(rounds())).decode()


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(_prepare(password), hashed.encode())
    except ValueError:
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("dummy-password-for-timing")


def burn_verify(password: str) -> None:
    """Spend a verify's worth of time when there is no user, so timing does not reveal e-mails."""
    verify_password(password, _dummy_hash())


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def check_policy(password: str, email: str | None = None) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"The password must be at least {MIN_LENGTH} characters long.")
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(f"The password must be at most {MAX_LENGTH} characters long.")
    lowered = password.lower()
    if lowered in common_passwords():
        raise WeakPassword("This password is too common; choose another.")
    if email and lowered == email.lower():
        raise WeakPassword("The password must not be the e-mail address.")
