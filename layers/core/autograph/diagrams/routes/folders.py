"""Routes: folders (served by the Diagrams function)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from autograph.diagrams import folders
from autograph.diagrams.schema import (
    Folder,
    FolderDetail,
    FolderIn,
    FolderPatch,
)
from autograph.http import idempotency
from autograph.http.pagination import Page, page_out
from autograph.http.params import Caller, IdemKey, Paging

router = APIRouter()


@router.post("/v1/folders", status_code=201, response_model=Folder, tags=["folders"])
def create_folder(body: FolderIn, caller: Caller, idempotency_key: IdemKey = None) -> dict[str, Any]:
    return idempotency.run(idempotency_key, scope=f"folders:{caller.user_id}", payload=body.model_dump(),
                           produce=lambda: folders.create(caller.user_id, body))


@router.get("/v1/folders", response_model=Page[Folder], tags=["folders"])
def list_folders(caller: Caller, page: Paging,
                 parent_id: Annotated[str | None, Query(max_length=64, description='A folder id, or "root"')] = None
                 ) -> dict[str, Any]:
    return page_out(*folders.list_page(caller.user_id, parent_id, page.limit, page.cursor))


@router.get("/v1/folders/{folder_id}", response_model=FolderDetail, tags=["folders"])
def get_folder(folder_id: Annotated[str, Path(max_length=64)], caller: Caller) -> dict[str, Any]:
    return folders.get(caller.user_id, folder_id)


@router.patch("/v1/folders/{folder_id}", response_model=Folder, tags=["folders"])
def patch_folder(folder_id: Annotated[str, Path(max_length=64)], body: FolderPatch, caller: Caller) -> dict[str, Any]:
    return folders.update(caller.user_id, folder_id, body)


@router.delete("/v1/folders/{folder_id}", status_code=204, tags=["folders"])
def delete_folder(folder_id: Annotated[str, Path(max_length=64)], caller: Caller, recursive: bool = False) -> Response:
    folders.delete(caller.user_id, folder_id, recursive)
    return Response(status_code=204)
