"""Password hashing and the password policy (no stack needed)."""

from __future__ import annotations

import pytest
from autograph.auth import passwords
from autograph.errors import ValidationFailed


def test_production_cost_is_12(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BCRYPT_ROUNDS", raising=False)
    assert passwords.rounds() == 12
    assert passwords.DEFAULT_ROUNDS == 12


def test_hash_verifies_only_the_right_password() -> None:
    hashed = passwords.hash_password("correct horse battery")
    assert hashed.startswith("$2b$") and "correct" not in hashed
    assert passwords.verify_password("correct horse battery", hashed)
    assert not passwords.verify_password("correct horse batterY", hashed)
    assert not passwords.verify_password("x", "not-a-bcrypt-hash")


def test_long_passwords_use_every_character() -> None:
    base = "a" * 80
    hashed = passwords.hash_password(base + "1")
    assert not passwords.verify_password(base + "2", hashed)  # plain bcrypt would accept this


@pytest.mark.parametrize("password", ["short", "password1", "Password123", "qwerty123", "x" * 129])
def test_policy_rejects(password: str) -> None:
    with pytest.raises(ValidationFailed):
        passwords.check_policy(password)


def test_policy_rejects_the_email_itself_and_accepts_good_ones() -> None:
    with pytest.raises(ValidationFailed):
        passwords.check_policy("me@example.com", "me@example.com")
    passwords.check_policy("a perfectly fine passphrase", "me@example.com")








