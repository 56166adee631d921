"""What the Diagrams routers share: path parameters, paging envelope, ETag and Idempotency-Key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path, Request, Response

from autograph.diagrams import service
from autograph.http import idempotency
from autograph.http.pagination import encode_cursor

SharePassword = Annotated[str | None, Header(alias="X-Share-Password")]
DiagramId = Annotated[str, Path(max_length=64)]
VersionNo = Annotated[int, Path(ge=1)]
FULL = {"response_model_exclude_unset": True}
# Public share routes: the problem content and headers are filled in by autograph.http.openapi.
SHARE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "The link needs a password (X-Share-Password), or it is wrong"},
    403: {"description": "A view-only link cannot edit"},
    410: {"description": "The link was revoked or has expired"}}


def page_out(items: list[dict[str, Any]], last: Any) -> dict[str, Any]:
    return {"items": items, "next_cursor": encode_cursor(last)}


def with_etag(response: Response, diagram: dict[str, Any]) -> dict[str, Any]:
    response.headers["ETag"] = service.etag(diagram["version"])
    return diagram


def once(request: Request, key: str | None, scope: str, payload: Any, make: Any, reread: Any) -> dict[str, Any]:
    """Idempotency-Key: remember only the new id (results can be megabytes); replays re-read it."""
    if not key:
        return make()
    ref = idempotency.run(key, scope=scope, payload=payload, produce=lambda: {"id": make()["id"]},
                          lambda_context=request.scope.get("aws.context"))
    return reread(ref["id"])
