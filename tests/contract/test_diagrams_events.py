"""Each events/diagrams-*.json invokes the Diagrams handler (as `sam local invoke -e` would) inside
the local stack. The user, diagram id and share token are swapped in; route, shape and headers come
from the file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

EVENTS = Path(__file__).resolve().parents[2] / "events"
EXPECTED = {
    "diagrams-create": 201, "diagrams-list": 200, "diagrams-versions": 200, "diagrams-collaborators": 200,
    "diagrams-trash": 200, "diagrams-folders": 201, "diagrams-templates": 200, "diagrams-shared": 200,
    "diagrams-folder-get": 200, "diagrams-template-delete": 204, "diagrams-shared-edit": 200,
}
PUBLIC = {"diagrams-shared", "diagrams-shared-edit"}


def _fill(event: dict[str, Any], user: dict[str, Any], api: Any) -> dict[str, Any]:
    event = copy.deepcopy(event)
    ctx = (event["requestContext"].get("authorizer") or {}).get("lambda")
    if ctx:
        ctx.update(user_id=user["user"]["id"], email=user["email"])
    raw = json.dumps(event)
    if "FOLDER_ID" in raw:
        folder = api.post("/v1/folders", json={"name": "event"}, headers=user["headers"]).json()
        raw = raw.replace("FOLDER_ID", folder["id"])
    if "TEMPLATE_ID" in raw:
        source = api.post("/v1/diagrams", json={"title": "event", "type": "note", "content": {"note": "t"}},
                          headers=user["headers"]).json()
        template = api.post("/v1/templates", json={"name": "event", "diagram_id": source["id"]},
                            headers=user["headers"])
        assert template.status_code == 201, template.text
        raw = raw.replace("TEMPLATE_ID", template.json()["id"])
    if "EDIT_SHARE_TOKEN" in raw:
        created = api.post("/v1/diagrams", json={"title": "event", "type": "note", "content": {"note": "hi"}},
                           headers=user["headers"]).json()
        token = api.post(f"/v1/diagrams/{created['id']}/shares", json={"permission": "edit"},
                         headers=user["headers"]).json()["token"]
        raw = raw.replace("EDIT_SHARE_TOKEN", token)
    if "DIAGRAM_ID" in raw or "SHARE_TOKEN" in raw:
        created = api.post("/v1/diagrams", json={"title": "event", "type": "note", "content": {"note": "hi"}},
                           headers=user["headers"]).json()
        raw = raw.replace("DIAGRAM_ID", created["id"])
        if "SHARE_TOKEN" in raw:
            token = api.post(f"/v1/diagrams/{created['id']}/shares", json={}, headers=user["headers"]).json()["token"]
            raw = raw.replace("SHARE_TOKEN", token)
    return json.loads(raw)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_diagrams_event_invokes_the_handler(name: str, stack: Any, api: Any, register: Any) -> None:
    event = json.loads((EVENTS / f"{name}.json").read_text())
    assert event["version"] == "2.0" and event["requestContext"]["requestId"]
    method, path = event["routeKey"].split(" ", 1)
    route, _ = stack.api.match(method, event["rawPath"])
    assert route is not None and route.path == path and route.function.logical_id == "DiagramsFunction"
    assert (route.authorizer is None) == (name in PUBLIC)
    user = register()
    result = route.function.invoke(_fill(event, user, api))
    assert result["statusCode"] == EXPECTED[name], result.get("body")
    assert result["headers"]["x-request-id"] == event["requestContext"]["requestId"]
    if EXPECTED[name] == 204:
        assert not result.get("body")
        return
    body = json.loads(result["body"])
    if name in ("diagrams-list", "diagrams-versions", "diagrams-collaborators", "diagrams-trash",
                "diagrams-templates"):
        assert set(body) == {"items", "next_cursor"}
    if name == "diagrams-create":
        assert body["version"] == 1 and result["headers"]["etag"] == '"1"' and body["tags"] == ["events"]
    if name == "diagrams-versions":
        assert [v["number"] for v in body["items"]] == [1]
    if name == "diagrams-templates":
        assert sum(t["builtin"] for t in body["items"]) == 6
    if name == "diagrams-shared":
        assert body["content"] == {"note": "hi"} and body["permission"] == "view"
    if name == "diagrams-shared-edit":
        assert body["title"] == "Edited through an edit link" and result["headers"]["etag"] == '"2"'
    if name == "diagrams-folder-get":
        assert body["name"] == "event"


def test_unauthenticated_event_is_401(stack: Any) -> None:
    event = json.loads((EVENTS / "diagrams-list.json").read_text())
    event["requestContext"]["authorizer"] = {"lambda": {"authenticated": False, "reason": "no token"}}
    route, _ = stack.api.match("GET", event["rawPath"])
    result = route.function.invoke(event)
    assert result["statusCode"] == 401 and json.loads(result["body"])["status"] == 401


def test_every_diagrams_event_file_is_covered() -> None:
    assert {p.stem for p in EVENTS.glob("diagrams-*.json")} == set(EXPECTED)
