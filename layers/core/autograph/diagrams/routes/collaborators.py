"""Routes: collaborators (served by the Diagrams function)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from autograph.diagrams import collaborators
from autograph.diagrams.schema import (
    Collaborator,
    CollaboratorIn,
)
from autograph.http.pagination import Page, page_out
from autograph.http.params import Caller, Paging

from .common import DiagramId

router = APIRouter()


@router.post("/v1/diagrams/{diagram_id}/collaborators", status_code=201, response_model=Collaborator,
          tags=["collaborators"])
def add_collaborator(diagram_id: DiagramId, body: CollaboratorIn, caller: Caller) -> dict[str, Any]:
    return collaborators.add(caller.user_id, diagram_id, body)


@router.get("/v1/diagrams/{diagram_id}/collaborators", response_model=Page[Collaborator], tags=["collaborators"])
def list_collaborators(diagram_id: DiagramId, caller: Caller, page: Paging) -> dict[str, Any]:
    return page_out(*collaborators.list_page(caller.user_id, diagram_id, page.limit, page.cursor))


@router.delete("/v1/diagrams/{diagram_id}/collaborators/{user_id}", status_code=204, tags=["collaborators"])
def remove_collaborator(diagram_id: DiagramId, user_id: Annotated[str, Path(max_length=64)],
                        caller: Caller) -> Response:
    collaborators.remove(caller.user_id, diagram_id, user_id)
    return Response(status_code=204)
