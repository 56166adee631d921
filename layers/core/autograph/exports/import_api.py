"""`POST /v1/diagrams/import` (served by the Diagrams function, which owns /v1/diagrams/*)."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from ..diagrams import service
from ..diagrams.schema import Diagram
from ..http import idempotency
from ..http.params import IdemKey
from ..http.principal import Principal, current_principal
from . import importer

router = APIRouter(tags=["diagrams"])
# The document a json export holds (autograph.exports.formats.document).
IMPORT_DOCUMENT = {
    "type": "object", "required": ["type", "title", "content"], "description": "An export document (format json)",
    "properties": {
        "schema": {"type": "string", "enum": ["autograph.diagram/1"]},
        "type": {"type": "string", "enum": ["mermaid", "canvas", "note", "mixed"]},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "content": {"type": "object", "description": "As on a diagram: mermaid, canvas and/or note"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 50}, "maxItems": 20},
        "version": {"type": "integer"}, "exported_at": {"type": "string"},
    },
}


async def raw_body(request: Request) -> bytes:
    return await request.body()


@router.post("/v1/diagrams/import", status_code=201, response_model=Diagram, response_model_exclude_unset=True,
             responses={422: {"description": "Invalid document or Mermaid (with line numbers); nothing stored"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": IMPORT_DOCUMENT},
                 "text/plain": {"schema": {"type": "string", "description": "Mermaid source"}},
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary", "description": "A .mmd or .json file"}}}}}}})
def import_diagram(request: Request, response: Response, body: Annotated[bytes, Depends(raw_body)],
                   caller: Annotated[Principal, Depends(current_principal)],
                   title: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
                   idempotency_key: IdemKey = None) -> dict[str, Any]:
    """Create a diagram from an exported JSON document, raw Mermaid text or an uploaded file."""
    ctype = request.headers.get("content-type", "")

    def make() -> tuple[str, dict[str, Any]]:
        created = importer.create(caller.user_id, body, ctype, title)
        return created["id"], created

    # The record keeps only the new id (a diagram can be megabytes); a replay re-reads it.
    out = idempotency.run_for_id(
        idempotency_key, scope=f"import:{caller.user_id}", create=make,
        payload={"body": hashlib.sha256(body).hexdigest(), "type": ctype, "title": title},
        replay=lambda diagram_id: service.get(caller.user_id, diagram_id))
    response.headers["Location"] = f"/v1/diagrams/{out['id']}"
    response.headers["ETag"] = service.etag(out["version"])
    return out
