"""Version history: immutable snapshots of each version in the diagram's partition, newest first.

A snapshot shares its content (inline JSON or an immutable S3 object) with the head that created
it. Only `label` and `comment` of a snapshot ever change. Should the snapshot of the head's own
version be missing (a writer died between the commit and the snapshot), it is synthesized from
the head, which carries identical content, and written back.

Restoring version n commits a new version whose content, title and type equal n's (it reuses n's
content object; `restored_from` records n). If-Match is optional there: when sent it must match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import NotFound, ValidationFailed
from ..store import diagrams as diagram_store
from . import access, diff, service
from . import content as content_mod
from .schema import VersionPatch

if TYPE_CHECKING:
    from ..store.diagram_models import DiagramItem, VersionItem


def _summary(v: VersionItem) -> dict[str, Any]:
    return {"number": int(v.number), "created_at": v.created_at, "author": v.author, "label": v.label,
            "comment": v.comment, "size_bytes": int(v.size_bytes or 0), "title": v.title, "type": v.dtype,
            "restored_from": int(v.restored_from) if v.restored_from is not None else None}


def _heal(item: DiagramItem) -> VersionItem:
    diagram_store.save_snapshot(item, item.last_edited_by)
    healed = diagram_store.get_version(item.diagram_id, int(item.version))
    assert healed is not None  # just written (or written by someone else first)
    return healed


def _load(item: DiagramItem, number: int) -> VersionItem:
    if number < 1 or number > int(item.version):
        raise NotFound(f"No version {number}.")
    found = diagram_store.get_version(item.diagram_id, number)
    if found is not None:
        return found
    if number == int(item.version):
        return _heal(item)
    raise NotFound(f"No version {number}.")


def list_page(user_id: str, diagram_id: str, limit: int, cursor: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], Any]:
    item, _ = access.require(diagram_id, user_id, "viewer")
    rows, last = diagram_store.versions_page(item.diagram_id, limit, cursor)
    if cursor is None and (not rows or int(rows[0].number) != int(item.version)):
        rows.insert(0, _heal(item))
        rows = rows[:limit]
    return [_summary(v) for v in rows], last


def get(user_id: str, diagram_id: str, number: int) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "viewer")
    v = _load(item, number)
    out = _summary(v)
    out["content"] = content_mod.load(v.content_inline, v.content_key)
    return out


def annotate(user_id: str, diagram_id: str, number: int, body: VersionPatch) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "editor")
    _load(item, number)
    fields = body.model_fields_set
    changes = {name: getattr(body, name) or None for name in ("label", "comment") if name in fields}
    if not changes:
        raise ValidationFailed("Nothing to update: send label or comment.")
    v = diagram_store.annotate_version(item.diagram_id, number, **changes)
    if v is None:
        raise NotFound(f"No version {number}.")
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
