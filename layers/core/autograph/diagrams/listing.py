"""Lists: the caller's diagrams, the trash, and diagrams shared with the caller. Never a Scan.

- Own diagrams: one Query on the index whose sort key encodes the sort field (gsi1 updated_at,
  gsi2 created_at, gsi3 lower(title)), direction from `order`. Filters (folder_id, tag, starred,
  type, q) are a filter expression; PynamoDB keeps querying until it has `limit` matches or the
  partition ends, and the cursor is the key of the last item returned (not the last evaluated),
  so no match is skipped or repeated between pages. `q` is `contains` on the lower-cased
  search text (title, tags, first 8 KB of content text). `folder_id=root` means "in no folder".
- Trash: gsi1 partition DTRASH#<owner>, newest deletion first; lazily-expired items are filtered.
- Shared with me: gsi1 partition SHARED#<user> (collaborator items, newest first), heads fetched
  with BatchGetItem, trashed ones skipped; type/tag/q/starred filters apply in memory and the
  cursor is the key of the last collaborator item consumed, so pagination stays exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import clock
from ..store import collaborators as collaborator_store
from ..store import diagrams as diagram_store
from . import access

if TYPE_CHECKING:
    from ..store.diagram_models import DiagramItem

def own(user_id: str, *, limit: int, cursor: dict[str, Any] | None, sort: str, order: str,
        folder_id: str | None, tag: str | None, starred: bool | None, dtype: str | None,
        q: str | None) -> tuple[list[dict[str, Any]], Any]:
    items, last = diagram_store.live_page(
        user_id, sort=sort, ascending=order == "asc", limit=limit, cursor=cursor,
        folder_id=None if folder_id == "root" else folder_id, no_folder=folder_id == "root",
        tag=tag, starred=starred, dtype=dtype, q=q)
    return [access.summary(d, "owner") for d in items], last


def trash(user_id: str, *, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    items, last = diagram_store.trash_page(user_id, alive_after=int(clock.now()), limit=limit, cursor=cursor)
    return [access.summary(d, "owner") for d in items], last


def _matches(item: DiagramItem, tag: str | None, starred: bool | None, dtype: str | None, q: str | None) -> bool:
    if item.deleted_at is not None:
        return False
    if tag and tag not in (item.tags or []):
        return False
    if starred is not None and bool(item.starred) != starred:
        return False
    if dtype and item.dtype != dtype:
        return False
    return not (q and q.lower() not in (item.search_text or ""))


def shared_with_me(user_id: str, *, limit: int, cursor: dict[str, Any] | None, tag: str | None,
                   starred: bool | None, dtype: str | None, q: str | None) -> tuple[list[dict[str, Any]], Any]:
    out: list[dict[str, Any]] = []
    start = cursor
    while True:
        collabs, next_start = collaborator_store.shared_with_page(user_id, limit, start)
        heads = diagram_store.get_heads([c.diagram_id for c in collabs])
        for collab in collabs:
            item = heads.get(collab.diagram_id)
            if item is not None and _matches(item, tag, starred, dtype, q):
                out.append(access.summary(item, collab.role))
            if len(out) == limit:
                more = collab is not collabs[-1] or next_start is not None
                return out, (collaborator_store.cursor_after(collab) if more else None)
        start = next_start
        if not start:
            return out, None
