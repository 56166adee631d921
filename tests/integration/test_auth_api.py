"""Auth API over real HTTP against the local stack: every route and error case of the foundation."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest

from tests.helpers import assert_problem, clock_at, sent_mail, unique_email


def _login(api: httpx.Client, email: str, password: str) -> httpx.Response:
    return api.post("/v1/auth/login", json={"email": email, "password": password})


# ------------------------------------------------------------------ register
def test_register_returns_user_and_tokens(api: httpx.Client) -> None:
    email = unique_email("Reg")
    resp = api.post("/v1/auth/register", json={"email": email, "password": "s3cure-enough", "name": "Grace"})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["user"]["email"] == email.lower()
    assert body["user"]["name"] == "Grace"
    assert set(body["user"]) == {"id", "email", "name", "created_at"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    me = api.get("/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json() == body["user"]


def test_duplicate_email_is_409_case_insensitive_and_first_account_untouched(api, register) -> None:
    user = register()
    resp = api.post("/v1/auth/register", json={"email": user["email"].upper(), "password": "another-secret-9"})
    assert_problem(resp, 409)
    assert _login(api, user["email"], user["password"]).status_code == 200
    assert _login(api, user["email"], "another-secret-9").status_code == 401


@pytest.mark.parametrize("payload, fragment", [
    ({"email": "not-an-email", "password": "long-enough-pw"}, "email"),
    ({"email": "x@", "password": "long-enough-pw"}, "email"),
    ({"email": None, "password": "short"}, None),
    ({"password": "long-enough-pw"}, "email"),
])
def test_register_rejects_malformed_input(api: httpx.Client, payload: dict[str, Any], fragment: str | None) -> None:
    body = assert_problem(api.post("/v1/auth/register", json=payload), 422)
    assert body["errors"]
    if fragment:
        assert fragment in body["detail"]


@pytest.mark.parametrize("password", ["short7!", "password123", "QWERTY123", "12345678"])
def test_register_rejects_weak_passwords_and_stores_nothing(api: httpx.Client, password: str) -> None:
    email = unique_email("weak")
    assert_problem(api.post("/v1/auth/register", json={"email": email, "password": password}), 422)
    from autograph.store import users

    assert users.find_by_email(email) is None
    # The address is still free: a good password registers it.
    assert api.post("/v1/auth/register", json={"email": email, "password": "a-much-better-one"}).status_code == 201


def test_register_is_idempotent_with_key(api: httpx.Client) -> None:
    email = unique_email("idem")
    payload = {"email": email, "password": "idempotent-pw"}
    first = api.post("/v1/auth/register", json=payload, headers={"Idempotency-Key": f"k-{email}"})
    again = api.post("/v1/auth/register", json=payload, headers={"Idempotency-Key": f"k-{email}"})
    assert first.status_code == 201 and again.status_code == 201
    # One account; the replay is a fresh session of it (tokens are never stored to be replayed).
    assert first.json()["user"] == again.json()["user"]
    for body in (first.json(), again.json()):
        me = api.get("/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.status_code == 200
        assert api.post("/v1/auth/refresh", json={"refresh_token": body["refresh_token"]}).status_code == 200
    audit = api.get("/v1/auth/audit", headers={"Authorization": f"Bearer {first.json()['access_token']}"})
    assert [e["event"] for e in audit.json()["items"]].count("register") == 1
    other = api.post("/v1/auth/register", json={**payload, "name": "changed"},
                     headers={"Idempotency-Key": f"k-{email}"})
    assert_problem(other, 422)


# ------------------------------------------------------------------ login + throttling
def test_wrong_password_and_unknown_email_look_the_same(api, register) -> None:
    user = register()
    wrong = _login(api, user["email"], "not-the-password")
    unknown = _login(api, unique_email("ghost"), "not-the-password")
    a, b = assert_problem(wrong, 401), assert_problem(unknown, 401)
    assert {k: a[k] for k in ("type", "title", "detail")} == {k: b[k] for k in ("type", "title", "detail")}


def test_login_ok(api, register) -> None:
    user = register()
    resp = _login(api, user["email"].upper(), user["password"])
    assert resp.status_code == 200
    assert resp.json()["user"]["id"] == user["user"]["id"]


def test_five_failures_lock_the_email_from_that_address_only(api, register, stack, monkeypatch) -> None:
    # A fixed instant 200 s into the last 15-minute window: the failures never straddle two
    # windows, and tokens issued at it are not from the future.
    instant = int(time.time()) // 900 * 900 - 900 + 200.0
    clock_at(monkeypatch, lambda: instant)
    user = register()
    for _ in range(5):
        assert _login(api, user["email"], "wrong-password").status_code == 401
    locked = _login(api, user["email"], user["password"])
    assert_problem(locked, 429)
    retry_after = int(locked.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    # OWASP: an attacker elsewhere cannot lock the owner out; the owner's address still signs in.
    with httpx.Client(base_url=stack.url, transport=httpx.HTTPTransport(local_address="127.0.0.51")) as other:
        assert _login(other, user["email"], user["password"]).status_code == 200
    events = [e["event"] for e in api.get("/v1/auth/audit", headers=user["headers"]).json()["items"]]
    assert events.count("login_failed") == 5 and "login_throttled" in events
    # Forget the window instead of waiting 15 minutes.
    from autograph import ratelimit
    from autograph.auth import throttle

    ratelimit.forgive(throttle.PAIR, f"{user['email']}|127.0.0.1", window_seconds=15 * 60)
    assert _login(api, user["email"], user["password"]).status_code == 200


def test_one_address_spraying_many_accounts_is_blocked(register, stack) -> None:
    from autograph import ratelimit
    from autograph.auth import throttle
    from autograph.config import get_settings

    victim = register()
    ip = "127.0.0.52"
    # Bring the address to one below its limit directly (the limit is 100 failures per window).
    for _ in range(get_settings().login_ip_max_failures - 1):
        ratelimit.add_failure(throttle.IP, ip, window_seconds=15 * 60)
    with httpx.Client(base_url=stack.url, transport=httpx.HTTPTransport(local_address=ip)) as sprayer:
        assert _login(sprayer, unique_email("spray"), "Winter2026!").status_code == 401
        blocked = _login(sprayer, victim["email"], victim["password"])
        body = assert_problem(blocked, 429)
        assert "address" in body["detail"] and int(blocked.headers["Retry-After"]) > 0


def test_four_failures_do_not_lock(api, register) -> None:
    user = register()
    for _ in range(4):
        _login(api, user["email"], "wrong-password")
    assert _login(api, user["email"], user["password"]).status_code == 200


# ------------------------------------------------------------------ refresh, reuse, logout
def _past_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the clock past the reuse grace window of every rotation so far."""
    from autograph.config import get_settings

    grace = get_settings().refresh_reuse_grace_seconds
    clock_at(monkeypatch, lambda: time.time() + grace + 1)


def test_refresh_rotates_and_reuse_revokes_the_family(api, register, monkeypatch) -> None:
    user = register()
    first = user["refresh_token"]
    rotated = api.post("/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    assert second != first
    fresh_access = rotated.json()["access_token"]
    assert api.get("/v1/auth/me", headers={"Authorization": f"Bearer {fresh_access}"}).status_code == 200
    # Past the grace window the old token is dead, and presenting it kills the new one too.
    _past_grace(monkeypatch)
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": first}), 401)
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": second}), 401)
    events = [e["event"] for e in api.get("/v1/auth/audit", headers=user["headers"]).json()["items"]]
    assert "refresh_reuse_detected" in events


def test_reuse_revokes_only_that_family(api, register, monkeypatch) -> None:
    user = register()
    other_session = _login(api, user["email"], user["password"]).json()["refresh_token"]
    api.post("/v1/auth/refresh", json={"refresh_token": user["refresh_token"]})
    _past_grace(monkeypatch)
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": user["refresh_token"]}), 401)  # reuse
    assert api.post("/v1/auth/refresh", json={"refresh_token": other_session}).status_code == 200


def test_garbage_refresh_token_is_401(api: httpx.Client) -> None:
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": "agr_nope"}), 401)
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": "nope"}), 401)


def test_logout_revokes_that_session(api, register) -> None:
    user = register()
    other = _login(api, user["email"], user["password"]).json()["refresh_token"]
    resp = api.post("/v1/auth/logout", json={"refresh_token": user["refresh_token"]}, headers=user["headers"])
    assert resp.status_code == 204
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": user["refresh_token"]}), 401)
    assert api.post("/v1/auth/refresh", json={"refresh_token": other}).status_code == 200


def test_logout_all_revokes_every_session(api, register) -> None:
    user = register()
    sessions = [_login(api, user["email"], user["password"]).json()["refresh_token"] for _ in range(2)]
    resp = api.post("/v1/auth/logout", json={"refresh_token": user["refresh_token"], "all": True},
                    headers=user["headers"])
    assert resp.status_code == 204
    for token in [user["refresh_token"], *sessions]:
        assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": token}), 401)


def test_logout_needs_auth_and_own_token(api, register) -> None:
    alice, bob = register(), register()
    assert_problem(api.post("/v1/auth/logout", json={"refresh_token": alice["refresh_token"]}), 401)
    assert_problem(api.post("/v1/auth/logout", json={"refresh_token": alice["refresh_token"]},
                            headers=bob["headers"]), 401)
    assert api.post("/v1/auth/refresh", json={"refresh_token": alice["refresh_token"]}).status_code == 200


# ------------------------------------------------------------------ password reset
def _reset_token_for(email: str) -> str:
    messages = sent_mail(email)
    assert messages, f"no reset e-mail for {email}"
    body = messages[-1]
    return next(word for word in body.split() if word.startswith("agp_"))


def test_password_reset_round_trip(api, register) -> None:
    user = register()
    assert api.post("/v1/auth/password-reset/request", json={"email": user["email"]}).status_code == 202
    token = _reset_token_for(user["email"])
    resp = api.post("/v1/auth/password-reset/confirm", json={"token": token, "new_password": "brand-new-secret"})
    assert resp.status_code == 204
    assert _login(api, user["email"], user["password"]).status_code == 401
    assert _login(api, user["email"], "brand-new-secret").status_code == 200
    # Every refresh token from before the reset is revoked, and the reset token is single-use.
    assert_problem(api.post("/v1/auth/refresh", json={"refresh_token": user["refresh_token"]}), 401)
    again = api.post("/v1/auth/password-reset/confirm", json={"token": token, "new_password": "yet-another-one"})
    assert_problem(again, 400)
    assert _login(api, user["email"], "brand-new-secret").status_code == 200


def test_password_reset_unknown_email_is_202_and_sends_nothing(api: httpx.Client) -> None:
    email = unique_email("nobody")
    before = len(sent_mail())
    assert api.post("/v1/auth/password-reset/request", json={"email": email}).status_code == 202
    assert len(sent_mail()) == before


def test_expired_reset_token_is_400(api, register, monkeypatch) -> None:
    from autograph.config import get_settings

    user = register()
    api.post("/v1/auth/password-reset/request", json={"email": user["email"]})
    token = _reset_token_for(user["email"])
    ttl = get_settings().reset_token_ttl
    clock_at(monkeypatch, lambda: time.time() + ttl + 1)  # the token's hour has passed
    resp = api.post("/v1/auth/password-reset/confirm", json={"token": token, "new_password": "brand-new-secret"})
    assert_problem(resp, 400)
    assert _login(api, user["email"], user["password"]).status_code == 200


def test_weak_new_password_is_422_and_token_stays_usable(api, register) -> None:
    user = register()
    api.post("/v1/auth/password-reset/request", json={"email": user["email"]})
    token = _reset_token_for(user["email"])
    weak = api.post("/v1/auth/password-reset/confirm", json={"token": token, "new_password": "password1"})
    assert_problem(weak, 422)
    assert api.post("/v1/auth/password-reset/confirm",
                    json={"token": token, "new_password": "strong-enough-now"}).status_code == 204


# ------------------------------------------------------------------ tokens and JWKS
def test_jwks_verifies_issued_tokens(api, register) -> None:
    user = register()
    jwks = api.get("/v1/auth/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(user["access_token"])["kid"]
    jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    assert jwk["kty"] == "EC" and jwk["alg"] == "ES256" and "d" not in jwk
    key = jwt.PyJWK(jwk).key
    claims = jwt.decode(user["access_token"], key, algorithms=["ES256"], audience="autograph-api")
    assert claims["sub"] == user["user"]["id"]
    assert claims["exp"] - claims["iat"] == 3600


def _forge(claims: dict[str, Any], key: Any, alg: str, kid: str) -> str:
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _claims(user: dict[str, Any], **over: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": "autograph", "aud": "autograph-api", "sub": user["user"]["id"], "email": user["email"],
            "iat": now, "nbf": now, "exp": now + 600, "typ": "access"}
    base.update(over)
    return base


def test_bad_tokens_are_401_problems(api, register) -> None:
    from autograph.auth.keys import load_keys
    from cryptography.hazmat.primitives import serialization

    user = register()
    keys = load_keys()
    kid = keys.active.kid
    public_pem = keys.active.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header, payload, signature = user["access_token"].split(".")
    tampered_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"typ"', b'"tYp"')).decode()
    none_token = jwt.encode(_claims(user), None, algorithm="none", headers={"kid": kid})
    import hashlib
    import hmac

    hs_header = jwt.utils.base64url_encode(f'{{"alg":"HS256","typ":"JWT","kid":"{kid}"}}'.encode()).decode()
    hs_body = jwt.utils.base64url_encode(__import__("json").dumps(_claims(user)).encode()).decode()
    mac = hmac.new(public_pem, f"{hs_header}.{hs_body}".encode(), hashlib.sha256).digest()
    hs_sig = jwt.utils.base64url_encode(mac)
    cases = {
        "tampered": f"{header}.{tampered_payload}.{signature}",
        "bad-signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "expired": _forge(_claims(user, iat=1000, nbf=1000, exp=2000), keys.active.private_key, "ES256", kid),
        "none": none_token,
        "hs256-public-key": f"{hs_header}.{hs_body}.{hs_sig.decode()}",
        "garbage": "not.a.jwt",
        "unknown-kid": _forge(_claims(user), keys.active.private_key, "ES256", "someone-else"),
        "wrong-audience": _forge(_claims(user, aud="other"), keys.active.private_key, "ES256", kid),
    }
    for name, token in cases.items():
        resp = api.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        body = assert_problem(resp, 401)
        assert "WWW-Authenticate" in resp.headers, name
        assert body["detail"], name
    # The forging path itself is sound: a well-formed token with the real key is accepted.
    good = _forge(_claims(user), keys.active.private_key, "ES256", kid)
    assert api.get("/v1/auth/me", headers={"Authorization": f"Bearer {good}"}).status_code == 200


def test_missing_or_malformed_authorization_is_401(api: httpx.Client) -> None:
    assert_problem(api.get("/v1/auth/me"), 401)
    assert_problem(api.get("/v1/auth/me", headers={"Authorization": "Basic Zm9vOmJhcg=="}), 401)
    assert_problem(api.get("/v1/auth/audit", headers={"X-API-Key": "agk_unknown"}), 401)


# ------------------------------------------------------------------ audit
def test_audit_log_records_events_with_origin_and_paginates(api, register) -> None:
    user = register()
    _login(api, user["email"], "wrong-password")
    _login(api, user["email"], user["password"])
    api.post("/v1/auth/api-keys", json={"name": "k", "scopes": ["diagrams:read"]},
             headers={**user["headers"], "User-Agent": "audit-test/1.0"})
    page = api.get("/v1/auth/audit", params={"limit": 2}, headers=user["headers"]).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api.get("/v1/auth/audit", params={"limit": 50, "cursor": page["next_cursor"]},
                   headers=user["headers"]).json()
    events = [e["event"] for e in page["items"] + rest["items"]]
    assert events == ["api_key_created", "login_ok", "login_failed", "register"]
    newest = page["items"][0]
    assert newest["source_ip"] == "127.0.0.1" and newest["user_agent"] == "audit-test/1.0"
    assert newest["at"] >= page["items"][1]["at"]


def test_audit_is_per_user(api, register) -> None:
    alice, bob = register(), register()
    _login(api, alice["email"], "wrong-password")
    events = api.get("/v1/auth/audit", headers=bob["headers"]).json()["items"]
    assert [e["event"] for e in events] == ["register"]


def test_bad_cursor_and_limit(api, register) -> None:
    user = register()
    assert_problem(api.get("/v1/auth/audit", params={"cursor": "!!!"}, headers=user["headers"]), 400)
    assert_problem(api.get("/v1/auth/audit", params={"limit": 0}, headers=user["headers"]), 422)
    assert_problem(api.get("/v1/auth/audit", params={"limit": 201}, headers=user["headers"]), 422)
