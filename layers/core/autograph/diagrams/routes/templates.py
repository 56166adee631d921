"""Routes: templates (served by the Diagrams function)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from autograph.diagrams import templates
from autograph.diagrams.schema import (
    Template,
    TemplateIn,
)
from autograph.http import idempotency
from autograph.http.pagination import Page, page_out
from autograph.http.params import Caller, IdemKey, Paging

router = APIRouter()


@router.post("/v1/templates", status_code=201, response_model=Template, tags=["templates"],
          response_model_exclude_unset=True)
def create_template(body: TemplateIn, caller: Caller, idempotency_key: IdemKey = None) -> dict[str, Any]:
    return idempotency.run(idempotency_key, scope=f"templates:{caller.user_id}", payload=body.model_dump(),
                           produce=lambda: templates.create(caller.user_id, body))


@router.get("/v1/templates", response_model=Page[Template], tags=["templates"], response_model_exclude_unset=True)
def list_templates(caller: Caller, page: Paging) -> dict[str, Any]:
    return page_out(*templates.list_page(caller.user_id, page.limit, page.cursor))


@router.delete("/v1/templates/{template_id}", status_code=204, tags=["templates"])
def delete_template(template_id: Annotated[str, Path(max_length=64)], caller: Caller) -> Response:
    templates.delete(caller.user_id, template_id)
    return Response(status_code=204)
