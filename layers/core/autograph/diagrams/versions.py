"""Version history: immutable snapshots `VERSION#<n>` in the diagram's partition, newest first.

A snapshot shares its content (inline JSON or an immutable S3 object) with the head that created
it. Only `label` and `comment` of a snapshot ever change. Should the snapshot of the head's own
version be missing (a writer died between the commit and the snapshot), it is synthesized from
the head, which carries identical content, and written back.

Restoring version n commits a new version whose content, title and type equal n's (it reuses n's
content object; `restored_from` records n). If-Match is optional there: when sent it must match.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, QueryError, UpdateError

from ..errors import BadRequest, NotFound
from ..store.diagram_models import DiagramItem, VersionItem
from . import access, diff, service
from . import content as content_mod
from .schema import VersionPatch


def _summary(v: VersionItem) -> dict[str, Any]:
    return {"number": int(v.number), "created_at": v.created_at, "author": v.author, "label": v.label,
            "comment": v.comment, "size_bytes": int(v.size_bytes or 0), "title": v.title, "type": v.dtype,
            "restored_from": int(v.restored_from) if v.restored_from is not None else None}


def _heal(item: DiagramItem) -> VersionItem:
    service.save_snapshot(item, item.last_edited_by)
    return VersionItem.get(*VersionItem.key(item.diagram_id, int(item.version)), consistent_read=True)


def _load(item: DiagramItem, number: int) -> VersionItem:
    if number < 1 or number > int(item.version):
        raise NotFound(f"No version {number}.")
    try:
        return VersionItem.get(*VersionItem.key(item.diagram_id, number), consistent_read=True)
    except DoesNotExist as exc:
        if number == int(item.version):
            return _heal(item)
        raise NotFound(f"No version {number}.") from exc


def list_page(user_id: str, diagram_id: str, limit: int, cursor: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], Any]:
    item, _ = access.require(diagram_id, user_id, "viewer")
    try:
        result = VersionItem.query(item.pk, VersionItem.sk.startswith("VERSION#"), scan_index_forward=False,
                                   limit=limit, last_evaluated_key=cursor, consistent_read=True)
        rows = list(result)
    except QueryError as exc:
        raise BadRequest("The cursor is not valid for this list; start again without it.") from exc
    if cursor is None and (not rows or int(rows[0].number) != int(item.version)):
        rows.insert(0, _heal(item))
        rows = rows[:limit]
    return [_summary(v) for v in rows], result.last_evaluated_key


def get(user_id: str, diagram_id: str, number: int) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "viewer")
    v = _load(item, number)
    out = _summary(v)
    out["content"] = content_mod.load(v.content_inline, v.content_key)
    return out


def annotate(user_id: str, diagram_id: str, number: int, body: VersionPatch) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "editor")
    v = _load(item, number)
    fields = body.model_fields_set
    actions = []
    if "label" in fields:
        actions.append(VersionItem.label.set(body.label) if body.label else VersionItem.label.remove())
    if "comment" in fields:
        actions.append(VersionItem.comment.set(body.comment) if body.comment else VersionItem.comment.remove())
    if not actions:
        from ..errors import ValidationFailed

        raise ValidationFailed("Nothing to update: send label or comment.")
    try:
        v.update(actions=actions, condition=VersionItem.sk.exists())
    except UpdateError as exc:
        raise NotFound(f"No version {number}.") from exc
    return _summary(v)


def restore(user_id: str, diagram_id: str, number: int, if_match: str | None) -> dict[str, Any]:
    item, role = access.require(diagram_id, user_id, "editor")
    expected = service.parse_if_match(if_match, required=False)
    v = _load(item, number)
    content = content_mod.load(v.content_inline, v.content_key)
    result = service.apply_update(item, expected, user_id, title=v.title, dtype=v.dtype, content=content,
                                  restored_from=number,
                                  reuse=(v.content_inline, v.content_key, int(v.size_bytes or 0)))
    result["role"] = role
    return result


def compare(user_id: str, diagram_id: str, a: int, b: int) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "viewer")
    va, vb = _load(item, a), _load(item, b)
    ca = content_mod.load(va.content_inline, va.content_key)
    cb = content_mod.load(vb.content_inline, vb.content_key)
    out = diff.diff(ca, cb)
    out.update(from_version=a, to_version=b, title_changed=va.title != vb.title, type_changed=va.dtype != vb.dtype)
    return out
