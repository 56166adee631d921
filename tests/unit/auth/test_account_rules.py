"""Account rules against in-memory stores: unique e-mails, the password policy, password reset
(single use, one hour, every session ends) and sign-out of one's own sessions only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from autograph import clock
from autograph.auth import accounts, audit, sessions
from autograph.errors import AppError, BadRequest, Conflict, Unauthorized

from tests.unit.auth.fake_store import FakeResetTokens, FakeSessions, FakeUsers

T0 = 1_900_000_000.0
ORIGIN = audit.Origin(source_ip="203.0.113.1", user_agent="test")
SETTINGS = SimpleNamespace(refresh_token_ttl=30 * 24 * 3600, refresh_reuse_grace_seconds=10, reset_token_ttl=3600)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    w = SimpleNamespace(users=FakeUsers(), resets=FakeResetTokens(), sessions=FakeSessions(), mail=[], events=[],
                        now={"t": T0})
    monkeypatch.setattr(clock, "now", lambda: w.now["t"])
    monkeypatch.setattr(accounts, "users", w.users)
    monkeypatch.setattr(accounts, "reset_tokens", w.resets)
    monkeypatch.setattr(sessions, "store", w.sessions)
    monkeypatch.setattr(sessions, "get_settings", lambda: SETTINGS)
    monkeypatch.setattr(accounts, "get_settings", lambda: SETTINGS)
    monkeypatch.setattr(accounts, "issue_access_token", lambda uid, email: (f"access-for-{uid}", 3600))
    monkeypatch.setattr(accounts.links, "public_base_url", lambda: "https://app.example")
    monkeypatch.setattr(accounts.mail, "send", lambda to, subject, body: w.mail.append((to, body)))
    monkeypatch.setattr(accounts.audit, "record", lambda uid, event, origin, detail=None: w.events.append(event))
    for name in ("check", "record_failure", "clear"):  # sign-in throttling has its own tests
        monkeypatch.setattr(accounts.throttle, name, lambda *a, **k: None)
    return w


def _mailed_token(world: SimpleNamespace) -> str:
    return next(word for word in world.mail[-1][1].split() if word.startswith("agp_"))


def test_one_account_per_email_whatever_its_case(world: SimpleNamespace) -> None:
    first = accounts.create_account("Ada@Example.com", "correct-horse-battery", "Ada", ORIGIN)
    with pytest.raises(Conflict):
        accounts.create_account("ada@example.COM ", "another-passphrase", None, ORIGIN)
    assert list(world.users.claims) == ["ada@example.com"] and list(world.users.by_id) == [first.user_id]
    assert world.events == ["register"]


@pytest.mark.parametrize("password", ["short", "password123", "ada@example.com"])
def test_a_weak_password_stores_nothing(world: SimpleNamespace, password: str) -> None:
    with pytest.raises(AppError) as info:
        accounts.create_account("ada@example.com", password, None, ORIGIN)
    assert info.value.status == 422
    assert world.users.by_id == {} and world.events == []


def test_password_reset_is_single_use_and_ends_every_session(world: SimpleNamespace) -> None:
    user = accounts.create_account("ada@example.com", "correct-horse-battery", None, ORIGIN)
    refresh = accounts.tokens_for(user).refresh_token
    accounts.request_password_reset("ADA@example.com", ORIGIN)
    token = _mailed_token(world)
    assert "https://app.example/reset-password?token=" + token in world.mail[-1][1]
    world.now["t"] += 3599
    accounts.confirm_password_reset(token, "brand-new-passphrase", ORIGIN)
    assert accounts.login("ada@example.com", "brand-new-passphrase", ORIGIN).user.user_id == user.user_id
    with pytest.raises(Unauthorized, match="revoked"):
        sessions.rotate(refresh)
    with pytest.raises(BadRequest):
        accounts.confirm_password_reset(token, "yet-another-passphrase", ORIGIN)
    assert accounts.login("ada@example.com", "brand-new-passphrase", ORIGIN)


def test_an_expired_or_unknown_reset_token_changes_nothing(world: SimpleNamespace) -> None:
    accounts.create_account("ada@example.com", "correct-horse-battery", None, ORIGIN)
    accounts.request_password_reset("ada@example.com", ORIGIN)
    token = _mailed_token(world)
    world.now["t"] += 3600  # the hour is over
    for bad in (token, "agp_made-up"):
        with pytest.raises(BadRequest, match="invalid, expired or already used"):
            accounts.confirm_password_reset(bad, "brand-new-passphrase", ORIGIN)
    assert accounts.login("ada@example.com", "correct-horse-battery", ORIGIN)


def test_a_weak_new_password_keeps_the_reset_token_usable(world: SimpleNamespace) -> None:
    accounts.create_account("ada@example.com", "correct-horse-battery", None, ORIGIN)
    accounts.request_password_reset("ada@example.com", ORIGIN)
    token = _mailed_token(world)
    with pytest.raises(AppError) as info:
        accounts.confirm_password_reset(token, "password1", ORIGIN)
    assert info.value.status == 422
    accounts.confirm_password_reset(token, "strong-enough-now", ORIGIN)


def test_reset_for_an_unknown_email_sends_nothing(world: SimpleNamespace) -> None:
    accounts.request_password_reset("nobody@example.com", ORIGIN)
    assert world.mail == [] and world.resets.items == {}


def test_logout_ends_only_the_callers_own_session(world: SimpleNamespace) -> None:
    ada = accounts.create_account("ada@example.com", "correct-horse-battery", None, ORIGIN)
    bob = accounts.create_account("bob@example.com", "correct-horse-battery", None, ORIGIN)
    ada_token = accounts.tokens_for(ada).refresh_token
    other_ada = accounts.tokens_for(ada).refresh_token
    with pytest.raises(Unauthorized):
        accounts.logout(bob.user_id, ada_token, False, ORIGIN)  # not his to revoke
    assert sessions.rotate(ada_token).user_id == ada.user_id
    accounts.logout(ada.user_id, other_ada, False, ORIGIN)
    with pytest.raises(Unauthorized, match="revoked"):
        sessions.rotate(other_ada)
    accounts.logout(ada.user_id, sessions.rotate(ada_token).refresh_token, True, ORIGIN)
    assert world.users.by_id[ada.user_id].sessions_valid_after == int(world.now["t"] * 1000)
    assert all(f.revoked for f in world.sessions.families.values() if f.user_id == ada.user_id)
