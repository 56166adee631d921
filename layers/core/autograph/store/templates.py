"""Data access for user templates: one partition per owner (`TEMPLATES#<owner>` / `TEMPLATE#<id>`).

Another user's template is simply not in the caller's partition. Returned `TemplateItem`s are
read-only records.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, QueryError

from .base import ConditionFailed, InvalidCursor, condition_failed
from .diagram_models import TEMPLATE_SK, TemplateItem, templates_pk


def get(owner: str, template_id: str) -> TemplateItem | None:
    if not template_id or len(template_id) > 64:
        return None
    try:
        return TemplateItem.get(*TemplateItem.key(owner, template_id), consistent_read=True)
    except DoesNotExist:
        return None


def create(owner: str, template_id: str, *, name: str, description: str | None, dtype: str,
           source_diagram_id: str | None, created_at: str, inline: str | None, key: str | None,
           size: int) -> TemplateItem:
    tpl = TemplateItem(*TemplateItem.key(owner, template_id), template_id=template_id, owner_id=owner, name=name,
                       description=description, dtype=dtype, source_diagram_id=source_diagram_id,
                       created_at=created_at, size_bytes=size, content_inline=inline, content_key=key)
    try:
        tpl.save(condition=TemplateItem.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            raise ConditionFailed(template_id) from exc
        raise
    return tpl


def page(owner: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[TemplateItem], dict[str, Any] | None]:
    try:
        result = TemplateItem.query(templates_pk(owner), TemplateItem.sk.startswith(TEMPLATE_SK), limit=limit,
                                    last_evaluated_key=cursor)
        return list(result), result.last_evaluated_key
    except QueryError as exc:
        raise InvalidCursor(str(exc)) from exc


def delete(owner: str, template_id: str) -> None:
    TemplateItem(*TemplateItem.key(owner, template_id)).delete()
