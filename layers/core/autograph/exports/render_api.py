"""Public, browser-free rendering (POST /v1/render) and validation (POST /v1/validate): one
APIRouter, rate-limited per source IP. The work is autograph.render_service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from .. import ratelimit, render_service
from ..http.principal import source_ip
from .schema import RenderIn, ValidateIn, ValidateOut

RATE_LIMIT_PER_MINUTE = 60

router = APIRouter(tags=["render"])


def _limit(request: Request) -> None:
    ratelimit.hit("render", source_ip(request), limit=RATE_LIMIT_PER_MINUTE, window_seconds=60)


@router.post("/v1/validate", response_model=ValidateOut)
def validate(body: ValidateIn, request: Request) -> dict[str, Any]:
    _limit(request)
    return render_service.validate(body.source)


@router.post(
    "/v1/render",
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}, "application/pdf": {}},
                     "description": "The rendered bytes; ETag is the render cache key. X-Render-Engine "
                                    "names the engine that drew it (merman; mermaid-rs-renderer is the "
                                    "poorer fallback); X-Render-Warnings is a JSON list of warnings.",
                     "headers": {"X-Render-Engine": {"schema": {"type": "string"}},
                                 "X-Render-Warnings": {"schema": {"type": "string"}}}},
               304: {"description": "Not modified (If-None-Match matched)"}},
)
def render(body: RenderIn, request: Request,
           if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None) -> Response:
    _limit(request)
    options = body.model_dump(exclude={"source", "canvas", "format"}, exclude_none=True)
    drawing = body.source if body.source is not None else body.canvas.model_dump(exclude_none=True)  # type: ignore[union-attr]
    result = render_service.render_cached(drawing, body.format, options, if_none_match)
    headers = {"ETag": f'"{result.etag}"', "Cache-Control": "public, max-age=31536000, immutable",
               "X-Render-Cache": "hit" if result.cached else "miss"}
    if result.engine:  # merman | mermaid-rs-renderer (the fallback: poorer picture) | canvas
        headers["X-Render-Engine"] = result.engine
    if result.warnings:  # JSON list, e.g. characters no bundled font has
        headers["X-Render-Warnings"] = result.warnings
    if result.not_modified:
        return Response(status_code=304, headers=headers)
    return Response(content=result.body, media_type=result.content_type, headers=headers)
