"""Folders: a tree of any depth per owner, all in one partition per owner (store/folders.py).

- Another user's folder is simply not in the caller's partition: 404, without a check to forget.
- Breadcrumbs and cycle checks read the owner's whole folder partition with one paginated Query
  (bounded by MAX_FOLDERS) and walk parent pointers in memory, so depth costs no extra calls.
- A move under itself or under a descendant is a 409. Deleting a folder with sub-folders or live
  diagrams is a 409 unless `recursive=true`, which deletes the sub-folders and moves every live
  diagram in the subtree to the trash (restorable; a restored diagram whose folder is gone lands
  at the root).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from .. import clock
from ..errors import Conflict, NotFound, ValidationFailed
from ..store import diagrams as diagram_store
from ..store import folders as folder_store
from ..store.base import ConditionFailed
from . import access, lifecycle
from .schema import FolderIn, FolderPatch

if TYPE_CHECKING:
    from ..store.diagram_models import FolderItem

MAX_FOLDERS = 5000


def _out(item: FolderItem) -> dict[str, Any]:
    return {"id": item.folder_id, "name": item.name, "parent_id": item.parent_id, "color": item.color,
            "created_at": item.created_at, "updated_at": item.updated_at}


def require_folder(owner: str, folder_id: str, *, field: str) -> FolderItem:
    """A folder named in a request body: unknown is a 422 (see access.require_folder)."""
    return access.require_folder(owner, folder_id, field=field)


def _require(owner: str, folder_id: str) -> FolderItem:
    item = folder_store.get(owner, folder_id)
    if item is None:
        raise NotFound("No such folder.")
    return item


def _all(owner: str) -> dict[str, FolderItem]:
    return folder_store.all_of(owner, MAX_FOLDERS)


def _path(folder_id: str, tree: dict[str, FolderItem]) -> list[dict[str, str]]:
    path: list[dict[str, str]] = []
    seen: set[str] = set()
    current: str | None = folder_id
    while current and current in tree and current not in seen:
        seen.add(current)
        node = tree[current]
        path.append({"id": node.folder_id, "name": node.name})
        current = node.parent_id
    return list(reversed(path))


def _subtree(folder_id: str, tree: dict[str, FolderItem]) -> list[str]:
    children: dict[str, list[str]] = {}
    for f in tree.values():
        if f.parent_id:
            children.setdefault(f.parent_id, []).append(f.folder_id)
    out, stack = [], [folder_id]
    while stack:
        node = stack.pop()
        if node in out:
            continue
        out.append(node)
        stack.extend(children.get(node, []))
    return out


def create(owner: str, body: FolderIn) -> dict[str, Any]:
    if body.parent_id is not None:
        require_folder(owner, body.parent_id, field="parent_id")
    item = folder_store.create(owner, secrets.token_hex(8), name=body.name, parent_id=body.parent_id,
                               color=body.color, stamp=clock.iso())
    return _out(item)


def list_page(owner: str, parent_id: str | None, limit: int, cursor: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], Any]:
    items, last = folder_store.page(owner, limit=limit, cursor=cursor, at_root=parent_id == "root",
                                    parent_id=parent_id if parent_id != "root" else None)
    return [_out(f) for f in items], last


def get(owner: str, folder_id: str) -> dict[str, Any]:
    _require(owner, folder_id)
    tree = _all(owner)
    out = _out(tree[folder_id])
    out["path"] = _path(folder_id, tree)
    return out


def update(owner: str, folder_id: str, body: FolderPatch) -> dict[str, Any]:
    _require(owner, folder_id)
    fields = body.model_fields_set
    if not fields:
        raise ValidationFailed("Nothing to update: send name, parent_id or color.")
    if "name" in fields and body.name is None:
        raise ValidationFailed("name: may not be null.")
    changes: dict[str, Any] = {}
    if body.name is not None:
        changes["name"] = body.name
    if "color" in fields:
        changes["color"] = body.color or None
    if "parent_id" in fields:
        if body.parent_id is not None:
            tree = _all(owner)
            if body.parent_id not in tree:
                raise ValidationFailed("parent_id: no such folder.")
            if body.parent_id in _subtree(folder_id, tree):
                raise Conflict("A folder cannot move into itself or one of its sub-folders.")
        changes["parent_id"] = body.parent_id
    try:
        item = folder_store.update(owner, folder_id, updated_at=clock.iso(), **changes)
    except ConditionFailed as exc:  # deleted since it was read
        raise NotFound("No such folder.") from exc
    return _out(item)


def delete(owner: str, folder_id: str, recursive: bool) -> dict[str, int]:
    """Empty: delete it. Else 409, unless `recursive`: the sub-folders go too and every live
    diagram in the subtree goes to the trash (lifecycle)."""
    _require(owner, folder_id)
    tree = _all(owner)
    subtree = _subtree(folder_id, tree)
    if not recursive:
        if len(subtree) > 1 or diagram_store.live_in_folders(owner, [folder_id], limit=1):
            raise Conflict("The folder is not empty; delete with ?recursive=true to trash its contents.")
        folder_store.delete(owner, [folder_id])
        return {"folders": 1, "diagrams_trashed": 0}
    trashed = lifecycle.trash_in_folders(owner, subtree)
    folder_store.delete(owner, subtree)
    return {"folders": len(subtree), "diagrams_trashed": trashed}
