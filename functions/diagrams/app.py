"""Diagrams Lambda: diagrams, versions, trash, folders, search, share links, collaborators and
templates (routes under /v1/diagrams, /v1/trash, /v1/folders, /v1/templates, public /v1/shared)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from autograph.diagrams import collaborators, folders, listing, service, shares, templates, versions
from autograph.diagrams.schema import (
    BulkIn,
    BulkOut,
    Collaborator,
    CollaboratorIn,
    Diagram,
    DiagramCreate,
    DiagramPatch,
    DiagramSummary,
    DiffOut,
    Folder,
    FolderDetail,
    FolderIn,
    FolderPatch,
    MoveIn,
    Share,
    ShareCreated,
    SharedDiagram,
    ShareIn,
    Template,
    TemplateIn,
    Version,
    VersionPatch,
    VersionSummary,
)
from autograph.exports import embed_api, import_api
from autograph.http import idempotency
from autograph.http.app import create_app, lambda_handler
from autograph.http.pagination import Page, PageParams, encode_cursor, page_params
from autograph.http.principal import Principal, current_principal, source_ip
from fastapi import Depends, Header, Path, Query, Request, Response

app = create_app("AutoGraph Diagrams", max_body_bytes=6 * 1024 * 1024)
app.include_router(import_api.router)  # POST /v1/diagrams/import (issue 7)
app.include_router(embed_api.router)  # GET /v1/shared/{token}/image.svg|png (issue 7)
Caller = Annotated[Principal, Depends(current_principal)]
Paging = Annotated[PageParams, Depends(page_params)]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='The ETag you read, e.g. "3"')]
SharePassword = Annotated[str | None, Header(alias="X-Share-Password")]
DiagramId = Annotated[str, Path(max_length=64)]
VersionNo = Annotated[int, Path(ge=1)]
FULL = {"response_model_exclude_unset": True}
# Public share routes: the problem content and headers are filled in by autograph.http.openapi.
SHARE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "The link needs a password (X-Share-Password), or it is wrong"},
    403: {"description": "A view-only link cannot edit"},
    410: {"description": "The link was revoked or has expired"}}


def _page(items: list[dict[str, Any]], last: Any) -> dict[str, Any]:
    return {"items": items, "next_cursor": encode_cursor(last)}


def _with_etag(response: Response, diagram: dict[str, Any]) -> dict[str, Any]:
    response.headers["ETag"] = service.etag(diagram["version"])
    return diagram


def _once(request: Request, key: str | None, scope: str, payload: Any, make: Any, reread: Any) -> dict[str, Any]:
    """Idempotency-Key: remember only the new id (results can be megabytes); replays re-read it."""
    if not key:
        return make()
    ref = idempotency.run(key, scope=scope, payload=payload, produce=lambda: {"id": make()["id"]},
                          lambda_context=request.scope.get("aws.context"))
    return reread(ref["id"])


# ------------------------------------------------------------------ diagrams
@app.post("/v1/diagrams", status_code=201, response_model=Diagram, tags=["diagrams"], **FULL)
def create_diagram(body: DiagramCreate, request: Request, response: Response, caller: Caller,
                   idempotency_key: IdemKey = None) -> dict[str, Any]:
    out = _once(request, idempotency_key, f"diagrams:{caller.user_id}", body.model_dump(mode="json"),
                lambda: service.create(caller.user_id, body), lambda i: service.get(caller.user_id, i))
    response.headers["Location"] = f"/v1/diagrams/{out['id']}"
    return _with_etag(response, out)


@app.get("/v1/diagrams", response_model=Page[DiagramSummary], tags=["diagrams"], response_model_exclude_unset=True)
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
    return _page(items, last)


@app.post("/v1/diagrams/bulk", response_model=BulkOut, tags=["diagrams"], response_model_exclude_unset=True)
def bulk(body: BulkIn, caller: Caller) -> dict[str, Any]:
    return service.bulk(caller.user_id, body.action, body.ids, body.folder_id, body.tags)


@app.get("/v1/diagrams/{diagram_id}", response_model=Diagram, tags=["diagrams"], **FULL)
def get_diagram(diagram_id: DiagramId, response: Response, caller: Caller) -> dict[str, Any]:
    return _with_etag(response, service.get(caller.user_id, diagram_id))


@app.patch("/v1/diagrams/{diagram_id}", response_model=Diagram, tags=["diagrams"], **FULL)
def patch_diagram(diagram_id: DiagramId, body: DiagramPatch, response: Response, caller: Caller,
                  if_match: IfMatch = None) -> dict[str, Any]:
    return _with_etag(response, service.update(caller.user_id, diagram_id, if_match, body))


@app.delete("/v1/diagrams/{diagram_id}", status_code=204, tags=["diagrams"])
def delete_diagram(diagram_id: DiagramId, caller: Caller, permanent: bool = False) -> Response:
    if permanent:
        service.purge(caller.user_id, diagram_id)
    else:
        service.trash(caller.user_id, diagram_id)
    return Response(status_code=204)


@app.post("/v1/diagrams/{diagram_id}/restore", response_model=DiagramSummary, tags=["trash"],
          response_model_exclude_unset=True)
def restore_diagram(diagram_id: DiagramId, caller: Caller) -> dict[str, Any]:
    return service.restore(caller.user_id, diagram_id)


@app.post("/v1/diagrams/{diagram_id}/duplicate", status_code=201, response_model=Diagram, tags=["diagrams"], **FULL)
def duplicate_diagram(diagram_id: DiagramId, request: Request, response: Response, caller: Caller,
                      idempotency_key: IdemKey = None) -> dict[str, Any]:
    out = _once(request, idempotency_key, f"duplicate:{caller.user_id}:{diagram_id}", {},
                lambda: service.duplicate(caller.user_id, diagram_id), lambda i: service.get(caller.user_id, i))
    response.headers["Location"] = f"/v1/diagrams/{out['id']}"
    return _with_etag(response, out)


@app.put("/v1/diagrams/{diagram_id}/star", status_code=204, tags=["diagrams"])
def star(diagram_id: DiagramId, caller: Caller) -> Response:
    service.star(caller.user_id, diagram_id, True)
    return Response(status_code=204)


@app.delete("/v1/diagrams/{diagram_id}/star", status_code=204, tags=["diagrams"])
def unstar(diagram_id: DiagramId, caller: Caller) -> Response:
    service.star(caller.user_id, diagram_id, False)
    return Response(status_code=204)


@app.post("/v1/diagrams/{diagram_id}/move", response_model=DiagramSummary, tags=["folders"],
          response_model_exclude_unset=True)
def move(diagram_id: DiagramId, body: MoveIn, caller: Caller) -> dict[str, Any]:
    return service.move(caller.user_id, diagram_id, body.folder_id)


@app.get("/v1/trash", response_model=Page[DiagramSummary], tags=["trash"], response_model_exclude_unset=True)
def trash(caller: Caller, page: Paging) -> dict[str, Any]:
    return _page(*listing.trash(caller.user_id, limit=page.limit, cursor=page.cursor))


# ------------------------------------------------------------------ versions
@app.get("/v1/diagrams/{diagram_id}/versions", response_model=Page[VersionSummary], tags=["versions"])
def list_versions(diagram_id: DiagramId, caller: Caller, page: Paging) -> dict[str, Any]:
    return _page(*versions.list_page(caller.user_id, diagram_id, page.limit, page.cursor))


@app.get("/v1/diagrams/{diagram_id}/versions/{number}", response_model=Version, tags=["versions"], **FULL)
def get_version(diagram_id: DiagramId, number: VersionNo, caller: Caller) -> dict[str, Any]:
    return versions.get(caller.user_id, diagram_id, number)


@app.patch("/v1/diagrams/{diagram_id}/versions/{number}", response_model=VersionSummary, tags=["versions"])
def annotate_version(diagram_id: DiagramId, number: VersionNo, body: VersionPatch, caller: Caller) -> dict[str, Any]:
    return versions.annotate(caller.user_id, diagram_id, number, body)


@app.post("/v1/diagrams/{diagram_id}/versions/{number}/restore", response_model=Diagram, tags=["versions"], **FULL)
def restore_version(diagram_id: DiagramId, number: VersionNo, response: Response, caller: Caller,
                    if_match: IfMatch = None) -> dict[str, Any]:
    return _with_etag(response, versions.restore(caller.user_id, diagram_id, number, if_match))


@app.get("/v1/diagrams/{diagram_id}/versions/{a}/diff/{b}", response_model=DiffOut, tags=["versions"],
         response_model_exclude_unset=True)
def diff_versions(diagram_id: DiagramId, a: VersionNo, b: VersionNo, caller: Caller) -> dict[str, Any]:
    return versions.compare(caller.user_id, diagram_id, a, b)


# ------------------------------------------------------------------ share links
@app.post("/v1/diagrams/{diagram_id}/shares", status_code=201, response_model=ShareCreated, tags=["sharing"])
def create_share(diagram_id: DiagramId, body: ShareIn, caller: Caller) -> dict[str, Any]:
    # No Idempotency-Key replay here: the token is shown once and must never be stored in plain text.
    return shares.create(caller.user_id, diagram_id, body)


@app.get("/v1/diagrams/{diagram_id}/shares", response_model=Page[Share], tags=["sharing"])
def list_shares(diagram_id: DiagramId, caller: Caller, page: Paging) -> dict[str, Any]:
    return _page(*shares.list_page(caller.user_id, diagram_id, page.limit, page.cursor))


@app.delete("/v1/diagrams/{diagram_id}/shares/{share_id}", status_code=204, tags=["sharing"])
def revoke_share(diagram_id: DiagramId, share_id: Annotated[str, Path(max_length=64)], caller: Caller) -> Response:
    shares.revoke(caller.user_id, diagram_id, share_id)
    return Response(status_code=204)


@app.get("/v1/shared/{token}", response_model=SharedDiagram, tags=["sharing"], responses=SHARE_ERRORS, **FULL)
def view_shared(token: Annotated[str, Path(max_length=128)], request: Request, response: Response,
                password: SharePassword = None) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"
    return _with_etag(response, shares.view(token, password, source_ip(request)))


@app.patch("/v1/shared/{token}", response_model=SharedDiagram, tags=["sharing"], responses=SHARE_ERRORS, **FULL)
def edit_shared(token: Annotated[str, Path(max_length=128)], body: DiagramPatch, request: Request,
                response: Response, password: SharePassword = None, if_match: IfMatch = None) -> dict[str, Any]:
    return _with_etag(response, shares.edit(token, password, if_match, body, source_ip(request)))


# ------------------------------------------------------------------ collaborators
@app.post("/v1/diagrams/{diagram_id}/collaborators", status_code=201, response_model=Collaborator,
          tags=["collaborators"])
def add_collaborator(diagram_id: DiagramId, body: CollaboratorIn, caller: Caller) -> dict[str, Any]:
    return collaborators.add(caller.user_id, diagram_id, body)


@app.get("/v1/diagrams/{diagram_id}/collaborators", response_model=Page[Collaborator], tags=["collaborators"])
def list_collaborators(diagram_id: DiagramId, caller: Caller, page: Paging) -> dict[str, Any]:
    return _page(*collaborators.list_page(caller.user_id, diagram_id, page.limit, page.cursor))


@app.delete("/v1/diagrams/{diagram_id}/collaborators/{user_id}", status_code=204, tags=["collaborators"])
def remove_collaborator(diagram_id: DiagramId, user_id: Annotated[str, Path(max_length=64)],
                        caller: Caller) -> Response:
    collaborators.remove(caller.user_id, diagram_id, user_id)
    return Response(status_code=204)


# ------------------------------------------------------------------ folders
@app.post("/v1/folders", status_code=201, response_model=Folder, tags=["folders"])
def create_folder(body: FolderIn, caller: Caller, idempotency_key: IdemKey = None) -> dict[str, Any]:
    return idempotency.run(idempotency_key, scope=f"folders:{caller.user_id}", payload=body.model_dump(),
                           produce=lambda: folders.create(caller.user_id, body))


@app.get("/v1/folders", response_model=Page[Folder], tags=["folders"])
def list_folders(caller: Caller, page: Paging,
                 parent_id: Annotated[str | None, Query(max_length=64, description='A folder id, or "root"')] = None
                 ) -> dict[str, Any]:
    return _page(*folders.list_page(caller.user_id, parent_id, page.limit, page.cursor))


@app.get("/v1/folders/{folder_id}", response_model=FolderDetail, tags=["folders"])
def get_folder(folder_id: Annotated[str, Path(max_length=64)], caller: Caller) -> dict[str, Any]:
    return folders.get(caller.user_id, folder_id)


@app.patch("/v1/folders/{folder_id}", response_model=Folder, tags=["folders"])
def patch_folder(folder_id: Annotated[str, Path(max_length=64)], body: FolderPatch, caller: Caller) -> dict[str, Any]:
    return folders.update(caller.user_id, folder_id, body)


@app.delete("/v1/folders/{folder_id}", status_code=204, tags=["folders"])
def delete_folder(folder_id: Annotated[str, Path(max_length=64)], caller: Caller, recursive: bool = False) -> Response:
    folders.delete(caller.user_id, folder_id, recursive)
    return Response(status_code=204)


# ------------------------------------------------------------------ templates
@app.post("/v1/templates", status_code=201, response_model=Template, tags=["templates"],
          response_model_exclude_unset=True)
def create_template(body: TemplateIn, caller: Caller, idempotency_key: IdemKey = None) -> dict[str, Any]:
    return idempotency.run(idempotency_key, scope=f"templates:{caller.user_id}", payload=body.model_dump(),
                           produce=lambda: templates.create(caller.user_id, body))


@app.get("/v1/templates", response_model=Page[Template], tags=["templates"], response_model_exclude_unset=True)
def list_templates(caller: Caller, page: Paging) -> dict[str, Any]:
    return _page(*templates.list_page(caller.user_id, page.limit, page.cursor))


@app.delete("/v1/templates/{template_id}", status_code=204, tags=["templates"])
def delete_template(template_id: Annotated[str, Path(max_length=64)], caller: Caller) -> Response:
    templates.delete(caller.user_id, template_id)
    return Response(status_code=204)


handler = lambda_handler(app, "diagrams")
