"""Each sample event in events/ (auth, platform, exports, authorizer) invokes its function's handler, as
`sam local invoke -e` would, inside the local stack. Dynamic values (users, tokens) are swapped
in; route, shape and headers come from the file."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import unique_email

EVENTS = Path(__file__).resolve().parents[2] / "events"
EXPECTED = {
    "auth-register": 201, "auth-login": 200, "auth-refresh": 200, "auth-logout": 204, "auth-me": 200,
    "auth-password-reset-request": 202, "auth-password-reset-confirm": 400,
    "auth-api-keys-create": 201, "auth-api-keys-list": 200, "auth-api-keys-delete": 204,
    "auth-jwks": 200, "auth-audit": 200, "auth-password": 403, "auth-me-delete": 204,
    "platform-health": 200, "platform-openapi": 200,
    "exports-render": 200, "exports-validate": 200, "platform-default": 404,
    # Export jobs: the sample ids do not exist, so the handler answers its 404 problem (list: 200).
    "exports-job-create": 404, "exports-diagram-jobs": 404, "exports-jobs-list": 200,
    "exports-job-get": 404, "exports-job-delete": 404,
    "exports-kroki-get": 200, "exports-kroki-post": 200, "exports-kroki-post-accept": 200,
    "exports-kroki-json": 200, "exports-kroki-other": 400, "exports-batch": 202, "exports-uploads": 201,
    "exports-shared-image-svg": 404, "exports-shared-image-png": 404,  # served by Diagrams; unknown token
}


def _function_for(stack: Any, event: dict[str, Any]) -> Any:
    if event["routeKey"] == "$default":
        return stack.functions["PlatformFunction"]
    method, path = event["routeKey"].split(" ", 1)
    route, _ = stack.api.match(method, event["rawPath"])
    assert route is not None and route.path == path, event["routeKey"]
    return route.function


def _body(event: dict[str, Any]) -> dict[str, Any]:
    return json.loads(event["body"])


def _fill(name: str, event: dict[str, Any], user: dict[str, Any], api: Any) -> dict[str, Any]:
    event = copy.deepcopy(event)
    ctx = (event["requestContext"].get("authorizer") or {}).get("lambda")
    if ctx:
        ctx.update(user_id=user["user"]["id"], email=user["email"])
    if "body" in event and event["headers"].get("content-type", "").startswith("application/json"):
        body = _body(event)
        if name == "auth-register":
            body["email"] = unique_email("event")
        elif "email" in body:
            body["email"] = user["email"]
        if "password" in body:
            body["password"] = user["password"]
        if "refresh_token" in body:
            body["refresh_token"] = user["refresh_token"]
        event["body"] = json.dumps(body)
    if name == "auth-api-keys-delete":
        key_id = api.post("/v1/auth/api-keys", json={"name": "to-delete", "scopes": ["diagrams:read"]},
                          headers=user["headers"]).json()["id"]
        event["pathParameters"]["key_id"] = key_id
        event["rawPath"] = event["requestContext"]["http"]["path"] = f"/v1/auth/api-keys/{key_id}"
    return event


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_event_invokes_its_handler(name: str, stack: Any, api: Any, register: Any) -> None:
    event = json.loads((EVENTS / f"{name}.json").read_text())
    assert event["version"] == "2.0" and event["requestContext"]["requestId"]
    user = register()
    result = _function_for(stack, event).invoke(_fill(name, event, user, api))
    assert result["statusCode"] == EXPECTED[name], result.get("body")
    assert result["headers"]["x-request-id"] == event["requestContext"]["requestId"]
    if result.get("body"):
        raw = base64.b64decode(result["body"]) if result.get("isBase64Encoded") else result["body"]
        if name in ("exports-render", "exports-kroki-post-accept"):  # binary leaves Lambda base64-encoded
            assert result["isBase64Encoded"] and raw.startswith(b"\x89PNG")
        elif name.startswith("exports-kroki"):  # Kroki answers the image, or a plain-text 400
            text = raw if isinstance(raw, str) else raw.decode()
            assert text.startswith(("<svg", "<?xml", "Error 400:")), text[:80]
        else:
            json.loads(raw)


def test_every_auth_event_file_is_covered() -> None:
    files = {p.stem for prefix in ("auth", "platform", "exports") for p in EVENTS.glob(f"{prefix}-*.json")}
    assert files == set(EXPECTED)


def test_authorizer_event(stack: Any, register: Any) -> None:
    event = json.loads((EVENTS / "authorizer-request.json").read_text())
    authorizer = stack.functions["AuthorizerFunction"]
    sample = authorizer.invoke(event)
    assert sample["isAuthorized"] is True and sample["context"]["authenticated"] is False
    user = register()
    event["headers"]["authorization"] = f"Bearer {user['access_token']}"
    real = authorizer.invoke(event)
    assert real["context"]["authenticated"] is True
    assert real["context"]["user_id"] == user["user"]["id"]
