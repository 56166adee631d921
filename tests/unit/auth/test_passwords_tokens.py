"""Password, token and throttle rules (the throttle against moto, with a controlled clock)."""

from __future__ import annotations

import pytest
from autograph.auth import passwords
from autograph.errors import TooManyRequests, Unauthorized, ValidationFailed


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


def test_access_token_round_trip_and_expiry(stack: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph.auth import tokens

    token, ttl = tokens.issue_access_token("user-1", "u@example.com")
    claims = tokens.verify_access_token(token)
    assert claims.user_id == "user-1" and ttl == 3600
    monkeypatch.setattr(tokens, "now", lambda: 0.0)  # issued at the epoch: long expired
    old, _ = tokens.issue_access_token("user-1", "u@example.com")
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify_access_token(old)


def test_throttle_window_counts_locks_and_expires(stack: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph import ratelimit
    from autograph.auth import throttle

    from tests.helpers import unique_email

    clock = {"t": 1_800_000_000.0}  # a multiple of 15 min: the window starts here
    monkeypatch.setattr(ratelimit, "now", lambda: clock["t"])
    email, ip = unique_email("throttle"), "203.0.113.7"
    for expected in range(1, 6):
        throttle.check(email, ip)
        assert throttle.record_failure(email, ip) == expected
        clock["t"] += 10
    with pytest.raises(TooManyRequests) as info:
        throttle.check(email, ip)
    assert info.value.retry_after == 15 * 60 - 50 + 1
    # OWASP: the same e-mail from another address is not locked out by someone else's failures.
    throttle.check(email, "198.51.100.9")
    throttle.check(email.upper(), "198.51.100.9")
    clock["t"] = 1_800_000_000.0 + 15 * 60  # the window has passed
    throttle.check(email, ip)
    assert throttle.record_failure(email, ip) == 1  # a fresh window


def test_throttle_per_ip_blocks_spraying_across_emails(stack: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph import ratelimit
    from autograph.auth import throttle
    from autograph.config import get_settings

    from tests.helpers import unique_email

    clock = {"t": 1_800_000_000.0 + 7 * 24 * 3600}
    monkeypatch.setattr(ratelimit, "now", lambda: clock["t"])
    ip = "203.0.113.99"
    limit = get_settings().login_ip_max_failures
    for i in range(limit):  # one failure each for many different accounts: no pair is locked
        ratelimit.add_failure(throttle.IP, ip, window_seconds=get_settings().login_window_seconds)
        if i < 3:
            throttle.record_failure(unique_email("spray"), "192.0.2.1")
    with pytest.raises(TooManyRequests, match="from this address"):
        throttle.check(unique_email("fresh"), ip)
    throttle.check(unique_email("fresh"), "192.0.2.1")  # other addresses are unaffected


def test_throttle_success_clears(stack: object) -> None:
    from autograph.auth import throttle

    from tests.helpers import unique_email

    email, ip = unique_email("clear"), "203.0.113.8"
    for _ in range(4):
        throttle.record_failure(email, ip)
    throttle.clear(email, ip)
    assert throttle.record_failure(email, ip) == 1
