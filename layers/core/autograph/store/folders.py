"""Data access for folders: one partition per owner (`FOLDERS#<owner>` / `FOLDER#<id>`).

Another user's folder is simply not in the caller's partition. Returned `FolderItem`s are
read-only records.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, QueryError, UpdateError

from .base import UNSET, ConditionFailed, InvalidCursor, condition_failed
from .diagram_models import FOLDER_SK, FolderItem, folders_pk


def get(owner: str, folder_id: str) -> FolderItem | None:
    if not folder_id or len(folder_id) > 64:
        return None
    try:
        return FolderItem.get(*FolderItem.key(owner, folder_id), consistent_read=True)
    except DoesNotExist:
        return None


def create(owner: str, folder_id: str, *, name: str, parent_id: str | None, color: str | None,
           stamp: str) -> FolderItem:
    item = FolderItem(*FolderItem.key(owner, folder_id), folder_id=folder_id, owner_id=owner, name=name,
                      parent_id=parent_id, color=color, created_at=stamp, updated_at=stamp)
    try:
        item.save(condition=FolderItem.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            raise ConditionFailed(folder_id) from exc
        raise
    return item


def all_of(owner: str, limit: int) -> dict[str, FolderItem]:
    """The owner's whole tree (one paginated Query, at most `limit` folders), by id."""
    items = FolderItem.query(folders_pk(owner), FolderItem.sk.startswith(FOLDER_SK), limit=limit)
    return {f.folder_id: f for f in items}


def page(owner: str, *, limit: int, cursor: dict[str, Any] | None, parent_id: str | None = None,
         at_root: bool = False) -> tuple[list[FolderItem], dict[str, Any] | None]:
    """One page of the owner's folders: all, those under `parent_id`, or (`at_root`) top-level."""
    condition = None
    if at_root:
        condition = FolderItem.parent_id.does_not_exist()
    elif parent_id:
        condition = FolderItem.parent_id == parent_id
    try:
        result = FolderItem.query(folders_pk(owner), FolderItem.sk.startswith(FOLDER_SK), filter_condition=condition,
                                  limit=limit, last_evaluated_key=cursor)
        return list(result), result.last_evaluated_key
    except QueryError as exc:
        raise InvalidCursor(str(exc)) from exc


def update(owner: str, folder_id: str, *, updated_at: str, name: str | None = UNSET, color: str | None = UNSET,
           parent_id: str | None = UNSET) -> FolderItem:
    """Change the given fields (None removes color or parent); ConditionFailed if it is gone."""
    actions: list[Any] = [FolderItem.updated_at.set(updated_at)]
    if name is not UNSET and name is not None:
        actions.append(FolderItem.name.set(name))
    if color is not UNSET:
        actions.append(FolderItem.color.set(color) if color else FolderItem.color.remove())
    if parent_id is not UNSET:
        actions.append(FolderItem.parent_id.set(parent_id) if parent_id else FolderItem.parent_id.remove())
    item = FolderItem(*FolderItem.key(owner, folder_id))
    try:
        item.update(actions=actions, condition=FolderItem.pk.exists())
    except UpdateError as exc:
        if condition_failed(exc):
            raise ConditionFailed(folder_id) from exc
        raise
    return item


def delete(owner: str, folder_ids: list[str]) -> None:
    """Remove folders (BatchWriteItem; absent ones are no error)."""
    with FolderItem.batch_write() as batch:
        for fid in folder_ids:
            batch.delete(FolderItem(*FolderItem.key(owner, fid)))
