"""Data access for folders: one partition per owner (`FOLDERS#<owner>` / `FOLDER#<id>`).

Another user's folder is simply not in the caller's partition. Returned `FolderItem`s are
read-only records.
"""

from __future__ import annotations

from typing import Any

from .base import UNSET, changes, fits_id, get_or_none, query_page, save_new, update_or_fail
from .diagram_models import FOLDER_SK, FolderItem, folders_pk


def get(owner: str, folder_id: str) -> FolderItem | None:
    if not fits_id(folder_id):
        return None
    return get_or_none(FolderItem, *FolderItem.key(owner, folder_id), consistent_read=True)


def create(owner: str, folder_id: str, *, name: str, parent_id: str | None, color: str | None,
           stamp: str) -> FolderItem:
    item = FolderItem(*FolderItem.key(owner, folder_id), folder_id=folder_id, owner_id=owner, name=name,
                      parent_id=parent_id, color=color, created_at=stamp, updated_at=stamp)
    return save_new(item, FolderItem.pk.does_not_exist(), folder_id)


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
    return query_page(FolderItem.query(folders_pk(owner), FolderItem.sk.startswith(FOLDER_SK),
                                       filter_condition=condition, limit=limit, last_evaluated_key=cursor))


def update(owner: str, folder_id: str, *, updated_at: str, name: str | None = UNSET, color: str | None = UNSET,
           parent_id: str | None = UNSET) -> FolderItem:
    """Change the given fields (None removes color or parent); ConditionFailed if it is gone."""
    actions: list[Any] = [FolderItem.updated_at.set(updated_at)]
    if name is not UNSET and name is not None:
        actions.append(FolderItem.name.set(name))
    actions += changes((FolderItem.color, color), (FolderItem.parent_id, parent_id))
    return update_or_fail(FolderItem(*FolderItem.key(owner, folder_id)), actions, FolderItem.pk.exists(), folder_id)


def delete(owner: str, folder_ids: list[str]) -> None:
    """Remove folders (BatchWriteItem; absent ones are no error)."""
    with FolderItem.batch_write() as batch:
        for fid in folder_ids:
            batch.delete(FolderItem(*FolderItem.key(owner, fid)))
