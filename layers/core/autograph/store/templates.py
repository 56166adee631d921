"""Data access for user templates: one partition per owner (`TEMPLATES#<owner>` / `TEMPLATE#<id>`).

Another user's template is simply not in the caller's partition. Returned `TemplateItem`s are
read-only records.
"""

from __future__ import annotations

from typing import Any

from .base import fits_id, get_or_none, query_page, save_new
from .diagram_models import TEMPLATE_SK, TemplateItem, templates_pk


def get(owner: str, template_id: str) -> TemplateItem | None:
    if not fits_id(template_id):
        return None
    return get_or_none(TemplateItem, *TemplateItem.key(owner, template_id), consistent_read=True)


def create(owner: str, template_id: str, *, name: str, description: str | None, dtype: str,
           source_diagram_id: str | None, created_at: str, inline: str | None, key: str | None,
           size: int) -> TemplateItem:
    tpl = TemplateItem(*TemplateItem.key(owner, template_id), template_id=template_id, owner_id=owner, name=name,
                       description=description, dtype=dtype, source_diagram_id=source_diagram_id,
                       created_at=created_at, size_bytes=size, content_inline=inline, content_key=key)
    return save_new(tpl, TemplateItem.pk.does_not_exist(), template_id)


def page(owner: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[TemplateItem], dict[str, Any] | None]:
    return query_page(TemplateItem.query(templates_pk(owner), TemplateItem.sk.startswith(TEMPLATE_SK), limit=limit,
                                         last_evaluated_key=cursor))


def delete(owner: str, template_id: str) -> None:
    TemplateItem(*TemplateItem.key(owner, template_id)).delete()
