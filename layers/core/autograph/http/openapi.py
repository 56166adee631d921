"""The OpenAPI document tells the truth, centrally: every operation of every app made by
`create_app` documents the problem statuses it can return (application/problem+json with the
Problem schema) and the headers it sends, derived from what the route is:

- every operation: 422 (request validation), 429 (rate limits, API Gateway throttling) and
  503 (a dependency is down), plus X-Request-Id on every response;
- depends on `current_principal` (directly or through another dependency): 401 and 403;
- has path parameters, or acts for a signed-in user: 404;
- writes (POST/PUT/PATCH/DELETE): 409; with a body: 413; with a `cursor` query: 400;
- takes If-Match: 412 and 428; takes Idempotency-Key: 409 (and its length limit is documented);
- a status a route declares itself (`responses={410: {...}}`) gets the problem content too,
  unless it declares a `content` of its own (e.g. Kroki's text/plain errors).
ETag is documented on the success response of paths that take If-Match/If-None-Match, Location
on 201s, Retry-After on 429/503, WWW-Authenticate on 401. Routes added later by anyone get all
of this for free, because it runs when the document is generated (`app.openapi()`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, routing
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from .params import IDEMPOTENCY_KEY_MAX as KEY_MAX
from .principal import current_principal
from .problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE

PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details. `type` names the problem (" + PROBLEM_BASE + "<slug>); "
                   "422s from request validation carry `errors` [{loc, field, message}].",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "request_id": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
DESCRIPTIONS = {
    400: "Bad request (for example a cursor that is not valid for this list)",
    401: "Missing or invalid credentials",
    403: "Authenticated, but not allowed to do this",
    404: "Not found (or not yours)",
    405: "Method not allowed",
    409: "Conflict with the current state (or an Idempotency-Key still in progress)",
    410: "Gone",
    412: "If-Match does not match the current ETag; nothing was changed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "The request is not valid (problem `errors` lists each field)",
    428: "If-Match is required for this change",
    429: "Too many requests; Retry-After says when to try again",
    503: "A dependency is unavailable; Retry-After says when to try again",
}
HEADERS = {
    "X-Request-Id": {"description": "The request id; logs carry it as correlation_id",
                     "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}},
    "ETag": {"description": "The representation's version; send it back in If-Match",
             "schema": {"type": "string"}},
    "Location": {"description": "The created resource", "schema": {"type": "string"}},
    "WWW-Authenticate": {"description": "The authentication scheme", "schema": {"type": "string"}},
    "Allow": {"description": "The methods this path supports", "schema": {"type": "string"}},
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _walk(dependant: Any) -> list[Any]:
    found = [dependant]
    for sub in getattr(dependant, "dependencies", []) or []:
        found.extend(_walk(sub))
    return found


def _headers(dependants: list[Any]) -> set[str]:
    return {(f.alias or f.name).lower() for d in dependants for f in d.header_params}


def statuses(route: Any, method: str) -> set[int]:
    """The problem statuses this operation can answer, derived from the route itself."""
    dependants = _walk(route.dependant)
    secured = any(d.call is current_principal for d in dependants)
    headers = _headers(dependants)
    out = {422, 429, 503}
    if secured:
        out |= {401, 403, 404}
    if any(d.path_params for d in dependants):
        out.add(404)
    if method in WRITES:
        out.add(409)
    if any(d.body_params for d in dependants):
        out.add(413)
    if any(f.name == "cursor" or f.alias == "cursor" for d in dependants for f in d.query_params):
        out.add(400)
    if "if-match" in headers:
        out |= {412, 428}
    if "idempotency-key" in headers:
        out.add(409)
    for code in route.responses or {}:
        if str(code).isdigit() and int(code) >= 400:
            out.add(int(code))
    return out


def _problem_response(status: int, existing: dict[str, Any] | None, own_content: bool) -> dict[str, Any]:
    response = dict(existing or {})
    if not response.get("description") or response.get("description") == "Validation Error":
        response["description"] = DESCRIPTIONS.get(status, "Error")
    if not own_content:  # a route that declares its own error media type (Kroki's text/plain) keeps it
        response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}
    headers = {"X-Request-Id": HEADERS["X-Request-Id"]}
    if status in (429, 503):
        headers["Retry-After"] = HEADERS["Retry-After"]
    if status == 401:
        headers["WWW-Authenticate"] = HEADERS["WWW-Authenticate"]
    if status == 405:
        headers["Allow"] = HEADERS["Allow"]
    response["headers"] = {**response.get("headers", {}), **headers}
    return response


def document(schema: dict[str, Any], routes: list[Any]) -> dict[str, Any]:
    """Add problem responses and headers to every operation of `schema` (in place)."""
    # Route contexts, not app.routes: routers included with include_router are nested there.
    api_routes = [r for r in routing.iter_route_contexts(routes)
                  if isinstance(r.original_route, APIRoute) and r.include_in_schema]
    etag_paths = {r.path_format for r in api_routes
                  if _headers(_walk(r.dependant)) & {"if-match", "if-none-match"}}
    for route in api_routes:
        for method in route.methods:
            op = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if op is None:
                continue
            responses = op.setdefault("responses", {})
            for code, response in responses.items():
                if code.isdigit() and int(code) < 400:
                    headers = response.setdefault("headers", {})
                    headers.setdefault("X-Request-Id", HEADERS["X-Request-Id"])
                    if int(code) < 300 and route.path_format in etag_paths:
                        headers.setdefault("ETag", HEADERS["ETag"])
                    if code == "201":
                        headers.setdefault("Location", HEADERS["Location"])
            declared = route.responses or {}
            for status in sorted(statuses(route, method)):
                own = (declared.get(status) or declared.get(str(status)) or {}).get("content")
                responses[str(status)] = _problem_response(status, responses.get(str(status)), bool(own))
            op["responses"] = dict(sorted(responses.items()))
            for param in op.get("parameters", []):
                if param.get("in") == "header" and param.get("name", "").lower() == "idempotency-key":
                    # What http/idempotency.py accepts, whichever app declared the header.
                    param["schema"] = {"type": "string", "maxLength": KEY_MAX,
                                       "description": "Retries with the same key and body return the first result"}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body: not ours
        components.pop(unused, None)
    return schema


def install(app: FastAPI) -> None:
    """Make app.openapi() return the documented schema (the merger in infra/build calls it)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            app.openapi_schema = document(schema, app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
