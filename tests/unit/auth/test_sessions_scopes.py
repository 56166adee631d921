"""Scope table, the authorizer's session checks and its cache, and the refresh grace window."""

from __future__ import annotations

import pytest
from autograph.auth import scopes


@pytest.mark.parametrize(("method", "path", "scope"), [
    ("GET", "/v1/diagrams", "diagrams:read"),
    ("GET", "/v1/diagrams/abc/versions", "diagrams:read"),
    ("POST", "/v1/diagrams", "diagrams:write"),
    ("PATCH", "/v1/folders/f1", "diagrams:write"),
    ("DELETE", "/v1/diagrams/abc/shares/s1", "diagrams:write"),
    ("GET", "/v1/trash", "diagrams:read"),
    ("POST", "/v1/templates", "diagrams:write"),
    ("POST", "/v1/ai/generate", "ai"),
    ("GET", "/v1/ai/jobs/j1", "ai"),
    ("POST", "/v1/diagrams/abc/ai", "ai"),
    ("GET", "/v1/diagrams/ai", "diagrams:read"),
    ("POST", "/v1/diagrams/abc/exports", "exports"),
    ("GET", "/v1/exports/job1", "exports"),
    ("GET", "/v1/auth/me", ""),
])
def test_required_scope(method: str, path: str, scope: str) -> None:
    assert scopes.required(method, path) == scope


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1/auth/api-keys"), ("GET", "/v1/auth/api-keys"), ("DELETE", "/v1/auth/api-keys/k"),
    ("POST", "/v1/auth/logout"), ("POST", "/v1/auth/password"), ("DELETE", "/v1/auth/me"),
    ("GET", "/v1/auth/audit"), ("GET", "/v1/billing"), ("GET", "/"),
])
def test_keys_never_reach_account_routes_or_unknown_ones(method: str, path: str) -> None:
    with pytest.raises(scopes.Denied):
        scopes.required(method, path)


def test_check_names_the_missing_scope() -> None:
    scopes.check(["diagrams:read"], "GET", "/v1/diagrams")
    with pytest.raises(scopes.Denied, match="diagrams:write"):
        scopes.check(["diagrams:read"], "PUT", "/v1/diagrams/x/star")


def test_session_state_is_cached_briefly_and_forgotten_on_write(stack: object, register: object,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph.auth import session_state
    from autograph.store import users

    user = register()  # type: ignore[operator]
    uid = user["user"]["id"]
    clock = {"t": 1000.0}
    monkeypatch.setattr(session_state, "_monotonic", lambda: clock["t"])
    session_state.reset()
    assert session_state.lookup(uid).sessions_valid_after_ms == 0
    users.invalidate_sessions(uid, 123)
    assert session_state.lookup(uid).sessions_valid_after_ms == 0  # cached: a container may lag
    clock["t"] += 11  # past AUTH_STATE_CACHE_SECONDS (10)
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
    clock = {"t": 1_900_000_000.0}
    monkeypatch.setattr(sessions, "now", lambda: clock["t"])
    token = sessions.start_family(user["user"]["id"])
    first = sessions.rotate(token).refresh_token
    clock["t"] += 10  # the edge of the window still counts
    assert sessions.rotate(token).refresh_token == first
    clock["t"] += 1
    with pytest.raises(sessions.ReuseDetected):
        sessions.rotate(token)
    with pytest.raises(Exception, match="revoked"):
        sessions.rotate(first)


def test_successor_is_bound_to_token_and_family() -> None:
    from autograph.auth.sessions import successor_of

    a = successor_of("agr_one", "fam1")
    assert a == successor_of("agr_one", "fam1") and a.startswith("agr_") and len(a) >= 43
    assert a != successor_of("agr_two", "fam1") and a != successor_of("agr_one", "fam2")
