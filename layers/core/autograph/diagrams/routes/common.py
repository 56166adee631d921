"""What the Diagrams routers share: path parameters, response options, the ETag header."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path, Response

from autograph.diagrams import service

SharePassword = Annotated[str | None, Header(alias="X-Share-Password")]
DiagramId = Annotated[str, Path(max_length=64)]
VersionNo = Annotated[int, Path(ge=1)]
FULL = {"response_model_exclude_unset": True}
# Public share routes: the problem content and headers are filled in by autograph.http.openapi.
SHARE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "The link needs a password (X-Share-Password), or it is wrong"},
    403: {"description": "A view-only link cannot edit"},
    410: {"description": "The link was revoked or has expired"}}


def with_etag(response: Response, diagram: dict[str, Any]) -> dict[str, Any]:
    response.headers["ETag"] = service.etag(diagram["version"])
    return diagram
