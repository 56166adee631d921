"""Platform Lambda: health, the merged OpenAPI document, and problem+json for unknown routes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from autograph import __version__
from autograph.errors import NotFound
from autograph.health import report
from autograph.http.app import create_app, lambda_handler

# Generated from every function's FastAPI app by infra/build/openapi.py; a contract test keeps it current.
OPENAPI_PATH = Path(__file__).with_name("openapi.json")

app = create_app("AutoGraph Platform", max_body_bytes=1024)


@app.get("/v1/health", tags=["platform"])
def health() -> JSONResponse:
    healthy, checks = report()
    body = {"status": "ok" if healthy else "degraded", "version": __version__, "checks": checks}
    return JSONResponse(body, status_code=200 if healthy else 503)


@app.get("/v1/openapi.json", tags=["platform"])
def openapi() -> JSONResponse:
    return JSONResponse(json.loads(OPENAPI_PATH.read_text()))


@app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
               include_in_schema=False)
def unknown_route(request: Request, path: str) -> Any:
    # API Gateway's $default route lands here: anything no function claims.
    raise NotFound(f"No route for {request.method} {request.url.path}")


handler = lambda_handler(app, "platform")
