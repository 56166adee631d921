"""Routes: share links (served by the Diagrams function)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from autograph.diagrams import shares
from autograph.diagrams.schema import (
    DiagramPatch,
    Share,
    ShareCreated,
    SharedDiagram,
    ShareIn,
)
from autograph.http.pagination import Page, page_out
from autograph.http.params import Caller, IfMatch, Paging
from autograph.http.principal import source_ip

from .common import FULL, SHARE_ERRORS, DiagramId, SharePassword, with_etag

router = APIRouter()


@router.post("/v1/diagrams/{diagram_id}/shares", status_code=201, response_model=ShareCreated, tags=["sharing"])
def create_share(diagram_id: DiagramId, body: ShareIn, caller: Caller) -> dict[str, Any]:
    # No Idempotency-Key replay here: the token is shown once and must never be stored in plain text.
    return shares.create(caller.user_id, diagram_id, body)


@router.get("/v1/diagrams/{diagram_id}/shares", response_model=Page[Share], tags=["sharing"])
def list_shares(diagram_id: DiagramId, caller: Caller, page: Paging) -> dict[str, Any]:
    return page_out(*shares.list_page(caller.user_id, diagram_id, page.limit, page.cursor))


@router.delete("/v1/diagrams/{diagram_id}/shares/{share_id}", status_code=204, tags=["sharing"])
def revoke_share(diagram_id: DiagramId, share_id: Annotated[str, Path(max_length=64)], caller: Caller) -> Response:
    shares.revoke(caller.user_id, diagram_id, share_id)
    return Response(status_code=204)


@router.get("/v1/shared/{token}", response_model=SharedDiagram, tags=["sharing"], responses=SHARE_ERRORS, **FULL)
def view_shared(token: Annotated[str, Path(max_length=128)], request: Request, response: Response,
                password: SharePassword = None) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"
    return with_etag(response, shares.view(token, password, source_ip(request)))


@router.patch("/v1/shared/{token}", response_model=SharedDiagram, tags=["sharing"], responses=SHARE_ERRORS, **FULL)
def edit_shared(token: Annotated[str, Path(max_length=128)], body: DiagramPatch, request: Request,
                response: Response, password: SharePassword = None, if_match: IfMatch = None) -> dict[str, Any]:
    return with_etag(response, shares.edit(token, password, if_match, body, source_ip(request)))
