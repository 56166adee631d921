"""RFC 9457 problem details for every error path: domain errors, 404/405, 413, 422, 500."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import AppError

PROBLEM_BASE = "https://autograph.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

_TITLES = {
    400: ("Bad Request", "bad-request"),
    401: ("Unauthorized", "unauthorized"),
    403: ("Forbidden", "forbidden"),
    404: ("Not Found", "not-found"),
    405: ("Method Not Allowed", "method-not-allowed"),
    409: ("Conflict", "conflict"),
    413: ("Payload Too Large", "payload-too-large"),
    415: ("Unsupported Media Type", "unsupported-media-type"),
    422: ("Unprocessable Content", "validation-error"),
    429: ("Too Many Requests", "rate-limited"),
    500: ("Internal Server Error", "internal"),
}


def request_id_of(request: Request | None) -> str | None:
    if request is None:
        return None
    return getattr(request.state, "request_id", None)


def problem_body(
    status: int, detail: str, *, title: str | None = None, slug: str | None = None,
    request_id: str | None = None, extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The RFC 9457 document; every problem response in the service is built here."""
    default_title, default_slug = _TITLES.get(status, ("Error", "error"))
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or default_slug),
        "title": title or default_title,
        "status": status,
        "detail": detail,
        "request_id": request_id,
    }
    body.update(extra or {})
    return body


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    slug: str | None = None,
    request_id: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body = problem_body(status, detail, title=title, slug=slug, request_id=request_id, extra=extra)
    resp = JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)
    if request_id:
        resp.headers["X-Request-Id"] = request_id
    return resp


def _message(err: dict[str, Any], loc: list[str]) -> str:
    if err.get("type") == "extra_forbidden":  # say "unknown", not pydantic's "extra inputs"
        return f"unknown field {loc[-1]!r}: this request does not take it" if loc else "unknown field"
    return str(err.get("msg", "")).removeprefix("Value error, ")


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append({"loc": loc, "field": ".".join(loc[1:]) or loc[0] if loc else "", "message": _message(err, loc)})
    return out


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of `app` serves on `path` (routers included)."""
    from fastapi import routing
    from starlette.routing import compile_path

    methods: set[str] = set()
    for context in routing.iter_route_contexts(app.routes):
        route_methods = getattr(context.original_route, "methods", None)
        path_format = getattr(context, "path_format", None)
        if route_methods and path_format and compile_path(path_format)[0].match(path):
            methods |= set(route_methods)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem(
            exc.status, exc.detail, title=exc.title, slug=exc.slug,
            request_id=request_id_of(request), headers=exc.headers, extra=exc.extra,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No route for {request.method} {request.url.path}"
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            detail = f"Method {request.method} is not allowed on {request.url.path}"
            # Starlette names only the first route that matched the path; list every method.
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return problem(exc.status_code, detail, request_id=request_id_of(request), headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        first = errors[0] if errors else {"field": "", "message": "invalid request"}
        detail = f"{first['field'] or 'request'}: {first['message']}"
        return problem(422, detail, request_id=request_id_of(request), extra={"errors": errors})
