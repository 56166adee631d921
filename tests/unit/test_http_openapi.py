"""autograph.http: the OpenAPI document is completed centrally (problem statuses, headers) for
every route of every app made by create_app, routers included; strict request bodies; 405 Allow."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "layers" / "core"))

from autograph.http.app import create_app  # noqa: E402
from autograph.http.fields import RequestModel, SingleLine  # noqa: E402
from autograph.http.middleware import lone_surrogate  # noqa: E402
from autograph.http.principal import Principal, current_principal  # noqa: E402
from fastapi import APIRouter, Depends, Header  # noqa: E402
from pydantic import Field, ValidationError  # noqa: E402

Caller = Annotated[Principal, Depends(current_principal)]
PROBLEM = "#/components/schemas/Problem"


class ThingIn(RequestModel):
    name: SingleLine = Field(max_length=20)


def _app() -> Any:
    app = create_app("Test")
    router = APIRouter()  # a router of its own, as new features add them

    @router.patch("/v1/things/{thing_id}", responses={410: {"description": "Gone for good"}})
    def patch_thing(thing_id: str, body: ThingIn, caller: Caller,
                    if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> dict[str, str]:
        return {}

    @router.get("/v1/things/{thing_id}")
    def get_thing(thing_id: str, caller: Caller) -> dict[str, str]:
        return {}

    @app.post("/v1/public", status_code=201)
    def public(body: ThingIn) -> dict[str, str]:
        return {}

    @app.get("/v1/plain", responses={400: {"description": "Kroki-style", "content": {"text/plain": {}}}})
    def plain() -> dict[str, str]:
        return {}

    app.include_router(router)
    return app


def _responses(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return doc["paths"][path][method]["responses"]


def test_statuses_are_derived_from_the_route() -> None:
    doc = _app().openapi()
    patch = _responses(doc, "/v1/things/{thing_id}", "patch")
    assert sorted(patch) == ["200", "401", "403", "404", "409", "410", "412", "413", "422", "428", "429", "503"]
    public = _responses(doc, "/v1/public", "post")
    assert sorted(public) == ["201", "409", "413", "422", "429", "503"]  # no 401/404: public, no path id
    for status, response in patch.items():
        assert "X-Request-Id" in response["headers"]
        if int(status) >= 400:
            assert response["content"] == {"application/problem+json": {"schema": {"$ref": PROBLEM}}}
    assert "Retry-After" in patch["429"]["headers"] and "Retry-After" in patch["503"]["headers"]
    assert "WWW-Authenticate" in patch["401"]["headers"]
    assert patch["410"]["description"] == "Gone for good"
    # ETag on the success of every operation of a path that takes If-Match; Location on a 201.
    assert "ETag" in patch["200"]["headers"]
    assert "ETag" in _responses(doc, "/v1/things/{thing_id}", "get")["200"]["headers"]
    assert "Location" in public["201"]["headers"]
    assert doc["components"]["schemas"]["Problem"]["properties"]["detail"] == {"type": "string"}
    plain = _responses(doc, "/v1/plain", "get")  # a declared error media type is kept
    assert plain["400"]["content"] == {"text/plain": {}} and "X-Request-Id" in plain["400"]["headers"]
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_request_models_are_strict_and_say_so_in_the_schema() -> None:
    schema = _app().openapi()["components"]["schemas"]["ThingIn"]
    assert schema["additionalProperties"] is False and "pattern" in schema["properties"]["name"]
    with pytest.raises(ValidationError, match="extra"):
        ThingIn(name="ok", colour="red")  # type: ignore[call-arg]
    for bad, words in (("a\x00b", "control characters"), ("x\u0085", "control characters"),
                       ("  ", "whitespace")):
        with pytest.raises(ValidationError, match=words):
            ThingIn(name=bad)


def test_lone_surrogates_are_found_anywhere_in_a_json_body() -> None:
    assert lone_surrogate(b'{"a": "x\\udfff"}') == ["body", "a"]
    assert lone_surrogate(b'{"a": [1, {"b": "\\ud800"}]}') == ["body", "a", "1", "b"]
    assert lone_surrogate(b'{"\\udc00": 1}') == ["body", "<key>"]
    assert lone_surrogate(b'{"a": "\\ud83d\\ude00"}') is None  # a pair is fine
    assert lone_surrogate(b'{"a": "\\\\udfff"}') is None  # an escaped backslash, then text


def test_every_request_body_in_the_api_forbids_unknown_fields() -> None:
    doc = json.loads((ROOT / "functions" / "platform" / "openapi.json").read_text())
    schemas = doc["components"]["schemas"]
    loose = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            ref = ((content or {}).get("schema") or {}).get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if name and schemas[name].get("additionalProperties") is not False:
                loose.append(f"{method.upper()} {path} ({name})")
    assert not loose, f"request bodies that accept unknown fields: {loose}"
