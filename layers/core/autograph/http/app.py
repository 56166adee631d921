"""The FastAPI app factory every HTTP function uses, and its Lambda entry point."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI

from .. import __version__
from ..observability import count, logger, metrics, tracer
from . import openapi, problems
from .middleware import BodyLimitMiddleware, RequestContextMiddleware

# Binary bodies (PNG, PDF) must leave API Gateway base64-encoded; these stay text.
TEXT_MIME_TYPES = [
    "application/json",
    "application/problem+json",
    "application/xml",
    "image/svg+xml",
    "text/",
]
DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # a function that names no limit of its own


def create_app(title: str, *, max_body_bytes: int | None = None, description: str = "") -> FastAPI:
    # The per-function OpenAPI is merged into one document served at /v1/openapi.json.
    app = FastAPI(
        title=title, version=__version__, description=description,
        openapi_url=None, docs_url=None, redoc_url=None,
    )
    problems.install(app)
    openapi.install(app)  # every operation documents its problem statuses and headers
    limit = max_body_bytes or DEFAULT_MAX_BODY_BYTES
    # Order: the request id wraps everything, so even a 413 carries it.
    app.add_middleware(BodyLimitMiddleware, max_bytes=limit)
    app.add_middleware(RequestContextMiddleware)
    return app


# The current invocation's Lambda context, for code below the routes that needs the time left
# (Powertools idempotency). Starlette copies context variables into its worker threads.
invocation_context: ContextVar[Any] = ContextVar("invocation_context", default=None)


def lambda_handler(app: FastAPI, service: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Wraps the app with Mangum and Powertools: JSON logs with the correlation id, X-Ray, EMF."""
    from aws_lambda_powertools.logging import correlation_paths
    from mangum import Mangum

    asgi = Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES)

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        logger.append_keys(function=service)
        token = invocation_context.set(context)
        try:
            response = asgi(event, context)
        finally:
            invocation_context.reset(token)
        status = int(response.get("statusCode", 500))
        if status in (204, 304):  # Mangum defaults a Content-Type even with no body; drop it
            headers = response.get("headers") or {}
            response["headers"] = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        count("Requests")
        count("ServerErrors" if status >= 500 else "ClientErrors" if status >= 400 else "Successes")
        return response

    return handler
