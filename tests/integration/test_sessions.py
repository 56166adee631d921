"""Sessions (issue 10 §4) over real HTTP: refresh grace, access-token revocation, password
change, account deletion, deleted users, API key scopes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem, clock_at, stored_object_keys, table_items

EVENTS = Path(__file__).resolve().parents[2] / "events"


def wait_until(condition: Any, timeout: float) -> bool:
    """Poll for the outcome of asynchronous work (the SQS poller runs the worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        threading.Event().wait(0.2)
    return bool(condition())


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _refresh(api: httpx.Client, token: str) -> httpx.Response:
    return api.post("/v1/auth/refresh", json={"refresh_token": token})


# ------------------------------------------------------------------ refresh grace window
def test_simultaneous_refreshes_get_the_same_successor_and_keep_the_session(api, register, stack) -> None:
    user = register()
    results: list[httpx.Response] = []
    barrier = threading.Barrier(3)

    def go() -> None:
        with httpx.Client(base_url=stack.url, timeout=30) as c:
            barrier.wait()
            results.append(_refresh(c, user["refresh_token"]))

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [200, 200, 200], [r.text for r in results]
    successors = {r.json()["refresh_token"] for r in results}
    assert len(successors) == 1 and user["refresh_token"] not in successors
    # The session survived: the successor rotates on as usual.
    assert _refresh(api, successors.pop()).status_code == 200
    events = [e["event"] for e in api.get("/v1/auth/audit", headers=user["headers"]).json()["items"]]
    assert "refresh_reuse_detected" not in events


def test_reuse_after_the_grace_window_still_revokes_the_family(api, register, monkeypatch) -> None:
    user = register()
    successor = _refresh(api, user["refresh_token"]).json()["refresh_token"]
    assert _refresh(api, user["refresh_token"]).json()["refresh_token"] == successor  # inside the window
    clock_at(monkeypatch, lambda: time.time() + 11)  # the window is 10 s
    assert_problem(_refresh(api, user["refresh_token"]), 401)
    assert_problem(_refresh(api, successor), 401)  # the whole family is gone


def test_grace_does_not_cover_a_token_two_rotations_old(api, register) -> None:
    user = register()
    second = _refresh(api, user["refresh_token"]).json()["refresh_token"]
    third = _refresh(api, second).json()["refresh_token"]
    assert_problem(_refresh(api, user["refresh_token"]), 401)
    assert_problem(_refresh(api, third), 401)


# ------------------------------------------------------------------ access tokens revoked
def test_logout_all_revokes_access_tokens_too(api, register) -> None:
    user = register()
    other = api.post("/v1/auth/login", json={"email": user["email"], "password": user["password"]}).json()
    assert api.get("/v1/auth/me", headers=_bearer(other["access_token"])).status_code == 200
    resp = api.post("/v1/auth/logout", json={"refresh_token": user["refresh_token"], "all": True},
                    headers=user["headers"])
    assert resp.status_code == 204
    for token in (user["access_token"], other["access_token"]):
        body = assert_problem(api.get("/v1/auth/me", headers=_bearer(token)), 401)
        assert "signed out" in body["detail"]
        assert_problem(api.get("/v1/diagrams", headers=_bearer(token)), 401)
    fresh = api.post("/v1/auth/login", json={"email": user["email"], "password": user["password"]})
    assert api.get("/v1/auth/me", headers=_bearer(fresh.json()["access_token"])).status_code == 200


def test_plain_logout_leaves_access_tokens_of_other_sessions(api, register) -> None:
    user = register()
    other = api.post("/v1/auth/login", json={"email": user["email"], "password": user["password"]}).json()
    api.post("/v1/auth/logout", json={"refresh_token": user["refresh_token"]}, headers=user["headers"])
    assert api.get("/v1/auth/me", headers=_bearer(other["access_token"])).status_code == 200


def test_password_change(api, register) -> None:
    user = register()
    url = "/v1/auth/password"
    wrong = api.post(url, json={"current_password": "not-it-at-all", "new_password": "a new passphrase"},
                     headers=user["headers"])
    assert_problem(wrong, 403)
    assert_problem(api.post(url, json={"current_password": user["password"], "new_password": "short"},
                            headers=user["headers"]), 422)
    assert_problem(api.post(url, json={"current_password": user["password"], "new_password": "password123"},
                            headers=user["headers"]), 422)
    # Nothing changed so far: the old password and tokens still work.
    assert api.get("/v1/auth/me", headers=user["headers"]).status_code == 200
    changed = api.post(url, json={"current_password": user["password"], "new_password": "a new passphrase"},
                       headers=user["headers"])
    assert changed.status_code == 200, changed.text
    assert_problem(api.get("/v1/auth/me", headers=user["headers"]), 401)  # old access token
    assert_problem(_refresh(api, user["refresh_token"]), 401)  # old refresh token
    assert api.get("/v1/auth/me", headers=_bearer(changed.json()["access_token"])).status_code == 200
    assert _refresh(api, changed.json()["refresh_token"]).status_code == 200
    login = {"email": user["email"], "password": user["password"]}
    assert_problem(api.post("/v1/auth/login", json=login), 401)
    assert api.post("/v1/auth/login", json={**login, "password": "a new passphrase"}).status_code == 200
    events = [e["event"] for e in api.get("/v1/auth/audit", headers=_bearer(changed.json()["access_token"]))
              .json()["items"]]
    assert "password_changed" in events and "password_change_failed" in events


def test_password_reset_revokes_access_tokens(api, register) -> None:
    from tests.integration.test_auth_api import _reset_token_for

    user = register()
    api.post("/v1/auth/password-reset/request", json={"email": user["email"]})
    token = _reset_token_for(user["email"])
    resp = api.post("/v1/auth/password-reset/confirm", json={"token": token, "new_password": "reset passphrase"})
    assert resp.status_code == 204
    assert_problem(api.get("/v1/auth/me", headers=user["headers"]), 401)


# ------------------------------------------------------------------ API key scopes
def _key(api: httpx.Client, user: dict[str, Any], *scopes: str) -> dict[str, str]:
    resp = api.post("/v1/auth/api-keys", json={"name": "k", "scopes": list(scopes)}, headers=user["headers"])
    assert resp.status_code == 201, resp.text
    assert resp.json()["scopes"] == list(scopes)
    return {"X-API-Key": resp.json()["key"]}


def test_api_key_scopes_are_chosen_listed_and_enforced(api, register) -> None:
    user = register()
    reader = _key(api, user, "diagrams:read")
    writer = _key(api, user, "diagrams:read", "diagrams:write")
    listed = api.get("/v1/auth/api-keys", headers=user["headers"]).json()["items"]
    assert sorted(k["scopes"] for k in listed) == [["diagrams:read"], ["diagrams:read", "diagrams:write"]]
    created = api.post("/v1/diagrams", json={"title": "scoped", "type": "mermaid"}, headers=writer)
    assert created.status_code == 201, created.text
    assert api.get("/v1/diagrams", headers=reader).status_code == 200
    assert api.get(f"/v1/diagrams/{created.json()['id']}", headers=reader).status_code == 200
    body = assert_problem(api.post("/v1/diagrams", json={"title": "no", "type": "mermaid"}, headers=reader), 403)
    assert "diagrams:write" in body["detail"]
    assert_problem(api.delete(f"/v1/diagrams/{created.json()['id']}", headers=reader), 403)
    assert len(api.get("/v1/diagrams", headers=reader).json()["items"]) == 1  # nothing was written
    exporter = _key(api, user, "exports")
    assert_problem(api.get("/v1/diagrams", headers=exporter), 403)


def test_api_keys_never_manage_keys_or_sessions(api, register) -> None:
    user = register()
    key = _key(api, user, "diagrams:read", "diagrams:write", "ai", "exports")
    assert api.get("/v1/auth/me", headers=key).status_code == 200  # who am I: allowed
    attempts = [
        api.post("/v1/auth/api-keys", json={"name": "more", "scopes": ["ai"]}, headers=key),
        api.get("/v1/auth/api-keys", headers=key),
        api.delete("/v1/auth/api-keys/abc", headers=key),
        api.post("/v1/auth/logout", json={"refresh_token": user["refresh_token"], "all": True}, headers=key),
        api.post("/v1/auth/password", json={"current_password": user["password"], "new_password": "x" * 12},
                 headers=key),
        api.request("DELETE", "/v1/auth/me", json={"password": user["password"]}, headers=key),
        api.get("/v1/auth/audit", headers=key),
    ]
    for resp in attempts:
        assert_problem(resp, 403)
    assert len(api.get("/v1/auth/api-keys", headers=user["headers"]).json()["items"]) == 1
    assert _refresh(api, user["refresh_token"]).status_code == 200  # the session was not touched


@pytest.mark.parametrize("scopes", [[], ["admin"], ["diagrams:read", "keys:manage"]])
def test_api_key_scopes_are_validated(api, register, scopes: list[str]) -> None:
    user = register()
    assert_problem(api.post("/v1/auth/api-keys", json={"name": "k", "scopes": scopes}, headers=user["headers"]), 422)
    assert_problem(api.post("/v1/auth/api-keys", json={"name": "k"}, headers=user["headers"]), 422)
    assert api.get("/v1/auth/api-keys", headers=user["headers"]).json()["items"] == []


# ------------------------------------------------------------------ account deletion
def _diagram_with_everything(api: httpx.Client, user: dict[str, Any]) -> tuple[str, str]:
    h = user["headers"]
    big = {"mermaid": "flowchart LR\n" + "\n".join(f"  N{i} --> N{i + 1}" for i in range(4000))}
    d = api.post("/v1/diagrams", json={"title": "big", "type": "mermaid", "content": big}, headers=h)
    assert d.status_code == 201, d.text
    share = api.post(f"/v1/diagrams/{d.json()['id']}/shares", json={}, headers=h).json()
    api.post("/v1/folders", json={"name": "f"}, headers=h)
    small = api.post("/v1/diagrams", json={"title": "small", "type": "mermaid",
                                           "content": {"mermaid": "flowchart LR\n  A --> B"}}, headers=h)
    job = api.post(f"/v1/diagrams/{small.json()['id']}/exports", json={"format": "json"}, headers=h)
    assert job.status_code in (200, 201, 202), job.text
    return d.json()["id"], share["token"]


def _left_behind(user_id: str, diagram_id: str) -> list[str]:
    from autograph.config import get_settings

    # Read over the wire (not moto's backends), so this holds on LocalStack too.
    left = []
    for item in table_items(get_settings().table_name):
        text = json.dumps(item)
        if user_id in text or diagram_id in text:
            left.append(item["pk"]["S"] + " " + item.get("sk", {}).get("S", ""))
    # Every version counts: a delete marker alone would leave the content recoverable.
    left += [k for k in stored_object_keys(get_settings().diagrams_bucket) if diagram_id in k or user_id in k]
    return left


def _export_job_ids(user_id: str) -> list[str]:
    from autograph.store import jobs

    return [j["id"] for j in jobs.list_for_owner(user_id, status=None, limit=50, cursor=None)[0]]


def _export_files(job_ids: list[str]) -> list[str]:
    from autograph.config import get_settings

    return [k for k in stored_object_keys(get_settings().exports_bucket) if any(f"jobs/{j}/" in k for j in job_ids)]


def test_delete_account_removes_everything_and_tokens_die(api, register) -> None:
    user = register()
    user_id = user["user"]["id"]
    diagram_id, share_token = _diagram_with_everything(api, user)
    key = _key(api, user, "diagrams:read")
    job_ids = _export_job_ids(user_id)
    assert job_ids and wait_until(lambda: _export_files(job_ids) != [], timeout=60)  # the worker wrote it
    assert_problem(api.request("DELETE", "/v1/auth/me", json={"password": "wrong password"},
                               headers=user["headers"]), 403)
    assert api.get("/v1/auth/me", headers=user["headers"]).status_code == 200  # nothing deleted
    resp = api.request("DELETE", "/v1/auth/me", json={"password": user["password"]}, headers=user["headers"])
    assert resp.status_code == 204, resp.text
    # A validly signed token (and key) whose user no longer exists: 401, not 404.
    body = assert_problem(api.get("/v1/auth/me", headers=user["headers"]), 401)
    assert "no longer exists" in body["detail"]
    assert_problem(api.get("/v1/diagrams", headers=key), 401)
    assert_problem(_refresh(api, user["refresh_token"]), 401)
    assert_problem(api.get(f"/v1/shared/{share_token}"), 404)
    assert _left_behind(user_id, diagram_id) == []
    assert _export_job_ids(user_id) == [] and _export_files(job_ids) == []
    again = api.post("/v1/auth/register", json={"email": user["email"], "password": "another passphrase"})
    assert again.status_code == 201  # the e-mail is free again


def test_large_account_is_purged_in_the_background(api, register, monkeypatch) -> None:
    from autograph.auth import deletion

    monkeypatch.setattr(deletion, "SYNC_DIAGRAM_LIMIT", 1)
    user = register()
    diagram_id, _ = _diagram_with_everything(api, user)
    api.post("/v1/diagrams", json={"title": "second", "type": "mermaid"}, headers=user["headers"])
    resp = api.request("DELETE", "/v1/auth/me", json={"password": user["password"]}, headers=user["headers"])
    assert resp.status_code == 202 and resp.json()["status"] == "deleting"
    assert_problem(api.get("/v1/auth/me", headers=user["headers"]), 401)  # gone at once
    assert wait_until(lambda: _left_behind(user["user"]["id"], diagram_id) == [], timeout=60)


def test_purge_worker_sample_event_is_idempotent(stack, register, api) -> None:
    user = register()
    diagram_id, _ = _diagram_with_everything(api, user)
    event = json.loads((EVENTS / "account-purge-sqs.json").read_text())
    body = json.loads(event["Records"][0]["body"])
    body["user_id"] = user["user"]["id"]
    event["Records"][0]["body"] = json.dumps(body)
    fn = stack.functions["AccountPurgeFunction"]
    for _ in range(2):  # a redelivery finds nothing left and succeeds
        assert fn.invoke(event) == {"batchItemFailures": []}
    assert [x for x in _left_behind(user["user"]["id"], diagram_id) if "PROFILE" not in x
            and "EMAIL#" not in x] == []


def test_concurrent_account_deletions_one_wins_the_other_is_401(api, register, stack) -> None:
    user = register()
    results: list[int] = []
    barrier = threading.Barrier(2)

    def go() -> None:
        with httpx.Client(base_url=stack.url, timeout=30) as c:
            barrier.wait()
            results.append(c.request("DELETE", "/v1/auth/me", json={"password": user["password"]},
                                     headers=user["headers"]).status_code)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [204, 401], results
    assert_problem(api.get("/v1/auth/me", headers=user["headers"]), 401)
