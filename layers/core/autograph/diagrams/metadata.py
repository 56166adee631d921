"""Diagram metadata: tags, star and folder. Changing them creates no version and keeps the ETag.

Tags are trimmed, 1..TAG_MAX characters each, de-duplicated case-insensitively (the first
spelling wins), at most TAGS_MAX per diagram; they are part of the search text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ValidationFailed
from ..store import diagrams as diagram_store
from ..store.base import ConditionFailed
from . import access
from . import content as content_mod
from .schema import TAG_MAX, TAGS_MAX

if TYPE_CHECKING:
    from ..store.diagram_models import DiagramItem


def normalize_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for raw in tags:
        tag = raw.strip()
        if not tag or len(tag) > TAG_MAX:
            raise ValidationFailed(f"tags: each tag must be 1..{TAG_MAX} characters.")
        if tag.lower() not in (t.lower() for t in out):
            out.append(tag)
    return out


def set_star(item: DiagramItem, starred: bool) -> DiagramItem:
    try:
        return diagram_store.set_starred(item.diagram_id, starred)
    except ConditionFailed as exc:  # purged since it was read
        raise access.not_found() from exc


def move_to(item: DiagramItem, folder_id: str | None) -> DiagramItem:
    """File the diagram in `folder_id` (None: the root); the caller checked the folder is theirs."""
    try:
        return diagram_store.set_folder(item.diagram_id, folder_id)
    except ConditionFailed as exc:
        raise access.not_found() from exc


def add_tags(item: DiagramItem, tags: list[str]) -> DiagramItem:
    merged = normalize_tags(list(item.tags or []) + tags)
    if len(merged) > TAGS_MAX:
        raise ValidationFailed(f"tags: a diagram has at most {TAGS_MAX} tags.")
    content = content_mod.load(item.content_inline, item.content_key)
    try:
        return diagram_store.set_tags(item.diagram_id, merged, content_mod.search_text(item.title, merged, content))
    except ConditionFailed as exc:
        raise access.not_found() from exc
