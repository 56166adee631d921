"""Diagrams over HTTP against the local stack: create/read/update with ETags, lists and search,
trash, duplicate/star/move/bulk, content limits. Each bad-input case proves nothing was stored."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem

FLOW = "flowchart LR\n  a[Start] --> b[Middle]\n  b --> c[End]\n"


def make(api: httpx.Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    payload = {"title": "Diagram", "type": "mermaid", "content": {"mermaid": FLOW}}
    payload.update(body)
    resp = api.post("/v1/diagrams", json=payload, headers=headers)
    assert resp.status_code == 201, resp.text
    assert resp.headers["etag"] == f'"{resp.json()["version"]}"'
    return resp.json()


def s3_keys(prefix: str) -> list[str]:
    from autograph.aws import client
    from autograph.config import get_settings

    page = client("s3").list_objects_v2(Bucket=get_settings().diagrams_bucket, Prefix=prefix)
    return [o["Key"] for o in page.get("Contents") or []]


def ids(resp: httpx.Response) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [d["id"] for d in resp.json()["items"]]


@pytest.fixture
def user(register: Any) -> dict[str, Any]:
    return register()


def test_create_and_get_round_trip(api: httpx.Client, user: dict[str, Any]) -> None:
    h = user["headers"]
    created = make(api, h, title="Arch", tags=["aws", "infra"])
    assert created["version"] == 1 and created["owner_id"] == user["user"]["id"]
    assert created["content"] == {"mermaid": FLOW}
    assert created["tags"] == ["aws", "infra"] and created["starred"] is False
    assert "thumbnail_url" not in created
    resp = api.get(f"/v1/diagrams/{created['id']}", headers=h)
    assert resp.status_code == 200 and resp.headers["etag"] == '"1"'
    assert resp.json()["content"] == {"mermaid": FLOW}
    assert resp.json()["size_bytes"] > 0


def test_unauthenticated_is_401(api: httpx.Client) -> None:
    assert_problem(api.get("/v1/diagrams"), 401)
    assert_problem(api.post("/v1/diagrams", json={"title": "x", "type": "note"}), 401)


def test_canvas_round_trip_keeps_only_sent_fields(api: httpx.Client, user: dict[str, Any]) -> None:
    canvas = {"shapes": [
        {"id": "f", "type": "frame", "x": 0, "y": 0, "w": 500, "h": 400},
        {"id": "a", "type": "rectangle", "x": 10, "y": 10, "w": 100, "h": 50, "text": "API", "parent_id": "f",
         "style": {"fill": "#ffffff", "dash": "dashed"}},
        {"id": "b", "type": "ellipse", "x": 200, "y": 10, "w": 80, "h": 80},
        {"id": "ar", "type": "arrow", "points": [[110, 35], [200, 50]], "start": "a", "end": "b"},
    ]}
    d = make(api, user["headers"], type="canvas", content={"canvas": canvas})
    got = api.get(f"/v1/diagrams/{d['id']}", headers=user["headers"]).json()
    assert got["content"]["canvas"] == canvas


def test_large_content_goes_to_s3_transparently(api: httpx.Client, user: dict[str, Any]) -> None:
    note = "# Big\n" + ("lorem ipsum dolor sit amet\n" * 4000)  # ~108 KB > 64 KB inline threshold
    d = make(api, user["headers"], type="note", content={"note": note})
    got = api.get(f"/v1/diagrams/{d['id']}", headers=user["headers"]).json()
    assert got["content"]["note"] == note
    assert s3_keys(f"diagrams/{d['id']}/")
    # A search still finds text inside it.
    assert d["id"] in ids(api.get("/v1/diagrams", params={"q": "LOREM IPSUM"}, headers=user["headers"]))


def test_patch_requires_if_match_and_rejects_stale(api: httpx.Client, user: dict[str, Any]) -> None:
    h = user["headers"]
    d = make(api, h, title="Before")
    url = f"/v1/diagrams/{d['id']}"
    assert_problem(api.patch(url, json={"title": "After"}, headers=h), 428)
    ok = api.patch(url, json={"title": "After", "content": {"mermaid": "graph TD\n  x --> y\n"}},
                   headers={**h, "If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] == '"2"' and ok.json()["version"] == 2 and ok.json()["title"] == "After"
    stale = api.patch(url, json={"title": "Stale"}, headers={**h, "If-Match": '"1"'})
    assert_problem(stale, 412)
    got = api.get(url, headers=h)
    assert got.json()["title"] == "After" and got.json()["version"] == 2
    assert got.json()["content"] == {"mermaid": "graph TD\n  x --> y\n"}
    versions = api.get(f"{url}/versions", headers=h).json()["items"]
    assert [v["number"] for v in versions] == [2, 1]


def test_concurrent_writers_exactly_one_wins(api: httpx.Client, stack: Any, user: dict[str, Any]) -> None:
    h = user["headers"]
    d = make(api, h)
    url = f"{stack.url}/v1/diagrams/{d['id']}"
    writers = 6
    barrier = threading.Barrier(writers)
    statuses: list[int] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        with httpx.Client(timeout=30) as c:
            barrier.wait()
            r = c.patch(url, json={"title": f"writer {n}"}, headers={**h, "If-Match": '"1"'})
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [412] * (writers - 1), statuses
    got = api.get(f"/v1/diagrams/{d['id']}", headers=h).json()
    assert got["version"] == 2 and got["title"].startswith("writer ")
    assert [v["number"] for v in api.get(f"/v1/diagrams/{d['id']}/versions", headers=h).json()["items"]] == [2, 1]


def test_list_sort_order_filters_and_pagination(api: httpx.Client, user: dict[str, Any], register: Any) -> None:
    h = user["headers"]
    folder = api.post("/v1/folders", json={"name": "Work"}, headers=h).json()
    a = make(api, h, title="banana plan", tags=["fruit"])
    b = make(api, h, title="Apple tree", type="note", content={"note": "Contains the word Zebra"},
             folder_id=folder["id"])
    c = make(api, h, title="cherry pick", tags=["Fruit", "red"])
    api.put(f"/v1/diagrams/{b['id']}/star", headers=h)
    other = register()
    make(api, other["headers"], title="apple from someone else")

    assert ids(api.get("/v1/diagrams", headers=h)) == [c["id"], b["id"], a["id"]]  # updated_at desc
    assert ids(api.get("/v1/diagrams", params={"sort": "created_at", "order": "asc"}, headers=h)) == \
        [a["id"], b["id"], c["id"]]
    assert ids(api.get("/v1/diagrams", params={"sort": "title", "order": "asc"}, headers=h)) == \
        [b["id"], a["id"], c["id"]]
    assert ids(api.get("/v1/diagrams", params={"folder_id": folder["id"]}, headers=h)) == [b["id"]]
    assert set(ids(api.get("/v1/diagrams", params={"folder_id": "root"}, headers=h))) == {a["id"], c["id"]}
    assert ids(api.get("/v1/diagrams", params={"tag": "fruit"}, headers=h)) == [a["id"]]
    assert ids(api.get("/v1/diagrams", params={"starred": "true"}, headers=h)) == [b["id"]]
    assert ids(api.get("/v1/diagrams", params={"type": "note"}, headers=h)) == [b["id"]]
    assert ids(api.get("/v1/diagrams", params={"q": "zebra"}, headers=h)) == [b["id"]]  # content text
    assert ids(api.get("/v1/diagrams", params={"q": "RED"}, headers=h)) == [c["id"]]  # tag
    assert ids(api.get("/v1/diagrams", params={"q": "apple"}, headers=h)) == [b["id"]]  # title, own only
    # Summaries carry no content.
    assert "content" not in api.get("/v1/diagrams", headers=h).json()["items"][0]

    # Cursor walk with a filter that skips items: nothing repeated, nothing lost.
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 1, "type": "mermaid"}  # skips the note between them
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v1/diagrams", params=params, headers=h).json()
        seen.extend(d["id"] for d in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [c["id"], a["id"]]
    assert_problem(api.get("/v1/diagrams", params={"cursor": "not-a-cursor"}, headers=h), 400)
    assert_problem(api.get("/v1/diagrams", params={"sort": "size"}, headers=h), 422)


def test_trash_restore_and_permanent_delete(api: httpx.Client, user: dict[str, Any]) -> None:
    h = user["headers"]
    d = make(api, h, title="Doomed")
    url = f"/v1/diagrams/{d['id']}"
    assert api.delete(url, headers=h).status_code == 204
    assert d["id"] not in ids(api.get("/v1/diagrams", headers=h))
    trash = api.get("/v1/trash", headers=h).json()["items"]
    assert [t["id"] for t in trash] == [d["id"]] and trash[0]["deleted_at"] and trash[0]["purge_at"]
    assert_problem(api.patch(url, json={"title": "x"}, headers={**h, "If-Match": '"1"'}), 404)
    # The TTL attribute is set ~30 days out.
    from autograph.store.diagram_models import DiagramItem

    item = DiagramItem.get(*DiagramItem.key(d["id"]))
    assert 29 * 86400 < item.expires_at - time.time() <= 30 * 86400
    restored = api.post(f"{url}/restore", headers=h)
    assert restored.status_code == 200 and restored.json()["id"] == d["id"]
    assert DiagramItem.get(*DiagramItem.key(d["id"])).expires_at is None
    assert d["id"] in ids(api.get("/v1/diagrams", headers=h))
    assert api.get("/v1/trash", headers=h).json()["items"] == []
    assert_problem(api.post(f"{url}/restore", headers=h), 409)

    # Permanent delete removes item, versions and S3 objects.
    api.patch(url, json={"content": {"mermaid": "graph TD\n" + "  a --> b\n" * 8000}},
              headers={**h, "If-Match": '"1"'}).raise_for_status()
    assert s3_keys(f"diagrams/{d['id']}/")
    assert api.delete(url, params={"permanent": "true"}, headers=h).status_code == 204
    assert_problem(api.get(url, headers=h), 404)
    assert s3_keys(f"diagrams/{d['id']}/") == []
    assert list(DiagramItem.query(f"DIAGRAM#{d['id']}")) == []


def test_expired_trash_is_gone(api: httpx.Client, user: dict[str, Any]) -> None:
    from autograph.store.diagram_models import DiagramItem

    h = user["headers"]
    d = make(api, h)
    api.delete(f"/v1/diagrams/{d['id']}", headers=h)
    item = DiagramItem.get(*DiagramItem.key(d["id"]))
    item.update(actions=[DiagramItem.expires_at.set(int(time.time()) - 1)])  # TTL passed, not yet swept
    assert api.get("/v1/trash", headers=h).json()["items"] == []
    assert_problem(api.post(f"/v1/diagrams/{d['id']}/restore", headers=h), 404)


def test_duplicate_star_move(api: httpx.Client, user: dict[str, Any]) -> None:
    h = user["headers"]
    d = make(api, h, title="Original", tags=["x"])
    api.patch(f"/v1/diagrams/{d['id']}", json={"title": "Original v2"}, headers={**h, "If-Match": '"1"'})
    dup = api.post(f"/v1/diagrams/{d['id']}/duplicate", headers=h)
    assert dup.status_code == 201
    copy = dup.json()
    assert copy["id"] != d["id"] and copy["title"] == "Copy of Original v2" and copy["version"] == 1
    assert copy["content"] == d["content"]
    assert [v["number"] for v in api.get(f"/v1/diagrams/{copy['id']}/versions", headers=h).json()["items"]] == [1]

    assert api.put(f"/v1/diagrams/{d['id']}/star", headers=h).status_code == 204
    assert api.get(f"/v1/diagrams/{d['id']}", headers=h).json()["starred"] is True
    assert api.delete(f"/v1/diagrams/{d['id']}/star", headers=h).status_code == 204
    assert api.get(f"/v1/diagrams/{d['id']}", headers=h).json()["starred"] is False

    folder = api.post("/v1/folders", json={"name": "Dest"}, headers=h).json()
    moved = api.post(f"/v1/diagrams/{d['id']}/move", json={"folder_id": folder["id"]}, headers=h)
    assert moved.status_code == 200 and moved.json()["folder_id"] == folder["id"]
    assert_problem(api.post(f"/v1/diagrams/{d['id']}/move", json={"folder_id": "nope"}, headers=h), 422)
    assert api.get(f"/v1/diagrams/{d['id']}", headers=h).json()["folder_id"] == folder["id"]
    back = api.post(f"/v1/diagrams/{d['id']}/move", json={"folder_id": None}, headers=h)
    assert back.status_code == 200 and back.json().get("folder_id") is None


def test_bulk_actions_report_per_id(api: httpx.Client, user: dict[str, Any], register: Any) -> None:
    h = user["headers"]
    mine = [make(api, h, title=f"b{i}") for i in range(3)]
    other = register()
    theirs = make(api, other["headers"])
    all_ids = [d["id"] for d in mine] + [theirs["id"], "missing"]

    star = api.post("/v1/diagrams/bulk", json={"action": "star", "ids": all_ids}, headers=h).json()
    assert [r["status"] for r in star["results"]] == ["ok", "ok", "ok", "not_found", "not_found"]
    tag = api.post("/v1/diagrams/bulk", json={"action": "tag", "ids": all_ids[:2], "tags": ["bulk"]}, headers=h)
    assert [r["status"] for r in tag.json()["results"]] == ["ok", "ok"]
    assert set(ids(api.get("/v1/diagrams", params={"tag": "bulk"}, headers=h))) == set(all_ids[:2])
    folder = api.post("/v1/folders", json={"name": "Bulk"}, headers=h).json()
    api.post("/v1/diagrams/bulk", json={"action": "move", "ids": all_ids[:1], "folder_id": folder["id"]}, headers=h)
    assert ids(api.get("/v1/diagrams", params={"folder_id": folder["id"]}, headers=h)) == [all_ids[0]]
    deleted = api.post("/v1/diagrams/bulk", json={"action": "delete", "ids": all_ids}, headers=h).json()
    assert [r["status"] for r in deleted["results"]] == ["ok", "ok", "ok", "not_found", "not_found"]
    assert ids(api.get("/v1/diagrams", headers=h)) == []
    assert api.get(f"/v1/diagrams/{theirs['id']}", headers=other["headers"]).status_code == 200  # untouched
    restored = api.post("/v1/diagrams/bulk", json={"action": "restore", "ids": all_ids}, headers=h).json()
    assert [r["status"] for r in restored["results"]] == ["ok", "ok", "ok", "not_found", "not_found"]
    assert len(ids(api.get("/v1/diagrams", params={"starred": "true"}, headers=h))) == 3
    assert_problem(api.post("/v1/diagrams/bulk", json={"action": "star", "ids": [f"x{i}" for i in range(101)]},
                            headers=h), 422)
    assert_problem(api.post("/v1/diagrams/bulk", json={"action": "explode", "ids": all_ids}, headers=h), 422)


def test_idempotent_create(api: httpx.Client, user: dict[str, Any]) -> None:
    h = {**user["headers"], "Idempotency-Key": "create-once-1"}
    body = {"title": "Once", "type": "note", "content": {"note": "hi"}}
    first = api.post("/v1/diagrams", json=body, headers=h)
    second = api.post("/v1/diagrams", json=body, headers=h)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert ids(api.get("/v1/diagrams", headers=user["headers"])) == [first.json()["id"]]
    assert_problem(api.post("/v1/diagrams", json={**body, "title": "Other"}, headers=h), 422)


BAD_CREATES = [
    pytest.param({"title": "", "type": "mermaid"}, 422, id="empty-title"),
    pytest.param({"title": "x" * 201, "type": "mermaid"}, 422, id="long-title"),
    pytest.param({"title": "t"}, 422, id="no-type"),
    pytest.param({"title": "t", "type": "video"}, 422, id="bad-type"),
    pytest.param({"title": "t", "type": "mermaid", "content": {"note": "x"}}, 422, id="wrong-part"),
    pytest.param({"title": "t", "type": "mermaid", "content": {"mermaid": "a" * (100 * 1024 + 1)}}, 413,
                 id="mermaid-too-big"),
    pytest.param({"title": "t", "type": "note", "content": {"note": "n" * (1024 * 1024 + 1)}}, 413,
                 id="note-too-big"),
    pytest.param({"title": "t", "type": "canvas", "content": {"canvas": {"shapes": [
        {"id": "a", "type": "hexagon"}]}}}, 422, id="unknown-shape"),
    pytest.param({"title": "t", "type": "canvas", "content": {"canvas": {"shapes": [
        {"id": "a", "type": "rectangle"}, {"id": "a", "type": "ellipse"}]}}}, 422, id="duplicate-id"),
    pytest.param({"title": "t", "type": "canvas", "content": {"canvas": {"shapes": [
        {"id": "a", "type": "rectangle"}, {"id": "ar", "type": "arrow", "start": "a", "end": "ghost"}]}}}, 422,
        id="dangling-binding"),
    pytest.param({"title": "t", "type": "canvas", "content": {"canvas": {"shapes": [
        {"id": "a", "type": "rectangle", "parent_id": "b"}, {"id": "b", "type": "ellipse"}]}}}, 422,
        id="parent-not-frame"),
    pytest.param({"title": "t", "type": "canvas", "content": {"canvas": {"shapes": [
        {"id": f"s{i}", "type": "rectangle"} for i in range(5001)]}}}, 413, id="too-many-shapes"),
    pytest.param({"title": "t", "type": "canvas", "content": {"canvas": {"shapes": [
        {"id": f"s{i}", "type": "text", "text": "x" * 9000} for i in range(600)]}}}, 413, id="canvas-over-5mb"),
    pytest.param({"title": "t", "type": "mermaid", "folder_id": "nope"}, 422, id="unknown-folder"),
    pytest.param({"title": "t", "template_id": "starter-nope"}, 422, id="unknown-template"),
    pytest.param({"title": "t", "type": "mermaid", "tags": [""]}, 422, id="empty-tag"),
]


@pytest.mark.parametrize(("body", "status"), BAD_CREATES)
def test_bad_create_is_rejected_and_stores_nothing(api: httpx.Client, user: dict[str, Any], body: dict[str, Any],
                                                   status: int) -> None:
    h = user["headers"]
    assert_problem(api.post("/v1/diagrams", json=body, headers=h), status)
    assert api.get("/v1/diagrams", headers=h).json()["items"] == []


def test_body_over_6mb_is_413(api: httpx.Client, user: dict[str, Any]) -> None:
    h = user["headers"]
    body = {"title": "t", "type": "note", "content": {"note": "n" * (6 * 1024 * 1024 + 10)}}
    assert_problem(api.post("/v1/diagrams", json=body, headers=h), 413)
    assert api.get("/v1/diagrams", headers=h).json()["items"] == []


@pytest.mark.parametrize(("patch", "status"), [
    pytest.param({"content": {"mermaid": "a" * (100 * 1024 + 1)}}, 413, id="too-big"),
    pytest.param({"content": {"canvas": {"shapes": []}}}, 422, id="wrong-part"),
    pytest.param({"title": None}, 422, id="null-title"),
    pytest.param({}, 422, id="empty"),
    pytest.param({"type": "canvas"}, 422, id="type-mismatch-with-content"),
    pytest.param({"owner_id": "me"}, 422, id="unknown-field"),
])
def test_bad_patch_changes_nothing(api: httpx.Client, user: dict[str, Any], patch: dict[str, Any],
                                   status: int) -> None:
    h = user["headers"]
    d = make(api, h, title="Stable")
    resp = api.patch(f"/v1/diagrams/{d['id']}", json=patch, headers={**h, "If-Match": '"1"'})
    assert_problem(resp, status)
    got = api.get(f"/v1/diagrams/{d['id']}", headers=h).json()
    assert (got["version"], got["title"], got["content"], got["type"]) == (1, "Stable", d["content"], "mermaid")
    assert len(api.get(f"/v1/diagrams/{d['id']}/versions", headers=h).json()["items"]) == 1
