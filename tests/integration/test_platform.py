"""Platform routes and the shared HTTP conventions: health, OpenAPI, problem+json on every error
path (404, 405, 413, 422, 500), X-Request-Id, CORS."""

from __future__ import annotations

from typing import Any

import httpx

from tests.helpers import assert_problem


def test_health_reports_each_dependency(api: httpx.Client) -> None:
    resp = api.get("/v1/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok" and body["version"]
    assert {k: v["status"] for k, v in body["checks"].items()} == {"dynamodb": "ok", "s3": "ok", "sqs": "ok"}


def test_health_is_503_naming_the_failing_dependency(stack: Any, monkeypatch: Any) -> None:
    from autograph.config import reset_settings

    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    reset_settings()
    try:
        event = {"version": "2.0", "routeKey": "GET /v1/health", "rawPath": "/v1/health", "rawQueryString": "",
                 "headers": {"host": "localhost"}, "isBase64Encoded": False,
                 "requestContext": {"requestId": "health-503", "http": {"method": "GET", "path": "/v1/health",
                                    "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "t"},
                                    "routeKey": "GET /v1/health", "stage": "$default"}}
        result = stack.functions["PlatformFunction"].invoke(event)
    finally:
        monkeypatch.undo()
        reset_settings()
    import json

    body = json.loads(result["body"])
    assert result["statusCode"] == 503
    assert body["checks"]["dynamodb"]["status"] == "error" and body["checks"]["s3"]["status"] == "ok"


def test_openapi_describes_every_route(api: httpx.Client) -> None:
    doc = api.get("/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/v1/auth/register", "/v1/auth/login", "/v1/auth/refresh", "/v1/auth/logout", "/v1/auth/me",
                 "/v1/auth/password-reset/request", "/v1/auth/password-reset/confirm", "/v1/auth/api-keys",
                 "/v1/auth/api-keys/{key_id}", "/v1/auth/.well-known/jwks.json", "/v1/auth/audit",
                 "/v1/health", "/v1/openapi.json"):
        assert path in doc["paths"], path
    assert doc["paths"]["/v1/auth/me"]["get"]["security"]
    assert "security" not in doc["paths"]["/v1/auth/login"]["post"]


def test_unknown_route_is_404_problem(api: httpx.Client) -> None:
    body = assert_problem(api.get("/v1/definitely/not/here"), 404)
    assert "/v1/definitely/not/here" in body["detail"]
    assert_problem(api.post("/nothing"), 404)


def test_wrong_method_on_known_path_is_405_with_allow(api: httpx.Client) -> None:
    resp = api.delete("/v1/auth/login")  # (DELETE /v1/auth/me exists now: account deletion)
    assert_problem(resp, 405)
    assert resp.headers["Allow"] == "POST"


def test_oversized_body_is_413_problem_and_nothing_stored(api: httpx.Client) -> None:
    email = "big-body@example.com"
    resp = api.post("/v1/auth/register", json={"email": email, "password": "x" * 20, "name": "n" * 40_000})
    assert_problem(resp, 413)
    assert api.post("/v1/auth/login", json={"email": email, "password": "x" * 20}).status_code == 401


def test_malformed_json_is_422_problem(api: httpx.Client) -> None:
    resp = api.post("/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"})
    body = assert_problem(resp, 422)
    assert body["errors"]


def test_request_id_on_success_and_errors(api: httpx.Client, register: Any) -> None:
    user = register()
    for resp in (api.get("/v1/health"), api.get("/v1/auth/me", headers=user["headers"]), api.get("/v1/nope"),
                 api.get("/v1/auth/me")):
        assert len(resp.headers["x-request-id"]) >= 16


def test_unexpected_errors_are_500_problem_without_trace(stack: Any, monkeypatch: Any) -> None:
    from autograph.auth import accounts

    def boom(*_: Any, **__: Any) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(accounts, "login", boom)
    with httpx.Client(base_url=stack.url) as client:
        resp = client.post("/v1/auth/login", json={"email": "a@example.com", "password": "whatever1"})
    body = assert_problem(resp, 500)
    assert "secret internal detail" not in resp.text and "Traceback" not in resp.text
    assert body["detail"] == "An unexpected error occurred."


def test_cors_preflight_and_headers(api: httpx.Client) -> None:
    pre = api.options("/v1/auth/login",
                      headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    resp = api.get("/v1/health", headers={"Origin": "https://app.example"})
    assert resp.headers["access-control-allow-origin"] == "*"
    assert "x-request-id" in resp.headers["access-control-expose-headers"]
