"""Routes of the Kroki-compatible API (public, rate-limited like /v1/render, cached, immutable).

Point a Kroki client (mkdocs-kroki-plugin, asciidoctor-kroki, sphinx-kroki, editor plugins) at
`<api>/v1/kroki`. Errors are Kroki's: 400 with a plain-text message.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from .. import ratelimit, render_service
from ..errors import AppError, TooManyRequests
from ..http.principal import source_ip
from . import kroki

router = APIRouter(tags=["kroki"])
RATE_LIMIT_PER_MINUTE = 60
IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {}, "image/png": {}, "application/pdf": {}},
          "description": "The diagram; ETag is the render cache key"},
    304: {"description": "Not modified (If-None-Match matched)"},
    400: {"content": {"text/plain": {}},
          "description": "Unknown type or format, or an invalid diagram (Kroki's plain text)"},
}
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match")]


class KrokiIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422 naming it (issue 10 §2)
    diagram_source: str = Field(max_length=kroki.MAX_SOURCE_BYTES)
    diagram_type: str = Field(max_length=64)
    output_format: str = Field(max_length=16)
    diagram_options: dict[str, Any] | None = None


class KrokiSourceIn(BaseModel):
    diagram_source: str = Field(max_length=kroki.MAX_SOURCE_BYTES)
    diagram_options: dict[str, Any] | None = None


async def raw_body(request: Request) -> bytes:
    return await request.body()


def _bad(message: str) -> PlainTextResponse:
    return PlainTextResponse(f"Error 400: {message}\n", status_code=400)


def _draw(request: Request, source: str, fmt: str, options: dict[str, Any], if_none_match: str | None) -> Response:
    try:
        ratelimit.hit("kroki", source_ip(request), limit=RATE_LIMIT_PER_MINUTE, window_seconds=60)
    except TooManyRequests as exc:
        return PlainTextResponse(f"Error 429: {exc.detail}\n", status_code=429, headers=exc.headers)
    try:
        result = render_service.render_cached(kroki.check_source(source), fmt, kroki.options(options),
                                              if_none_match)
    except kroki.KrokiError as exc:
        return _bad(str(exc))
    except AppError as exc:  # invalid diagram, bad option, over a limit: Kroki says 400
        return _bad(exc.detail)
    headers = {"ETag": f'"{result.etag}"', "Cache-Control": "public, max-age=31536000, immutable",
               "X-Render-Cache": "hit" if result.cached else "miss"}
    if result.not_modified:
        return Response(status_code=304, headers=headers)
    return Response(content=result.body, media_type=result.content_type, headers=headers)


def _source_from(body: bytes, content_type: str) -> tuple[str, dict[str, Any]]:
    """A plain-text body is the source; a JSON body is {diagram_source, diagram_options?}."""
    if content_type.split(";")[0].strip().lower() == "application/json":
        try:
            data = KrokiSourceIn.model_validate(json.loads(body or b"{}"))
        except ValueError as exc:
            raise kroki.KrokiError("The JSON body must be {\"diagram_source\": \"...\"}.") from exc
        return data.diagram_source, data.diagram_options or {}
    try:
        return body.decode("utf-8"), {}
    except UnicodeDecodeError as exc:
        raise kroki.KrokiError("The diagram source is not UTF-8 text.") from exc


@router.get("/v1/kroki/mermaid/{output_format}/{encoded}", responses=IMAGE_RESPONSES, response_class=Response)
def kroki_get(request: Request, output_format: Annotated[str, Path(max_length=16)],
              encoded: Annotated[str, Path(max_length=200_000)], if_none_match: IfNoneMatch = None) -> Response:
    """Kroki's GET: `encoded` is the source deflated (zlib) and base64url-encoded. Query
    parameters are diagram options (theme, background, scale, padding, page)."""
    try:
        fmt = kroki.check_format(output_format)
        source = kroki.decode(encoded)
    except kroki.KrokiError as exc:
        return _bad(str(exc))
    return _draw(request, source, fmt, dict(request.query_params), if_none_match)


@router.post("/v1/kroki/mermaid/{output_format}", responses=IMAGE_RESPONSES, response_class=Response,
             openapi_extra={"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}},
                                                        "application/json": {"schema": {"type": "object"}}}}})
def kroki_post(request: Request, output_format: Annotated[str, Path(max_length=16)],
               body: Annotated[bytes, Depends(raw_body)], if_none_match: IfNoneMatch = None) -> Response:
    """The source as the plain-text body (or JSON {diagram_source, diagram_options})."""
    try:
        fmt = kroki.check_format(output_format)
        source, options = _source_from(body, request.headers.get("content-type", ""))
    except kroki.KrokiError as exc:
        return _bad(str(exc))
    return _draw(request, source, fmt, {**dict(request.query_params), **options}, if_none_match)


@router.post("/v1/kroki/mermaid", responses=IMAGE_RESPONSES, response_class=Response,
             openapi_extra={"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def kroki_post_accept(request: Request, body: Annotated[bytes, Depends(raw_body)],
                      accept: Annotated[str | None, Header()] = None, if_none_match: IfNoneMatch = None) -> Response:
    """The output format from the `Accept` header (image/svg+xml, image/png, application/pdf)."""
    try:
        fmt = kroki.format_from_accept(accept)
        source, options = _source_from(body, request.headers.get("content-type", ""))
    except kroki.KrokiError as exc:
        return _bad(str(exc))
    return _draw(request, source, fmt, {**dict(request.query_params), **options}, if_none_match)


@router.post("/v1/kroki", responses=IMAGE_RESPONSES, response_class=Response)
def kroki_json(request: Request, body: KrokiIn, if_none_match: IfNoneMatch = None) -> Response:
    """Kroki's JSON form: {diagram_source, diagram_type, output_format, diagram_options?}."""
    try:
        kroki.check_type(body.diagram_type)
        fmt = kroki.check_format(body.output_format, body.diagram_type)
    except kroki.KrokiError as exc:
        return _bad(str(exc))
    return _draw(request, body.diagram_source, fmt, body.diagram_options or {}, if_none_match)


@router.api_route("/v1/kroki/{diagram_type}/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
@router.api_route("/v1/kroki/{diagram_type}", methods=["POST"], include_in_schema=False)
def kroki_other(diagram_type: str, rest: str = "") -> Response:
    """Any other diagram type: Kroki's 400, naming what this server supports."""
    try:
        kroki.check_type(diagram_type)
    except kroki.KrokiError as exc:
        return _bad(str(exc))
    return _bad("Expected /mermaid/<format>/<encoded> (GET) or /mermaid/<format> (POST); "
                f"formats: {', '.join(kroki.SUPPORTED_FORMATS)}.")
