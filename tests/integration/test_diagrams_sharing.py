"""Versions and diffs, share links, collaborators, folders, templates, and isolation between users
over HTTP against the local stack."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem, freeze_clock

V1 = "flowchart LR\n  a[Client] --> b[API]\n  b --> c[(DB)]\n"
V2 = "flowchart LR\n  a[Client] --> b[API]\n  b --> d[Cache]\n  d --> c[(DB)]\n"


def make(api: httpx.Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    payload = {"title": "Shared", "type": "mermaid", "content": {"mermaid": V1}}
    payload.update(body)
    resp = api.post("/v1/diagrams", json=payload, headers=headers)
    assert resp.status_code == 201, resp.text
    return resp.json()


def patch(api: httpx.Client, headers: dict[str, str], diagram_id: str, version: int, **body: Any) -> httpx.Response:
    return api.patch(f"/v1/diagrams/{diagram_id}", json=body, headers={**headers, "If-Match": f'"{version}"'})


@pytest.fixture
def owner(register: Any) -> dict[str, Any]:
    return register()


# ------------------------------------------------------------------ versions
def test_versions_list_get_label_restore_and_diff(api: httpx.Client, owner: dict[str, Any]) -> None:
    h = owner["headers"]
    d = make(api, h, title="Flow")
    base = f"/v1/diagrams/{d['id']}"
    assert patch(api, h, d["id"], 1, title="Flow 2", content={"mermaid": V2}).status_code == 200
    listing = api.get(f"{base}/versions", headers=h).json()["items"]
    assert [(v["number"], v["title"], v["author"]) for v in listing] == \
        [(2, "Flow 2", owner["user"]["id"]), (1, "Flow", owner["user"]["id"])]
    assert api.get(f"{base}/versions/1", headers=h).json()["content"] == {"mermaid": V1}
    assert_problem(api.get(f"{base}/versions/9", headers=h), 404)

    labelled = api.patch(f"{base}/versions/1", json={"label": "baseline", "comment": "first cut"}, headers=h)
    assert labelled.status_code == 200 and labelled.json()["label"] == "baseline"
    assert api.get(f"{base}/versions", headers=h).json()["items"][1]["comment"] == "first cut"

    diff = api.get(f"{base}/versions/1/diff/2", headers=h).json()
    assert diff["from_version"] == 1 and diff["to_version"] == 2 and diff["title_changed"] is True
    assert diff["flowchart"]["added_nodes"] == ["d"]
    assert diff["flowchart"]["added_edges"] == ["b-->d", "d-->c"]
    assert diff["flowchart"]["removed_edges"] == ["b-->c"]
    assert diff["mermaid"]["changed"] == [{"before": ["  b --> c[(DB)]"],
                                           "after": ["  b --> d[Cache]", "  d --> c[(DB)]"]}]

    assert_problem(api.post(f"{base}/versions/1/restore", headers={**h, "If-Match": '"1"'}), 412)
    restored = api.post(f"{base}/versions/1/restore", headers=h)
    assert restored.status_code == 200 and restored.headers["etag"] == '"3"'
    assert restored.json()["content"] == {"mermaid": V1} and restored.json()["title"] == "Flow"
    v3 = api.get(f"{base}/versions", headers=h).json()["items"][0]
    assert v3["number"] == 3 and v3["restored_from"] == 1
    # Version 1 itself is untouched (immutable), and diff 1..3 is empty.
    assert api.get(f"{base}/versions/1", headers=h).json()["content"] == {"mermaid": V1}
    empty = api.get(f"{base}/versions/1/diff/3", headers=h).json()
    assert empty["mermaid"] == {"added": [], "removed": [], "changed": []}


def test_canvas_diff(api: httpx.Client, owner: dict[str, Any]) -> None:
    h = owner["headers"]
    c1 = {"shapes": [{"id": "a", "type": "rectangle", "x": 0, "y": 0, "w": 10, "h": 10},
                     {"id": "b", "type": "ellipse", "text": "old"}]}
    c2 = {"shapes": [{"id": "a", "type": "rectangle", "x": 50, "y": 0, "w": 10, "h": 10},
                     {"id": "c", "type": "text", "text": "new"}]}
    d = make(api, h, type="canvas", content={"canvas": c1})
    assert patch(api, h, d["id"], 1, content={"canvas": c2}).status_code == 200
    diff = api.get(f"/v1/diagrams/{d['id']}/versions/1/diff/2", headers=h).json()["canvas"]
    assert diff == {"added": ["c"], "removed": ["b"],
                    "changed": [{"id": "a", "fields": {"x": {"before": 0.0, "after": 50.0}}}]}


# ------------------------------------------------------------------ share links
def _share(api: httpx.Client, h: dict[str, str], diagram_id: str, **body: Any) -> dict[str, Any]:
    resp = api.post(f"/v1/diagrams/{diagram_id}/shares", json=body, headers=h)
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_share_link_view_count_password_expiry_revoke(api: httpx.Client, owner: dict[str, Any]) -> None:
    from autograph.store.diagram_models import ShareItem

    h = owner["headers"]
    d = make(api, h)
    open_link = _share(api, h, d["id"])
    assert len(open_link["token"]) >= 32 and open_link["url"].endswith(open_link["token"])
    assert open_link["expires_at"] is None and open_link["permission"] == "view"
    for _ in range(3):
        view = api.get(f"/v1/shared/{open_link['token']}")  # no auth at all
        assert view.status_code == 200 and view.json()["content"] == {"mermaid": V1}
        assert view.json()["permission"] == "view"
    assert_problem(api.patch(f"/v1/shared/{open_link['token']}", json={"title": "x"},
                             headers={"If-Match": '"1"'}), 403)
    listed = {s["id"]: s for s in api.get(f"/v1/diagrams/{d['id']}/shares", headers=h).json()["items"]}
    assert listed[open_link["id"]]["view_count"] == 3 and listed[open_link["id"]]["last_viewed_at"]
    # The token is not stored: only its hash is a key.
    assert all(open_link["token"] not in str(s.attribute_values) for s in ShareItem.gsi1.query(f"DSHARES#{d['id']}"))

    locked = _share(api, h, d["id"], password="s3cret-pass", expires_in_days=7)
    url = f"/v1/shared/{locked['token']}"
    assert_problem(api.get(url), 401)
    assert_problem(api.get(url, headers={"X-Share-Password": "wrong"}), 401)
    assert api.get(url, headers={"X-Share-Password": "s3cret-pass"}).status_code == 200
    stored = next(s for s in ShareItem.gsi1.query(f"DSHARES#{d['id']}") if s.share_id == locked["id"])
    assert stored.password_hash and "s3cret-pass" not in stored.password_hash
    assert 6 * 86400 < stored.link_expires_at - time.time() <= 7 * 86400
    stored.update(actions=[ShareItem.link_expires_at.set(int(time.time()) - 1)])  # simulate expiry
    assert_problem(api.get(url, headers={"X-Share-Password": "s3cret-pass"}), 410)

    assert api.delete(f"/v1/diagrams/{d['id']}/shares/{open_link['id']}", headers=h).status_code == 204
    assert_problem(api.get(f"/v1/shared/{open_link['token']}"), 410)
    assert_problem(api.delete(f"/v1/diagrams/{d['id']}/shares/{open_link['id']}", headers=h), 404)
    assert_problem(api.get("/v1/shared/not-a-real-token"), 404)
    assert_problem(api.post(f"/v1/diagrams/{d['id']}/shares", json={"expires_in_days": 3}, headers=h), 422)


def test_edit_share_updates_with_if_match(api: httpx.Client, owner: dict[str, Any]) -> None:
    h = owner["headers"]
    d = make(api, h)
    link = _share(api, h, d["id"], permission="edit")
    url = f"/v1/shared/{link['token']}"
    assert_problem(api.patch(url, json={"title": "By link"}), 428)
    ok = api.patch(url, json={"title": "By link"}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    assert_problem(api.patch(url, json={"title": "Stale"}, headers={"If-Match": '"1"'}), 412)
    got = api.get(f"/v1/diagrams/{d['id']}", headers=h).json()
    assert got["title"] == "By link" and got["last_edited_by"] == f"share:{link['id']}"
    assert api.get(f"/v1/diagrams/{d['id']}/versions", headers=h).json()["items"][0]["author"] == \
        f"share:{link['id']}"
    # A trashed diagram is gone for its links.
    api.delete(f"/v1/diagrams/{d['id']}", headers=h)
    assert_problem(api.get(url), 410)


def _from(stack: Any, address: str) -> httpx.Client:
    """A client whose requests come from another loopback address (another source IP)."""
    return httpx.Client(base_url=stack.url, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def test_anonymous_viewer_sees_only_the_diagram(api: httpx.Client, owner: dict[str, Any]) -> None:
    h = owner["headers"]
    folder = api.post("/v1/folders", json={"name": "Private"}, headers=h).json()
    d = make(api, h, tags=["secret-tag"], folder_id=folder["id"])
    assert api.put(f"/v1/diagrams/{d['id']}/star", headers=h).status_code == 204
    for permission in ("view", "edit"):
        link = _share(api, h, d["id"], permission=permission)
        view = api.get(f"/v1/shared/{link['token']}")
        assert view.status_code == 200
        assert view.json() == {"title": "Shared", "type": "mermaid", "version": 1,
                               "content": {"mermaid": V1}, "permission": permission}
        assert owner["user"]["id"] not in view.text and folder["id"] not in view.text
        assert "secret-tag" not in view.text
    edited = api.patch(f"/v1/shared/{link['token']}", json={"title": "Edited"}, headers={"If-Match": '"1"'})
    assert edited.status_code == 200
    assert set(edited.json()) == {"title", "type", "version", "content", "permission"}


def test_share_password_needs_eight_characters(api: httpx.Client, owner: dict[str, Any]) -> None:
    h = owner["headers"]
    d = make(api, h)
    assert_problem(api.post(f"/v1/diagrams/{d['id']}/shares", json={"password": "1234567"}, headers=h), 422)
    assert api.get(f"/v1/diagrams/{d['id']}/shares", headers=h).json()["items"] == []
    assert _share(api, h, d["id"], password="12345678")["id"]


def test_wrong_share_passwords_are_limited_per_link(api: httpx.Client, owner: dict[str, Any], stack: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph.config import get_settings

    freeze_clock(monkeypatch)  # the guesses never straddle two windows
    h = owner["headers"]
    d = make(api, h)
    link = _share(api, h, d["id"], password="right-password")
    url = f"/v1/shared/{link['token']}"
    limit = get_settings().share_password_max_failures
    addresses = [f"127.0.0.{60 + i}" for i in range(limit)]  # spread over IPs: the per-IP limit stays out of it
    for address in addresses:
        with _from(stack, address) as c:
            assert_problem(c.get(url, headers={"X-Share-Password": "wrong-guess"}), 401)
    with _from(stack, "127.0.0.90") as c:
        blocked = c.get(url, headers={"X-Share-Password": "right-password"})  # even the right one waits
    body = assert_problem(blocked, 429)
    assert "share link" in body["detail"] and 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    # Another link of the same diagram is unaffected.
    other = _share(api, h, d["id"], password="right-password")
    assert api.get(f"/v1/shared/{other['token']}", headers={"X-Share-Password": "right-password"}).status_code == 200
    listed = {s["id"]: s for s in api.get(f"/v1/diagrams/{d['id']}/shares", headers=h).json()["items"]}
    assert listed[link["id"]]["view_count"] == 0


def test_wrong_share_passwords_are_limited_per_address(api: httpx.Client, owner: dict[str, Any],
                                                       stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph import ratelimit
    from autograph.config import get_settings

    freeze_clock(monkeypatch)  # the guesses never straddle two windows
    h = owner["headers"]
    d = make(api, h)
    links = [_share(api, h, d["id"], password="right-password") for _ in range(2)]
    settings = get_settings()
    address = "127.0.0.91"
    # One below the per-address limit, as if guessed across many links already.
    for _ in range(settings.share_password_ip_max_failures - 1):
        ratelimit.add_failure("share-pw-ip", address, window_seconds=settings.share_password_window_seconds)
    with _from(stack, address) as c:
        assert_problem(c.get(f"/v1/shared/{links[0]['token']}", headers={"X-Share-Password": "nope-nope"}), 401)
        blocked = c.get(f"/v1/shared/{links[1]['token']}", headers={"X-Share-Password": "right-password"})
        body = assert_problem(blocked, 429)
        assert "address" in body["detail"] and int(blocked.headers["Retry-After"]) > 0
    # Other addresses still open the link.
    assert api.get(f"/v1/shared/{links[1]['token']}", headers={"X-Share-Password": "right-password"}).status_code == 200


def test_share_and_reset_links_use_the_served_address(api: httpx.Client, owner: dict[str, Any],
                                                      stack: Any) -> None:
    from tests.helpers import sent_mail

    d = make(api, owner["headers"])
    link = _share(api, owner["headers"], d["id"])
    assert link["url"] == f"{stack.url}/v1/shared/{link['token']}"
    assert api.get(link["url"].removeprefix(stack.url)).status_code == 200
    api.post("/v1/auth/password-reset/request", json={"email": owner["email"]})
    assert f"{stack.url}/reset-password?token=agp_" in sent_mail(owner["email"])[-1]


# ------------------------------------------------------------------ collaborators
def test_collaborator_roles(api: httpx.Client, owner: dict[str, Any], register: Any) -> None:
    h = owner["headers"]
    viewer, editor, stranger = register(), register(), register()
    d = make(api, h, title="Team doc")
    base = f"/v1/diagrams/{d['id']}"
    assert_problem(api.post(f"{base}/collaborators", json={"email": "nobody@example.com", "role": "viewer"},
                            headers=h), 404)
    assert_problem(api.post(f"{base}/collaborators", json={"email": owner["email"], "role": "viewer"}, headers=h), 422)
    for who, role in ((viewer, "viewer"), (editor, "editor")):
        resp = api.post(f"{base}/collaborators", json={"email": who["email"].upper(), "role": role}, headers=h)
        assert resp.status_code == 201 and resp.json()["role"] == role
    listed = api.get(f"{base}/collaborators", headers=h).json()["items"]
    assert {c["user_id"]: c["role"] for c in listed} == {viewer["user"]["id"]: "viewer", editor["user"]["id"]: "editor"}

    vh, eh = viewer["headers"], editor["headers"]
    assert api.get(base, headers=vh).status_code == 200
    assert api.get(f"{base}/versions", headers=vh).status_code == 200
    assert_problem(patch(api, vh, d["id"], 1, title="viewer edit"), 403)
    assert patch(api, eh, d["id"], 1, title="editor edit").status_code == 200
    for hdrs in (vh, eh):  # only the owner deletes, shares, moves and manages collaborators
        assert_problem(api.delete(base, headers=hdrs), 403)
        assert_problem(api.post(f"{base}/shares", json={}, headers=hdrs), 403)
        assert_problem(api.post(f"{base}/move", json={"folder_id": None}, headers=hdrs), 403)
        assert_problem(api.post(f"{base}/collaborators", json={"email": stranger["email"], "role": "viewer"},
                                headers=hdrs), 403)
    assert api.get(base, headers=h).json()["title"] == "editor edit"

    shared = api.get("/v1/diagrams", params={"shared_with_me": "true"}, headers=vh).json()["items"]
    assert [(s["id"], s["role"]) for s in shared] == [(d["id"], "viewer")]
    assert api.get("/v1/diagrams", headers=vh).json()["items"] == []  # not in the viewer's own list
    assert_problem(api.get(base, headers=stranger["headers"]), 404)

    assert api.delete(f"{base}/collaborators/{viewer['user']['id']}", headers=h).status_code == 204
    assert_problem(api.get(base, headers=vh), 404)
    assert api.get("/v1/diagrams", params={"shared_with_me": "true"}, headers=vh).json()["items"] == []


# ------------------------------------------------------------------ isolation
def test_other_user_gets_404_on_every_route(api: httpx.Client, owner: dict[str, Any], register: Any) -> None:
    h = owner["headers"]
    d = make(api, h)
    link = _share(api, h, d["id"])
    folder = api.post("/v1/folders", json={"name": "Private"}, headers=h).json()
    tpl = api.post("/v1/templates", json={"diagram_id": d["id"], "name": "Mine"}, headers=h).json()
    b = register()["headers"]
    base = f"/v1/diagrams/{d['id']}"
    calls = [
        ("GET", base, None), ("PATCH", base, {"title": "x"}), ("DELETE", base, None),
        ("DELETE", base + "?permanent=true", None), ("POST", f"{base}/restore", None),
        ("POST", f"{base}/duplicate", None), ("PUT", f"{base}/star", None), ("DELETE", f"{base}/star", None),
        ("POST", f"{base}/move", {"folder_id": None}), ("GET", f"{base}/versions", None),
        ("GET", f"{base}/versions/1", None), ("PATCH", f"{base}/versions/1", {"label": "x"}),
        ("POST", f"{base}/versions/1/restore", None), ("GET", f"{base}/versions/1/diff/1", None),
        ("POST", f"{base}/shares", {}), ("GET", f"{base}/shares", None),
        ("DELETE", f"{base}/shares/{link['id']}", None),
        ("POST", f"{base}/collaborators", {"email": owner["email"], "role": "editor"}),
        ("GET", f"{base}/collaborators", None), ("DELETE", f"{base}/collaborators/{owner['user']['id']}", None),
        ("GET", f"/v1/folders/{folder['id']}", None), ("PATCH", f"/v1/folders/{folder['id']}", {"name": "x"}),
        ("DELETE", f"/v1/folders/{folder['id']}", None), ("DELETE", f"/v1/templates/{tpl['id']}", None),
        ("POST", "/v1/templates", {"diagram_id": d["id"], "name": "steal"}),
    ]
    for method, url, body in calls:
        resp = api.request(method, url, json=body, headers={**b, "If-Match": '"1"'})
        assert_problem(resp, 404)
    bulk = api.post("/v1/diagrams/bulk", json={"action": "delete", "ids": [d["id"]]}, headers=b).json()
    assert bulk["results"] == [{"id": d["id"], "status": "not_found"}]
    create = api.post("/v1/diagrams", json={"title": "x", "template_id": tpl["id"]}, headers=b)
    assert_problem(create, 422)
    assert_problem(api.post("/v1/diagrams", json={"title": "x", "type": "note", "folder_id": folder["id"]},
                            headers=b), 422)
    # Nothing changed for the owner.
    got = api.get(base, headers=h).json()
    assert (got["version"], got["title"], got["starred"]) == (1, "Shared", False)
    assert api.get(f"/v1/folders/{folder['id']}", headers=h).status_code == 200
    assert [s["id"] for s in api.get(f"{base}/shares", headers=h).json()["items"]] == [link["id"]]
    assert api.get(f"/v1/shared/{link['token']}").status_code == 200


# ------------------------------------------------------------------ folders
def test_folders_tree_breadcrumb_cycle_and_delete(api: httpx.Client, owner: dict[str, Any]) -> None:
    h = owner["headers"]

    def mk(name: str, parent: str | None = None) -> dict[str, Any]:
        resp = api.post("/v1/folders", json={"name": name, "parent_id": parent, "color": "#3366ff"}, headers=h)
        assert resp.status_code == 201, resp.text
        return resp.json()

    root = mk("Root")
    mid = mk("Mid", root["id"])
    leaf = mk("Leaf", mid["id"])
    got = api.get(f"/v1/folders/{leaf['id']}", headers=h).json()
    assert [c["name"] for c in got["path"]] == ["Root", "Mid", "Leaf"]
    assert {f["id"] for f in api.get("/v1/folders", headers=h).json()["items"]} == {root["id"], mid["id"], leaf["id"]}
    assert [f["id"] for f in api.get("/v1/folders", params={"parent_id": "root"}, headers=h).json()["items"]] == \
        [root["id"]]

    assert_problem(api.patch(f"/v1/folders/{root['id']}", json={"parent_id": leaf["id"]}, headers=h), 409)
    assert_problem(api.patch(f"/v1/folders/{root['id']}", json={"parent_id": root["id"]}, headers=h), 409)
    assert api.get(f"/v1/folders/{root['id']}", headers=h).json()["parent_id"] is None  # unchanged
    renamed = api.patch(f"/v1/folders/{mid['id']}", json={"name": "Middle", "parent_id": None}, headers=h)
    assert renamed.status_code == 200 and renamed.json()["parent_id"] is None
    assert [c["name"] for c in api.get(f"/v1/folders/{leaf['id']}", headers=h).json()["path"]] == ["Middle", "Leaf"]
    assert_problem(api.post("/v1/folders", json={"name": "x", "color": "red"}, headers=h), 422)
    assert_problem(api.post("/v1/folders", json={"name": "x", "parent_id": "ghost"}, headers=h), 422)

    d = make(api, h, folder_id=leaf["id"])
    assert_problem(api.delete(f"/v1/folders/{mid['id']}", headers=h), 409)  # has a sub-folder
    assert_problem(api.delete(f"/v1/folders/{leaf['id']}", headers=h), 409)  # has a diagram
    assert api.get(f"/v1/folders/{leaf['id']}", headers=h).status_code == 200
    assert api.delete(f"/v1/folders/{root['id']}", headers=h).status_code == 204  # empty
    assert api.delete(f"/v1/folders/{mid['id']}", params={"recursive": "true"}, headers=h).status_code == 204
    assert_problem(api.get(f"/v1/folders/{leaf['id']}", headers=h), 404)
    assert [t["id"] for t in api.get("/v1/trash", headers=h).json()["items"]] == [d["id"]]
    back = api.post(f"/v1/diagrams/{d['id']}/restore", headers=h).json()
    assert back.get("folder_id") is None  # its folder is gone: restored to the root


# ------------------------------------------------------------------ templates
def test_templates_builtin_user_and_create_from(api: httpx.Client, owner: dict[str, Any], register: Any) -> None:
    h = owner["headers"]
    listing = api.get("/v1/templates", headers=h).json()["items"]
    builtin = [t for t in listing if t["builtin"]]
    assert {t["name"] for t in builtin} == {"3-tier web app", "Serverless API", "Microservices", "E-commerce ERD",
                                            "Login sequence", "CI/CD pipeline"}

    from_starter = api.post("/v1/diagrams", json={"title": "My API", "template_id": "starter-serverless-api"},
                            headers=h)
    assert from_starter.status_code == 201 and from_starter.json()["type"] == "mermaid"
    assert "API Gateway" in from_starter.json()["content"]["mermaid"]

    d = make(api, h, type="note", content={"note": "# Runbook"})
    tpl = api.post("/v1/templates", json={"diagram_id": d["id"], "name": "Runbook", "description": "ops"}, headers=h)
    assert tpl.status_code == 201 and tpl.json()["builtin"] is False and tpl.json()["type"] == "note"
    tid = tpl.json()["id"]
    assert tid in [t["id"] for t in api.get("/v1/templates", headers=h).json()["items"]]
    other = register()["headers"]
    assert tid not in [t["id"] for t in api.get("/v1/templates", headers=other).json()["items"]]
    # The template is a copy: later edits to the diagram do not change it.
    patch(api, h, d["id"], 1, content={"note": "# Changed"})
    made = api.post("/v1/diagrams", json={"title": "From mine", "template_id": tid}, headers=h).json()
    assert made["content"] == {"note": "# Runbook"} and made["type"] == "note"
    assert_problem(api.post("/v1/diagrams", json={"title": "x", "template_id": tid, "type": "canvas"}, headers=h), 422)
    assert_problem(api.delete("/v1/templates/starter-microservices", headers=h), 403)
    assert api.delete(f"/v1/templates/{tid}", headers=h).status_code == 204
    assert tid not in [t["id"] for t in api.get("/v1/templates", headers=h).json()["items"]]
    assert_problem(api.delete(f"/v1/templates/{tid}", headers=h), 404)
