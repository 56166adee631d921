"""Data access for diagram heads and their version snapshots (key design: `diagram_models`).

Every write that decides a race is one conditional single-item write here; a lost condition
raises `ConditionFailed` and the domain says what it means (412, 404, 409). Returned
`DiagramItem`/`VersionItem`s are read-only records: a write returns a fresh record (the item as
DynamoDB stored it), it never changes the one passed in. The trash cascade over everything a
diagram owns (its TTL cascade and permanent delete) is `store.trash`.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from .base import (
    UNSET,
    ConditionFailed,
    changes,
    fits_id,
    get_or_none,
    query_page,
    save_new,
    set_or_remove,
    update_if,
    update_or_fail,
)
from .diagram_models import VERSION_SK, DiagramItem, VersionItem, diagram_pk, live_index, trash_index

INDEX = {"updated_at": DiagramItem.gsi1, "created_at": DiagramItem.gsi2, "title": DiagramItem.gsi3}


def live_keys(owner: str, diagram_id: str, updated_at: str, created_at: str, title: str) -> dict[str, str]:
    """The three list-index keys of a live head (sort by updated_at, created_at, title)."""
    return {
        "gsi1pk": live_index(owner), "gsi1sk": f"{updated_at}#{diagram_id}",
        "gsi2pk": live_index(owner), "gsi2sk": f"{created_at}#{diagram_id}",
        "gsi3pk": live_index(owner), "gsi3sk": f"{title.lower()[:100]}#{diagram_id}",
    }


def _update(diagram_id: str, actions: list[Any], condition: Any) -> DiagramItem:
    """One conditional UpdateItem; the fresh record from its ALL_NEW answer."""
    return update_or_fail(DiagramItem(*DiagramItem.key(diagram_id)), actions, condition, diagram_id)


# ------------------------------------------------------------------ heads
def get_head(diagram_id: str) -> DiagramItem | None:
    """The head, read consistently (None when absent)."""
    if not fits_id(diagram_id):
        return None
    return get_or_none(DiagramItem, *DiagramItem.key(diagram_id), consistent_read=True)


def get_heads(diagram_ids: list[str]) -> dict[str, DiagramItem]:
    """Heads by id with BatchGetItem; absent ones are simply missing from the answer."""
    wanted = list(dict.fromkeys(i for i in diagram_ids if fits_id(i)))
    if not wanted:
        return {}
    return {d.diagram_id: d for d in DiagramItem.batch_get([DiagramItem.key(i) for i in wanted])}


def create_head(*, diagram_id: str, owner_id: str, author: str, title: str, dtype: str, folder_id: str | None,
                tags: list[str], stamp: str, inline: str | None, key: str | None, size: int,
                search_text: str) -> DiagramItem:
    """A new live head at version 1 (ConditionFailed should the id exist)."""
    item = DiagramItem(
        *DiagramItem.key(diagram_id), diagram_id=diagram_id, owner_id=owner_id, title=title, dtype=dtype,
        folder_id=folder_id, tags=tags, starred=False, version=1, created_at=stamp, updated_at=stamp,
        last_edited_by=author, size_bytes=size, content_inline=inline, content_key=key, search_text=search_text,
        **live_keys(owner_id, diagram_id, stamp, stamp, title),
    )
    return save_new(item, DiagramItem.pk.does_not_exist(), diagram_id)


def commit_version(diagram_id: str, *, expected: int, title: str, dtype: str, tags: list[str], updated_at: str,
                   author: str, inline: str | None, key: str | None, size: int, search_text: str) -> DiagramItem:
    """Version `expected + 1` of a live head, only if it is still at `expected` and not trashed:
    of concurrent writers holding the same version exactly one wins (ConditionFailed for the rest)."""
    actions = [
        DiagramItem.version.set(expected + 1), DiagramItem.title.set(title), DiagramItem.dtype.set(dtype),
        DiagramItem.tags.set(tags), DiagramItem.updated_at.set(updated_at), DiagramItem.last_edited_by.set(author),
        DiagramItem.size_bytes.set(size), DiagramItem.search_text.set(search_text),
        DiagramItem.gsi1sk.set(f"{updated_at}#{diagram_id}"),
        DiagramItem.gsi3sk.set(f"{title.lower()[:100]}#{diagram_id}"),
        DiagramItem.content_inline.set(inline) if inline is not None else DiagramItem.content_inline.remove(),
        DiagramItem.content_key.set(key) if key is not None else DiagramItem.content_key.remove(),
    ]
    return _update(diagram_id, actions,
                   (DiagramItem.version == expected) & DiagramItem.deleted_at.does_not_exist())


def move_to_trash(head: DiagramItem, deleted_at: str, expires_at: int) -> DiagramItem:
    """Trash a live head: out of the live lists (gsi2/gsi3 keys removed), into DTRASH#<owner> on
    gsi1, TTL set. ConditionFailed when it is already trashed or gone."""
    return _update(head.diagram_id, [
        DiagramItem.deleted_at.set(deleted_at), DiagramItem.expires_at.set(expires_at),
        DiagramItem.gsi1pk.set(trash_index(head.owner_id)), DiagramItem.gsi1sk.set(f"{deleted_at}#{head.diagram_id}"),
        DiagramItem.gsi2pk.remove(), DiagramItem.gsi2sk.remove(),
        DiagramItem.gsi3pk.remove(), DiagramItem.gsi3sk.remove(),
    ], DiagramItem.deleted_at.does_not_exist() & DiagramItem.pk.exists())


def restore_from_trash(head: DiagramItem, folder_id: str | None) -> DiagramItem:
    """Put a trashed head back in the live lists, in `folder_id` (None: the root), TTL cleared.
    ConditionFailed when it is not in the trash."""
    keys = live_keys(head.owner_id, head.diagram_id, head.updated_at, head.created_at, head.title)
    return _update(head.diagram_id, [
        DiagramItem.deleted_at.remove(), DiagramItem.expires_at.remove(),
        set_or_remove(DiagramItem.folder_id, folder_id),
        *(getattr(DiagramItem, k).set(v) for k, v in keys.items()),
    ], DiagramItem.deleted_at.exists())


def set_starred(diagram_id: str, starred: bool) -> DiagramItem:
    return _update(diagram_id, [DiagramItem.starred.set(starred)], DiagramItem.pk.exists())


def set_folder(diagram_id: str, folder_id: str | None) -> DiagramItem:
    return _update(diagram_id, [set_or_remove(DiagramItem.folder_id, folder_id)], DiagramItem.pk.exists())


def set_tags(diagram_id: str, tags: list[str], search_text: str) -> DiagramItem:
    """Metadata only: no new version, no ETag change."""
    return _update(diagram_id, [DiagramItem.tags.set(tags), DiagramItem.search_text.set(search_text)],
                   DiagramItem.pk.exists())


def delete_head(diagram_id: str) -> None:
    """The head only; `store.trash.delete_children` removes what it owns first."""
    DiagramItem(*DiagramItem.key(diagram_id)).delete()


# ------------------------------------------------------------------ versions
def save_snapshot(head: DiagramItem, author: str, restored_from: int | None = None) -> None:
    """The immutable snapshot of the head's current version; writing it twice is harmless."""
    number = int(head.version)
    snap = VersionItem(
        *VersionItem.key(head.diagram_id, number), diagram_id=head.diagram_id, number=number, title=head.title,
        dtype=head.dtype, created_at=head.updated_at, author=author, size_bytes=int(head.size_bytes or 0),
        content_inline=head.content_inline, content_key=head.content_key, restored_from=restored_from,
    )
    with suppress(ConditionFailed):  # already there: snapshots never change
        save_new(snap, VersionItem.sk.does_not_exist(), head.diagram_id)


def get_version(diagram_id: str, number: int) -> VersionItem | None:
    return get_or_none(VersionItem, *VersionItem.key(diagram_id, number), consistent_read=True)


def versions_page(diagram_id: str, limit: int, cursor: dict[str, Any] | None
                  ) -> tuple[list[VersionItem], dict[str, Any] | None]:
    """Snapshots newest first."""
    return query_page(VersionItem.query(diagram_pk(diagram_id), VersionItem.sk.startswith(VERSION_SK),
                                        scan_index_forward=False, limit=limit, last_evaluated_key=cursor,
                                        consistent_read=True))


def annotate_version(diagram_id: str, number: int, *, label: str | None = UNSET,
                     comment: str | None = UNSET) -> VersionItem | None:
    """Set (or with None remove) a snapshot's label and comment; None when it does not exist."""
    snap = VersionItem(*VersionItem.key(diagram_id, number))
    actions = changes((VersionItem.label, label), (VersionItem.comment, comment))
    return snap if update_if(snap, actions, VersionItem.sk.exists()) else None


# ------------------------------------------------------------------ lists
def _filters(folder_id: str | None, no_folder: bool, tag: str | None, starred: bool | None,
             dtype: str | None, q: str | None) -> Any:
    conds = []
    if no_folder:
        conds.append(DiagramItem.folder_id.does_not_exist())
    elif folder_id:
        conds.append(DiagramItem.folder_id == folder_id)
    if tag:
        conds.append(DiagramItem.tags.contains(tag))
    if starred is not None:
        conds.append(DiagramItem.starred == starred)
    if dtype:
        conds.append(DiagramItem.dtype == dtype)
    if q:
        conds.append(DiagramItem.search_text.contains(q.lower()))
    cond = None
    for c in conds:
        cond = c if cond is None else cond & c
    return cond


def live_page(owner: str, *, sort: str, ascending: bool, limit: int, cursor: dict[str, Any] | None,
              folder_id: str | None = None, no_folder: bool = False, tag: str | None = None,
              starred: bool | None = None, dtype: str | None = None, q: str | None = None
              ) -> tuple[list[DiagramItem], dict[str, Any] | None]:
    """One page of the owner's live heads on the index of `sort`, filters applied by DynamoDB.
    PynamoDB keeps querying until it has `limit` matches, and the cursor is the key of the last
    item returned, so no match is skipped or repeated between pages. `q` matches the lower-cased
    search text."""
    return query_page(INDEX[sort].query(live_index(owner), scan_index_forward=ascending, limit=limit,
                                        last_evaluated_key=cursor,
                                        filter_condition=_filters(folder_id, no_folder, tag, starred, dtype, q)))


def trash_page(owner: str, *, alive_after: int, limit: int, cursor: dict[str, Any] | None
               ) -> tuple[list[DiagramItem], dict[str, Any] | None]:
    """The owner's trash, newest deletion first, without heads whose TTL passed before
    `alive_after` (DynamoDB deletes lazily)."""
    return query_page(DiagramItem.gsi1.query(trash_index(owner), scan_index_forward=False, limit=limit,
                                             filter_condition=DiagramItem.expires_at > alive_after,
                                             last_evaluated_key=cursor))


def live_in_folders(owner: str, folder_ids: list[str], limit: int | None = None) -> list[DiagramItem]:
    """The owner's live heads filed in any of `folder_ids` (at least `limit` of them, if given)."""
    found: list[DiagramItem] = []
    for start in range(0, len(folder_ids), 100):  # IN takes at most 100 operands
        chunk = folder_ids[start:start + 100]
        found.extend(DiagramItem.gsi1.query(live_index(owner), filter_condition=DiagramItem.folder_id.is_in(*chunk),
                                            limit=limit))
        if limit and len(found) >= limit:
            break
    return found
