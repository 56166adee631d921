"""The Platform function's routes: health, the merged OpenAPI document, and problem+json for
every route no other function claims (API Gateway's $default route)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from . import __version__
from .errors import AppError, NotFound
from .health import report


class MethodNotAllowed(AppError):
    status, title, slug = 405, "Method Not Allowed", "method-not-allowed"


def router(openapi_document: Path) -> APIRouter:
    """The routes, serving `openapi_document` (generated from every app by infra/build/openapi.py
    and shipped beside the Platform function's app)."""
    routes = APIRouter()

    @lru_cache(maxsize=1)
    def known_paths() -> list[tuple[re.Pattern[str], frozenset[str]]]:
        """Every documented path as a regex, with the methods it serves."""
        doc = json.loads(openapi_document.read_text())
        out = []
        for path, ops in doc["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
            out.append((pattern, frozenset(m.upper() for m in ops)))
        return out

    @routes.get("/v1/health", tags=["platform"])
    def health() -> JSONResponse:
        healthy, checks = report()
        body = {"status": "ok" if healthy else "degraded", "version": __version__, "checks": checks}
        return JSONResponse(body, status_code=200 if healthy else 503)

    @routes.get("/v1/openapi.json", tags=["platform"])
    def openapi() -> JSONResponse:
        return JSONResponse(json.loads(openapi_document.read_text()))

    @routes.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
                                                "TRACE", "CONNECT"], include_in_schema=False)
    def unknown_route(request: Request, path: str) -> Any:
        # API Gateway's $default route lands here: anything no function claims. A known path with
        # another method is a 405 with Allow, as a client would expect; anything else is a 404.
        allowed = sorted({m for pattern, methods in known_paths() if pattern.match(request.url.path)
                          for m in methods})
        if allowed:
            raise MethodNotAllowed(f"Method {request.method} is not allowed on {request.url.path}",
                                   headers={"Allow": ", ".join(allowed)})
        raise NotFound(f"No route for {request.method} {request.url.path}")

    return routes
