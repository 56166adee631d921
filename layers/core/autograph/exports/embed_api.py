"""`GET /v1/shared/{token}/image.svg|png`: a share link as an image to embed (Markdown, Notion,
Confluence). Renders the shared diagram's current version through the render cache (ETag is the
render cache key, so an unchanged diagram costs one S3 GET or a 304). Served by the Diagrams
function next to `GET /v1/shared/{token}`; password via `X-Share-Password` or `?password=`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response

from .. import render_service
from ..diagrams import shares
from ..errors import ValidationFailed
from ..http.principal import source_ip
from . import formats

router = APIRouter(tags=["sharing"])
Token = Annotated[str, Path(max_length=128)]
RESPONSES: dict[int | str, dict] = {
    200: {"content": {"image/svg+xml": {}, "image/png": {}}, "description": "The shared diagram, drawn"},
    304: {"description": "Not modified"}, 410: {"description": "The link expired or was revoked"},
}


def _image(token: str, fmt: str, request: Request, password: str | None, if_none_match: str | None) -> Response:
    shared = shares.view(token, password, source_ip(request))
    try:
        source = formats.picture_input(shared["type"], shared.get("content") or {})
    except formats.NoPicture as exc:
        raise ValidationFailed(str(exc)) from exc
    result = render_service.render_cached(source, fmt, {"background": "#ffffff"} if fmt == "png" else {},
                                          if_none_match)
    # The link shows the current version: caches revalidate (cheap: ETag is the content key).
    headers = {"ETag": f'"{result.etag}"', "Cache-Control": "public, max-age=60, must-revalidate",
               "X-Content-Type-Options": "nosniff"}
    if result.not_modified:
        return Response(status_code=304, headers=headers)
    return Response(content=result.body, media_type=result.content_type, headers=headers)


@router.get("/v1/shared/{token}/image.svg", responses=RESPONSES, response_class=Response)
def shared_svg(token: Token, request: Request,
               x_share_password: Annotated[str | None, Header(alias="X-Share-Password")] = None,
               password: Annotated[str | None, Query(max_length=200)] = None,
               if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None) -> Response:
    """The shared diagram as SVG."""
    return _image(token, "svg", request, x_share_password or password, if_none_match)


@router.get("/v1/shared/{token}/image.png", responses=RESPONSES, response_class=Response)
def shared_png(token: Token, request: Request,
               x_share_password: Annotated[str | None, Header(alias="X-Share-Password")] = None,
               password: Annotated[str | None, Query(max_length=200)] = None,
               if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None) -> Response:
    """The shared diagram as PNG (white background)."""
    return _image(token, "png", request, x_share_password or password, if_none_match)
