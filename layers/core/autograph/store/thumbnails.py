"""A diagram head's thumbnail pointer (`thumbnail_key`, `thumbnail_version` on DIAGRAM#<id>/META).

The pointer only moves forward: a thumbnail rendered for an older version never replaces the
thumbnail of a newer one (conditional write on `thumbnail_version`).
"""

from __future__ import annotations

from .base import update_if
from .diagram_models import DiagramItem


def set_if_newer(diagram_id: str, version: int, key: str) -> bool:
    item = DiagramItem(*DiagramItem.key(diagram_id))
    condition = DiagramItem.pk.exists() & (
        DiagramItem.thumbnail_version.does_not_exist() | (DiagramItem.thumbnail_version < version))
    return update_if(item, [DiagramItem.thumbnail_key.set(key), DiagramItem.thumbnail_version.set(version)],
                     condition)
