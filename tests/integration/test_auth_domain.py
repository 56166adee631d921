"""Auth domain rules that need the stack (DynamoDB, the signing key, SSM): tokens, login
throttling, the authorizer's session checks and cache, the refresh grace window, link base URLs."""

from __future__ import annotations

import pytest
from autograph.errors import TooManyRequests, Unauthorized

from tests.helpers import clock_at


def test_session_state_is_cached_briefly_and_forgotten_on_write(stack: object, register: object,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph.auth import session_state
    from autograph.store import users

    user = register()  # type: ignore[operator]
    uid = user["user"]["id"]
    mono = {"t": 1000.0}
    monkeypatch.setattr(session_state, "_monotonic", lambda: mono["t"])
    session_state.reset()
    assert session_state.lookup(uid).sessions_valid_after_ms == 0
    users.invalidate_sessions(uid, 123)
    assert session_state.lookup(uid).sessions_valid_after_ms == 0  # cached: a container may lag
    mono["t"] += 11  # past AUTH_STATE_CACHE_SECONDS (10)
    assert session_state.lookup(uid).sessions_valid_after_ms == 123
    users.invalidate_sessions(uid, 456)
    session_state.forget(uid)  # writers in the same process forget at once
    assert session_state.lookup(uid).sessions_valid_after_ms == 456
    assert not session_state.lookup("no-such-user").exists


def test_authorizer_refuses_revoked_and_orphaned_tokens(stack: object, register: object) -> None:
    from autograph.auth import authorizer, session_state
    from autograph.auth.tokens import issue_access_token
    from autograph.store import users

    user = register()  # type: ignore[operator]
    uid = user["user"]["id"]
    headers = {"authorization": f"Bearer {user['access_token']}"}
    assert authorizer.decide(headers)["context"]["authenticated"] is True
    users.invalidate_sessions(uid, 10**13)  # far future: every token issued so far
    session_state.forget(uid)
    ctx = authorizer.decide(headers)["context"]
    assert ctx["authenticated"] is False and "signed out" in ctx["reason"]
    ghost, _ = issue_access_token("deleted-user", "ghost@example.com")  # validly signed, no user
    ctx = authorizer.decide({"authorization": f"Bearer {ghost}"})["context"]
    assert ctx["authenticated"] is False and "no longer exists" in ctx["reason"]


def test_authorizer_marks_out_of_scope_key_requests_forbidden(stack: object, register: object) -> None:
    from autograph.auth import apikeys, authorizer

    user = register()  # type: ignore[operator]
    key = apikeys.create(user["user"]["id"], user["email"], "k", ["diagrams:read"])["key"]
    ok = authorizer.decide({"x-api-key": key}, "GET", "/v1/diagrams")["context"]
    assert ok["authenticated"] is True and "forbidden" not in ok and ok["scopes"] == "diagrams:read"
    denied = authorizer.decide({"x-api-key": key}, "POST", "/v1/diagrams")["context"]
    assert denied["authenticated"] is True and "diagrams:write" in denied["forbidden"]
    event = {"headers": {"x-api-key": key}, "rawPath": "/v1/auth/api-keys",
             "requestContext": {"http": {"method": "GET", "path": "/v1/auth/api-keys"}}}
    assert "forbidden" in authorizer.decide_event(event)["context"]


def test_grace_window_returns_the_same_successor_then_expires(stack: object, register: object,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph.auth import sessions

    user = register()  # type: ignore[operator]
    t = {"now": 1_900_000_000.0}
    clock_at(monkeypatch, lambda: t["now"])
    token = sessions.start_family(user["user"]["id"])
    first = sessions.rotate(token).refresh_token
    t["now"] += 10  # the edge of the window still counts
    assert sessions.rotate(token).refresh_token == first
    t["now"] += 1
    with pytest.raises(sessions.ReuseDetected):
        sessions.rotate(token)
    with pytest.raises(Exception, match="revoked"):
        sessions.rotate(first)


def test_access_token_round_trip_and_expiry(stack: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph.auth import tokens

    token, ttl = tokens.issue_access_token("user-1", "u@example.com")
    claims = tokens.verify_access_token(token)
    assert claims.user_id == "user-1" and ttl == 3600
    clock_at(monkeypatch, lambda: 0.0)  # issued at the epoch: long expired
    old, _ = tokens.issue_access_token("user-1", "u@example.com")
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify_access_token(old)


def test_throttle_window_counts_locks_and_expires(stack: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph.auth import throttle

    from tests.helpers import unique_email

    t = {"now": 1_800_000_000.0}  # a multiple of 15 min: the window starts here
    clock_at(monkeypatch, lambda: t["now"])
    email, ip = unique_email("throttle"), "203.0.113.7"
    for expected in range(1, 6):
        throttle.check(email, ip)
        assert throttle.record_failure(email, ip) == expected
        t["now"] += 10
    with pytest.raises(TooManyRequests) as info:
        throttle.check(email, ip)
    assert info.value.retry_after == 15 * 60 - 50 + 1
    # OWASP: the same e-mail from another address is not locked out by someone else's failures.
    throttle.check(email, "198.51.100.9")
    throttle.check(email.upper(), "198.51.100.9")
    t["now"] = 1_800_000_000.0 + 15 * 60  # the window has passed
    throttle.check(email, ip)
    assert throttle.record_failure(email, ip) == 1  # a fresh window


def test_throttle_per_ip_blocks_spraying_across_emails(stack: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph import ratelimit
    from autograph.auth import throttle
    from autograph.config import get_settings

    from tests.helpers import unique_email

    t = {"now": 1_800_000_000.0 + 7 * 24 * 3600}
    clock_at(monkeypatch, lambda: t["now"])
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


def test_public_base_url_falls_back_to_the_ssm_parameter(stack: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph import links
    from autograph.aws import client
    from autograph.config import reset_settings

    name = "/autograph-test/public-base-url"
    client("ssm").put_parameter(Name=name, Value="https://abc123.execute-api.us-east-1.amazonaws.com",
                                Type="String", Overwrite=True)
    monkeypatch.setenv("PUBLIC_BASE_URL", "")  # what the template sets without a custom domain
    monkeypatch.setenv("PUBLIC_BASE_URL_PARAMETER", name)
    reset_settings()
    try:
        assert links.public_base_url() == "https://abc123.execute-api.us-east-1.amazonaws.com"
    finally:
        monkeypatch.undo()
        reset_settings()
        links._resolved.clear()
