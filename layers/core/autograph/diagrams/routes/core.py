"""Routes: diagrams (served by the Diagrams function)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from autograph.diagrams import lifecycle, listing, service
from autograph.diagrams.schema import (
    BulkIn,
    BulkOut,
    Diagram,
    DiagramCreate,
    DiagramPatch,
    DiagramSummary,
    MoveIn,
)
from autograph.http import idempotency
from autograph.http.pagination import Page, page_out
from autograph.http.params import Caller, IdemKey, IfMatch, Paging

from .common import FULL, DiagramId, with_etag

router = APIRouter()


def _with_id(diagram: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return diagram["id"], diagram


@router.post("/v1/diagrams", status_code=201, response_model=Diagram, tags=["diagrams"], **FULL)
def create_diagram(body: DiagramCreate, response: Response, caller: Caller,
                   idempotency_key: IdemKey = None) -> dict[str, Any]:
    # The record keeps only the new id (content can be megabytes); a replay re-reads the diagram.
    out = idempotency.run_for_id(idempotency_key, scope=f"diagrams:{caller.user_id}",
                                 payload=body.model_dump(mode="json"),
                                 create=lambda: _with_id(service.create(caller.user_id, body)),
                                 replay=lambda i: service.get(caller.user_id, i))
    response.headers["Location"] = f"/v1/diagrams/{out['id']}"
    return with_etag(response, out)


@router.get("/v1/diagrams", response_model=Page[DiagramSummary], tags=["diagrams"], response_model_exclude_unset=True)
def list_diagrams(
    caller: Caller, page: Paging,
    folder_id: Annotated[str | None, Query(max_length=64, description='A folder id, or "root"')] = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    starred: bool | None = None,
    type: Annotated[Literal["mermaid", "canvas", "note", "mixed"] | None, Query()] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    sort: Literal["updated_at", "created_at", "title"] = "updated_at",
    order: Literal["asc", "desc"] = "desc",
    shared_with_me: bool = False,
) -> dict[str, Any]:
    if shared_with_me:
        items, last = listing.shared_with_me(caller.user_id, limit=page.limit, cursor=page.cursor, tag=tag,
                                             starred=starred, dtype=type, q=q)
    else:
        items, last = listing.own(caller.user_id, limit=page.limit, cursor=page.cursor, sort=sort, order=order,
                                  folder_id=folder_id, tag=tag, starred=starred, dtype=type, q=q)
    return page_out(items, last)


@router.post("/v1/diagrams/bulk", response_model=BulkOut, tags=["diagrams"], response_model_exclude_unset=True)
def bulk(body: BulkIn, caller: Caller) -> dict[str, Any]:
    return lifecycle.bulk(caller.user_id, body.action, body.ids, body.folder_id, body.tags)


@router.get("/v1/diagrams/{diagram_id}", response_model=Diagram, tags=["diagrams"], **FULL)
def get_diagram(diagram_id: DiagramId, response: Response, caller: Caller) -> dict[str, Any]:
    return with_etag(response, service.get(caller.user_id, diagram_id))


@router.patch("/v1/diagrams/{diagram_id}", response_model=Diagram, tags=["diagrams"], **FULL)
def patch_diagram(diagram_id: DiagramId, body: DiagramPatch, response: Response, caller: Caller,
                  if_match: IfMatch = None) -> dict[str, Any]:
    return with_etag(response, service.update(caller.user_id, diagram_id, if_match, body))


@router.delete("/v1/diagrams/{diagram_id}", status_code=204, tags=["diagrams"])
def delete_diagram(diagram_id: DiagramId, caller: Caller, permanent: bool = False) -> Response:
    if permanent:
        lifecycle.purge(caller.user_id, diagram_id)
    else:
        lifecycle.trash(caller.user_id, diagram_id)
    return Response(status_code=204)


@router.post("/v1/diagrams/{diagram_id}/restore", response_model=DiagramSummary, tags=["trash"],
          response_model_exclude_unset=True)
def restore_diagram(diagram_id: DiagramId, caller: Caller) -> dict[str, Any]:
    return lifecycle.restore(caller.user_id, diagram_id)


@router.post("/v1/diagrams/{diagram_id}/duplicate", status_code=201, response_model=Diagram, tags=["diagrams"], **FULL)
def duplicate_diagram(diagram_id: DiagramId, response: Response, caller: Caller,
                      idempotency_key: IdemKey = None) -> dict[str, Any]:
    out = idempotency.run_for_id(idempotency_key, scope=f"duplicate:{caller.user_id}:{diagram_id}", payload={},
                                 create=lambda: _with_id(service.duplicate(caller.user_id, diagram_id)),
                                 replay=lambda i: service.get(caller.user_id, i))
    response.headers["Location"] = f"/v1/diagrams/{out['id']}"
    return with_etag(response, out)


@router.put("/v1/diagrams/{diagram_id}/star", status_code=204, tags=["diagrams"])
def star(diagram_id: DiagramId, caller: Caller) -> Response:
    service.star(caller.user_id, diagram_id, True)
    return Response(status_code=204)


@router.delete("/v1/diagrams/{diagram_id}/star", status_code=204, tags=["diagrams"])
def unstar(diagram_id: DiagramId, caller: Caller) -> Response:
    service.star(caller.user_id, diagram_id, False)
    return Response(status_code=204)


@router.post("/v1/diagrams/{diagram_id}/move", response_model=DiagramSummary, tags=["folders"],
          response_model_exclude_unset=True)
def move(diagram_id: DiagramId, body: MoveIn, caller: Caller) -> dict[str, Any]:
    return service.move(caller.user_id, diagram_id, body.folder_id)


@router.get("/v1/trash", response_model=Page[DiagramSummary], tags=["trash"], response_model_exclude_unset=True)
def trash(caller: Caller, page: Paging) -> dict[str, Any]:
    return page_out(*listing.trash(caller.user_id, limit=page.limit, cursor=page.cursor))
