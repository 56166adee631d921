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

from typing import Any

from pynamodb.exceptions import QueryError

from ..clock import now
from ..errors import BadRequest
from ..store.diagram_models import CollaboratorItem, DiagramItem
from . import access

INDEX = {"updated_at": DiagramItem.gsi1, "created_at": DiagramItem.gsi2, "title": DiagramItem.gsi3}


def _filters(folder_id: str | None, tag: str | None, starred: bool | None, dtype: str | None, q: str | None) -> Any:
    cond = None

    def add(c: Any) -> None:
        nonlocal cond
        cond = c if cond is None else cond & c

    if folder_id == "root":
        add(DiagramItem.folder_id.does_not_exist())
    elif folder_id:
        add(DiagramItem.folder_id == folder_id)
    if tag:
        add(DiagramItem.tags.contains(tag))
    if starred is not None:
        add(DiagramItem.starred == starred)
    if dtype:
        add(DiagramItem.dtype == dtype)
    if q:
        add(DiagramItem.search_text.contains(q.lower()))
    return cond


def _bad_cursor(exc: Exception) -> BadRequest:
    return BadRequest("The cursor is not valid for this list; start again without it.")


def own(user_id: str, *, limit: int, cursor: dict[str, Any] | None, sort: str, order: str,
        folder_id: str | None, tag: str | None, starred: bool | None, dtype: str | None,
        q: str | None) -> tuple[list[dict[str, Any]], Any]:
    index = INDEX[sort]
    try:
        result = index.query(f"DLIVE#{user_id}", scan_index_forward=(order == "asc"),
                             filter_condition=_filters(folder_id, tag, starred, dtype, q),
                             limit=limit, last_evaluated_key=cursor)
        items = [access.summary(d, "owner") for d in result]
    except QueryError as exc:
        raise _bad_cursor(exc) from exc
    return items, result.last_evaluated_key


def trash(user_id: str, *, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    try:
        result = DiagramItem.gsi1.query(f"DTRASH#{user_id}", scan_index_forward=False,
                                        filter_condition=DiagramItem.expires_at > int(now()),
                                        limit=limit, last_evaluated_key=cursor)
        items = [access.summary(d, "owner") for d in result]
    except QueryError as exc:
        raise _bad_cursor(exc) from exc
    return items, result.last_evaluated_key


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
        try:
            page = CollaboratorItem.gsi1.query(f"SHARED#{user_id}", scan_index_forward=False, limit=limit,
                                               last_evaluated_key=start)
            collabs = list(page)
        except QueryError as exc:
            raise _bad_cursor(exc) from exc
        heads = {d.diagram_id: d for d in DiagramItem.batch_get([DiagramItem.key(c.diagram_id) for c in collabs])} \
            if collabs else {}
        for collab in collabs:
            item = heads.get(collab.diagram_id)
            if item is not None and _matches(item, tag, starred, dtype, q):
                out.append(access.summary(item, collab.role))
            if len(out) == limit:
                last = {"pk": {"S": collab.pk}, "sk": {"S": collab.sk},
                        "gsi1pk": {"S": collab.gsi1pk}, "gsi1sk": {"S": collab.gsi1sk}}
                more = collab is not collabs[-1] or page.last_evaluated_key is not None
                return out, (last if more else None)
        start = page.last_evaluated_key
        if not start:
            return out, None
