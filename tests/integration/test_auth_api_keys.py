"""API keys over real HTTP against the local stack: lifecycle, replays, storage as hashes, and the
per-user key limit (race-safe, nothing stored on refusal)."""

from __future__ import annotations

import threading

import httpx

from tests.helpers import assert_problem, table_items, unique_email


# ------------------------------------------------------------------ API keys
def test_api_key_lifecycle(api, register) -> None:
    user = register()
    created = api.post("/v1/auth/api-keys", json={"name": "ci", "scopes": ["diagrams:read"]}, headers=user["headers"])
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith(created.json()["prefix"])
    listed = api.get("/v1/auth/api-keys", headers=user["headers"]).json()["items"]
    assert [k["id"] for k in listed] == [created.json()["id"]]
    assert "key" not in listed[0] and key not in str(listed)
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        me = api.get("/v1/auth/me", headers=headers)
        assert me.status_code == 200 and me.json()["id"] == user["user"]["id"]
    assert api.delete(f"/v1/auth/api-keys/{created.json()['id']}", headers=user["headers"]).status_code == 204
    assert_problem(api.get("/v1/auth/me", headers={"X-API-Key": key}), 401)
    assert_problem(api.get("/v1/auth/me", headers={"Authorization": f"Bearer {key}"}), 401)
    assert api.get("/v1/auth/api-keys", headers=user["headers"]).json()["items"] == []


def test_api_key_create_replay_returns_the_same_key_with_a_new_secret(api, register) -> None:
    user = register()
    headers = {**user["headers"], "Idempotency-Key": "key-create-1"}
    first = api.post("/v1/auth/api-keys", json={"name": "deploy", "scopes": ["diagrams:read"]}, headers=headers)
    again = api.post("/v1/auth/api-keys", json={"name": "deploy", "scopes": ["diagrams:read"]}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["key"] != again.json()["key"]
    assert [k["id"] for k in api.get("/v1/auth/api-keys", headers=user["headers"]).json()["items"]] == [
        first.json()["id"]]
    assert_problem(api.get("/v1/auth/me", headers={"X-API-Key": first.json()["key"]}), 401)
    assert api.get("/v1/auth/me", headers={"X-API-Key": again.json()["key"]}).status_code == 200
    other = api.post("/v1/auth/api-keys", json={"name": "other", "scopes": ["diagrams:read"]}, headers=headers)
    assert_problem(other, 422)


def test_idempotency_records_hold_no_secrets(api, register) -> None:
    user = register()
    api.post("/v1/auth/api-keys", json={"name": "s", "scopes": ["ai"]},
             headers={**user["headers"], "Idempotency-Key": "no-secrets"})
    api.post("/v1/auth/register", json={"email": unique_email("ns"), "password": "no-secrets-pw"},
             headers={"Idempotency-Key": "no-secrets"})
    from autograph.aws import client
    from autograph.config import get_settings

    # A test may scan; the service never does.
    records = client("dynamodb").scan(TableName=get_settings().idempotency_table_name)["Items"]
    assert len(records) >= 2
    dump = str(records)
    for marker in ("agk_", "agr_", "eyJ", "no-secrets-pw"):
        assert marker not in dump


def test_api_keys_are_stored_only_as_hashes(api, register) -> None:
    user = register()
    key = api.post("/v1/auth/api-keys", json={"name": "x", "scopes": ["exports"]},
                   headers=user["headers"]).json()["key"]
    from autograph.aws import client
    from autograph.config import get_settings

    items = client("dynamodb").query(
        TableName=get_settings().table_name, KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": f"USER#{user['user']['id']}"}})["Items"]
    assert items and key not in str(items)


def test_cannot_delete_someone_elses_key(api, register) -> None:
    alice, bob = register(), register()
    key_id = api.post("/v1/auth/api-keys", json={"name": "a", "scopes": ["diagrams:write"]},
                      headers=alice["headers"]).json()["id"]
    assert_problem(api.delete(f"/v1/auth/api-keys/{key_id}", headers=bob["headers"]), 404)
    assert len(api.get("/v1/auth/api-keys", headers=alice["headers"]).json()["items"]) == 1


def test_api_key_name_is_validated(api, register) -> None:
    user = register()
    assert_problem(api.post("/v1/auth/api-keys", json={"name": ""}, headers=user["headers"]), 422)
    assert api.get("/v1/auth/api-keys", headers=user["headers"]).json()["items"] == []


# ------------------------------------------------------------------ the per-user key limit
def _stored_keys(user_id: str) -> dict[str, int]:
    """The user's key records and the authorizer's lookup items, counted over the wire."""
    from autograph.config import get_settings

    items = table_items(get_settings().table_name)
    records = [i for i in items if i["pk"]["S"] == f"USER#{user_id}" and i["sk"]["S"].startswith("APIKEY#")]
    lookups = [i for i in items if i["pk"]["S"].startswith("APIKEY#") and i.get("user_id", {}).get("S") == user_id]
    return {"records": len(records), "lookups": len(lookups)}


def test_key_limit_refuses_one_more_even_under_concurrent_creates(api, register, stack) -> None:
    from autograph.auth import apikeys

    user = register()
    uid, limit = user["user"]["id"], apikeys.MAX_KEYS_PER_USER
    for i in range(limit - 1):  # fill up through the domain: faster than HTTP, same transaction
        apikeys.create(uid, user["email"], f"fill-{i}", ["diagrams:read"])
    results: list[httpx.Response] = []
    barrier = threading.Barrier(4)

    def create(n: int) -> None:
        with httpx.Client(base_url=stack.url, timeout=30) as c:
            barrier.wait()
            results.append(c.post("/v1/auth/api-keys", json={"name": f"race-{n}", "scopes": ["ai"]},
                                  headers=user["headers"]))

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [201, 409, 409, 409], [r.text for r in results]
    for refused in (r for r in results if r.status_code == 409):
        body = assert_problem(refused, 409)
        assert f"at most {limit} API keys" in body["detail"] and body["limit"] == limit
    # Nothing of the refused creates was stored: exactly `limit` keys, each with one lookup.
    listed = api.get("/v1/auth/api-keys", params={"limit": 200}, headers=user["headers"]).json()["items"]
    assert len(listed) == limit
    assert len([k for k in listed if k["name"].startswith("race-")]) == 1
    assert _stored_keys(uid) == {"records": limit, "lookups": limit}
    events = [e["event"] for e in api.get("/v1/auth/audit", params={"limit": 200},
                                          headers=user["headers"]).json()["items"]]
    assert events.count("api_key_created") == 1


def test_revoking_a_key_frees_its_place_under_the_limit(api, register, monkeypatch) -> None:
    from autograph.auth import apikeys

    monkeypatch.setattr(apikeys, "MAX_KEYS_PER_USER", 2)
    user = register()
    made = [api.post("/v1/auth/api-keys", json={"name": f"k{i}", "scopes": ["ai"]}, headers=user["headers"])
            for i in range(2)]
    assert [r.status_code for r in made] == [201, 201]
    body = assert_problem(api.post("/v1/auth/api-keys", json={"name": "k2", "scopes": ["ai"]},
                                   headers=user["headers"]), 409)
    assert "at most 2 API keys" in body["detail"]
    # A refused create with an Idempotency-Key is not remembered: after a revoke it succeeds.
    retry = {**user["headers"], "Idempotency-Key": "limit-retry"}
    assert_problem(api.post("/v1/auth/api-keys", json={"name": "k3", "scopes": ["ai"]}, headers=retry), 409)
    assert api.delete(f"/v1/auth/api-keys/{made[0].json()['id']}", headers=user["headers"]).status_code == 204
    again = api.post("/v1/auth/api-keys", json={"name": "k3", "scopes": ["ai"]}, headers=retry)
    assert again.status_code == 201, again.text
    assert sorted(k["name"] for k in api.get("/v1/auth/api-keys", headers=user["headers"]).json()["items"]) == [
        "k1", "k3"]
    assert_problem(api.post("/v1/auth/api-keys", json={"name": "k4", "scopes": ["ai"]}, headers=user["headers"]), 409)
