"""Platform Lambda: health, the merged OpenAPI document, and problem+json for unknown routes."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from autograph import __version__
from autograph.errors import AppError, NotFound
from autograph.health import report
from autograph.http.app import create_app, lambda_handler
from fastapi import Request
from fastapi.responses import JSONResponse

# Generated from every function's FastAPI app by infra/build/openapi.py; a contract test keeps it current.
OPENAPI_PATH = Path(__file__).with_name("openapi.json")

app = create_app("AutoGraph Platform", max_body_bytes=1024)


class MethodNotAllowed(AppError):
    status, title, slug = 405, "Method Not Allowed", "method-not-allowed"


@lru_cache(maxsize=1)
def _known_paths() -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """Every documented path as a regex, with the methods it serves."""
    doc = json.loads(OPENAPI_PATH.read_text())
    out = []
    for path, ops in doc["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
        out.append((pattern, frozenset(m.upper() for m in ops)))
    return out


@app.get("/v1/health", tags=["platform"])
def health() -> JSONResponse:
    healthy, checks = report()
    body = {"status": "ok" if healthy else "degraded", "version": __version__, "checks": checks}
    return JSONResponse(body, status_code=200 if healthy else 503)


@app.get("/v1/openapi.json", tags=["platform"])
def openapi() -> JSONResponse:
    return JSONResponse(json.loads(OPENAPI_PATH.read_text()))


@app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
                                       "TRACE", "CONNECT"], include_in_schema=False)
def unknown_route(request: Request, path: str) -> Any:
    # API Gateway's $default route lands here: anything no function claims. A known path with
    # another method is a 405 with Allow, as a client would expect; anything else is a 404.
    allowed = sorted({m for pattern, methods in _known_paths() if pattern.match(request.url.path)
                      for m in methods})
    if allowed:
        raise MethodNotAllowed(f"Method {request.method} is not allowed on {request.url.path}",
                               headers={"Allow": ", ".join(allowed)})
    raise NotFound(f"No route for {request.method} {request.url.path}")


handler = lambda_handler(app, "platform")
