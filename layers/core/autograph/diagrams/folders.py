"""Folders: a tree of any depth per owner, all in one partition (FOLDERS#<owner>).

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
from typing import Any

from pynamodb.exceptions import DoesNotExist

from ..clock import iso
from ..errors import Conflict, NotFound, UnknownReference, ValidationFailed
from ..store.diagram_models import DiagramItem, FolderItem
from .schema import FolderIn, FolderPatch

MAX_FOLDERS = 5000


def _out(item: FolderItem) -> dict[str, Any]:
    return {"id": item.folder_id, "name": item.name, "parent_id": item.parent_id, "color": item.color,
            "created_at": item.created_at, "updated_at": item.updated_at}


def _get(owner: str, folder_id: str) -> FolderItem | None:
    if not folder_id or len(folder_id) > 64:
        return None
    try:
        return FolderItem.get(*FolderItem.key(owner, folder_id), consistent_read=True)
    except DoesNotExist:
        return None


def exists(owner: str, folder_id: str) -> bool:
    return _get(owner, folder_id) is not None


def require_folder(owner: str, folder_id: str, *, field: str) -> FolderItem:
    """A folder named in a request body: unknown is a 422 (the request is wrong, not the URL)."""
    item = _get(owner, folder_id)
    if item is None:
        raise UnknownReference(f"{field}: no such folder.")
    return item


def _require(owner: str, folder_id: str) -> FolderItem:
    item = _get(owner, folder_id)
    if item is None:
        raise NotFound("No such folder.")
    return item


def _all(owner: str) -> dict[str, FolderItem]:
    items = FolderItem.query(f"FOLDERS#{owner}", FolderItem.sk.startswith("FOLDER#"), limit=MAX_FOLDERS)
    return {f.folder_id: f for f in items}


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
    stamp = iso()
    folder_id = secrets.token_hex(8)
    item = FolderItem(*FolderItem.key(owner, folder_id), folder_id=folder_id, owner_id=owner, name=body.name,
                      parent_id=body.parent_id, color=body.color, created_at=stamp, updated_at=stamp)
    item.save(condition=FolderItem.pk.does_not_exist())
    return _out(item)


def list_page(owner: str, parent_id: str | None, limit: int, cursor: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], Any]:
    condition = None
    if parent_id == "root":
        condition = FolderItem.parent_id.does_not_exist()
    elif parent_id:
        condition = FolderItem.parent_id == parent_id
    result = FolderItem.query(f"FOLDERS#{owner}", FolderItem.sk.startswith("FOLDER#"), filter_condition=condition,
                              limit=limit, last_evaluated_key=cursor)
    items = [_out(f) for f in result]
    return items, result.last_evaluated_key


def get(owner: str, folder_id: str) -> dict[str, Any]:
    _require(owner, folder_id)
    tree = _all(owner)
    out = _out(tree[folder_id])
    out["path"] = _path(folder_id, tree)
    return out


def update(owner: str, folder_id: str, body: FolderPatch) -> dict[str, Any]:
    item = _require(owner, folder_id)
    fields = body.model_fields_set
    if not fields:
        raise ValidationFailed("Nothing to update: send name, parent_id or color.")
    if "name" in fields and body.name is None:
        raise ValidationFailed("name: may not be null.")
    actions = [FolderItem.updated_at.set(iso())]
    if body.name is not None:
        actions.append(FolderItem.name.set(body.name))
    if "color" in fields:
        actions.append(FolderItem.color.set(body.color) if body.color else FolderItem.color.remove())
    if "parent_id" in fields:
        if body.parent_id is None:
            actions.append(FolderItem.parent_id.remove())
        else:
            tree = _all(owner)
            if body.parent_id not in tree:
                raise ValidationFailed("parent_id: no such folder.")
            if body.parent_id in _subtree(folder_id, tree):
                raise Conflict("A folder cannot move into itself or one of its sub-folders.")
            actions.append(FolderItem.parent_id.set(body.parent_id))
    item.update(actions=actions, condition=FolderItem.pk.exists())
    return _out(item)


def _live_diagrams_in(owner: str, folder_ids: list[str], limit: int | None = None) -> list[DiagramItem]:
    found: list[DiagramItem] = []
    for start in range(0, len(folder_ids), 100):  # IN takes at most 100 operands
        chunk = folder_ids[start:start + 100]
        result = DiagramItem.gsi1.query(f"DLIVE#{owner}", filter_condition=DiagramItem.folder_id.is_in(*chunk),
                                        limit=limit)
        found.extend(result)
        if limit and len(found) >= limit:
            break
    return found


def delete(owner: str, folder_id: str, recursive: bool) -> dict[str, int]:
    from . import service

    _require(owner, folder_id)
    tree = _all(owner)
    subtree = _subtree(folder_id, tree)
    if not recursive:
        if len(subtree) > 1 or _live_diagrams_in(owner, [folder_id], limit=1):
            raise Conflict("The folder is not empty; delete with ?recursive=true to trash its contents.")
        FolderItem(*FolderItem.key(owner, folder_id)).delete()
        return {"folders": 1, "diagrams_trashed": 0}
    diagrams = _live_diagrams_in(owner, subtree)
    for diagram in diagrams:
        service.trash_item(diagram)
    with FolderItem.batch_write() as batch:
        for fid in subtree:
            batch.delete(FolderItem(*FolderItem.key(owner, fid)))
    return {"folders": len(subtree), "diagrams_trashed": len(diagrams)}
