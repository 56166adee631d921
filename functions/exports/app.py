"""Exports Lambda: public, browser-free rendering (POST /v1/render) and validation (POST /v1/validate),
export jobs (/v1/diagrams/{id}/exports, /v1/exports) and the Kroki-compatible API (/v1/kroki)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from autograph import ratelimit, render_service
from autograph.diagrams.schema import Canvas
from autograph.exports import jobs_api, kroki_api
from autograph.http.app import create_app, lambda_handler
from autograph.http.fields import RequestModel, Text
from autograph.http.principal import source_ip
from fastapi import Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

app = create_app("AutoGraph Exports", max_body_bytes=6 * 1024 * 1024)
app.include_router(jobs_api.router)
app.include_router(kroki_api.router)
RATE_LIMIT_PER_MINUTE = 60


class ValidateIn(RequestModel):
    source: Text = Field(max_length=200_000, description="Mermaid source")


class ValidationErrorOut(BaseModel):
    line: int | None
    column: int | None
    message: str


class ValidateOut(BaseModel):
    valid: bool
    diagram_type: str | None
    errors: list[ValidationErrorOut]
    warnings: list[Any]
    stats: dict[str, int]
    engine: str | None = Field(default=None, description="Engine that would draw it: merman (main) or "
                               "mermaid-rs-renderer (fallback, with a warning); null when invalid")


class RenderIn(RequestModel):
    # "Exactly one of source or canvas", said in the schema too (the validator below enforces it).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": [
        {"required": ["source"], "properties": {"source": {"type": "string"}}},
        {"required": ["canvas"], "properties": {"canvas": {"type": "object"}}}]})
    source: Text | None = Field(default=None, description="Mermaid source (≤ 100 KB)")
    canvas: Canvas | None = Field(default=None, description="Canvas document {shapes: [...]}")
    format: Literal["svg", "png", "pdf"] = "svg"
    theme: Literal["default", "dark", "forest", "neutral"] | None = None
    background: str | None = Field(default=None, description='"transparent" or "#rrggbb"',
                                   pattern=r"^(transparent|#[0-9a-fA-F]{6})$")
    scale: Literal[1, 2, 4] | None = None
    padding: int | None = Field(default=None, ge=0, le=1000)
    max_width: int | None = Field(default=None, ge=1, le=20_000)
    max_height: int | None = Field(default=None, ge=1, le=20_000)
    page: Literal["a4", "letter"] | None = None

    @model_validator(mode="after")
    def _one_input(self) -> RenderIn:
        if (self.source is None) == (self.canvas is None):
            raise ValueError("send exactly one of `source` (Mermaid) or `canvas`")
        return self


def _limit(request: Request) -> None:
    ratelimit.hit("render", source_ip(request), limit=RATE_LIMIT_PER_MINUTE, window_seconds=60)


@app.post("/v1/validate", response_model=ValidateOut, tags=["render"])
def validate(body: ValidateIn, request: Request) -> dict[str, Any]:
    _limit(request)
    return render_service.validate(body.source)


@app.post(
    "/v1/render", tags=["render"],
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


handler = lambda_handler(app, "exports")
