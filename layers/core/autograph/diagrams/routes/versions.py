"""Routes: versions (served by the Diagrams function)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from autograph.diagrams import versions
from autograph.diagrams.schema import (
    Diagram,
    DiffOut,
    Version,
    VersionPatch,
    VersionSummary,
)
from autograph.http.pagination import Page, page_out
from autograph.http.params import Caller, IfMatch, Paging

from .common import FULL, DiagramId, VersionNo, with_etag

router = APIRouter()


@router.get("/v1/diagrams/{diagram_id}/versions", response_model=Page[VersionSummary], tags=["versions"])
def list_versions(diagram_id: DiagramId, caller: Caller, page: Paging) -> dict[str, Any]:
    return page_out(*versions.list_page(caller.user_id, diagram_id, page.limit, page.cursor))


@router.get("/v1/diagrams/{diagram_id}/versions/{number}", response_model=Version, tags=["versions"], **FULL)
def get_version(diagram_id: DiagramId, number: VersionNo, caller: Caller) -> dict[str, Any]:
    return versions.get(caller.user_id, diagram_id, number)


@router.patch("/v1/diagrams/{diagram_id}/versions/{number}", response_model=VersionSummary, tags=["versions"])
def annotate_version(diagram_id: DiagramId, number: VersionNo, body: VersionPatch, caller: Caller) -> dict[str, Any]:
    return versions.annotate(caller.user_id, diagram_id, number, body)


@router.post("/v1/diagrams/{diagram_id}/versions/{number}/restore", response_model=Diagram, tags=["versions"], **FULL)
def restore_version(diagram_id: DiagramId, number: VersionNo, response: Response, caller: Caller,
                    if_match: IfMatch = None) -> dict[str, Any]:
    return with_etag(response, versions.restore(caller.user_id, diagram_id, number, if_match))


@router.get("/v1/diagrams/{diagram_id}/versions/{a}/diff/{b}", response_model=DiffOut, tags=["versions"],
         response_model_exclude_unset=True)
def diff_versions(diagram_id: DiagramId, a: VersionNo, b: VersionNo, caller: Caller) -> dict[str, Any]:
    return versions.compare(caller.user_id, diagram_id, a, b)
