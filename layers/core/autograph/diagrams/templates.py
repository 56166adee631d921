"""Templates: the built-in starters (starters.py) plus each user's own, saved from a diagram.

A user template is a copy of a diagram's type and content at the time it was saved (stored like
diagram content: inline or in the diagrams bucket under `templates/<owner>/`), in the owner's
partition TEMPLATES#<owner>. Another user's template id is unknown to the caller (404); built-in
starters cannot be deleted (403). `GET /templates` puts the starters (with their content) first on
the first page, then the caller's templates (without content) with cursor pagination.
"""

from __future__ import annotations

import secrets
from typing import Any

from pynamodb.exceptions import DoesNotExist

from ..clock import iso
from ..errors import Forbidden, NotFound
from ..store.diagram_models import TemplateItem
from . import access
from . import content as content_mod
from .schema import TemplateIn
from .starters import BY_ID, STARTERS


def _starter(s: dict[str, str]) -> dict[str, Any]:
    return {"id": s["id"], "name": s["name"], "description": s["description"], "type": "mermaid",
            "builtin": True, "content": {"mermaid": s["mermaid"]}}


def _out(t: TemplateItem) -> dict[str, Any]:
    return {"id": t.template_id, "name": t.name, "description": t.description, "type": t.dtype,
            "builtin": False, "created_at": t.created_at}


def _get(owner: str, template_id: str) -> TemplateItem:
    if not template_id or len(template_id) > 64:
        raise NotFound("No such template.")
    try:
        return TemplateItem.get(*TemplateItem.key(owner, template_id), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("No such template.") from exc


def create(user_id: str, body: TemplateIn) -> dict[str, Any]:
    item, _ = access.require(body.diagram_id, user_id, "viewer")
    content = content_mod.load(item.content_inline, item.content_key)
    template_id = "tpl_" + secrets.token_hex(8)
    stored = content_mod.store(f"templates/{user_id}/{template_id}", content)
    tpl = TemplateItem(*TemplateItem.key(user_id, template_id), template_id=template_id, owner_id=user_id,
                       name=body.name, description=body.description, dtype=item.dtype,
                       source_diagram_id=item.diagram_id, created_at=iso(), size_bytes=stored.size,
                       content_inline=stored.inline, content_key=stored.key)
    tpl.save(condition=TemplateItem.pk.does_not_exist())
    return _out(tpl)


def list_page(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    items: list[dict[str, Any]] = [_starter(s) for s in STARTERS] if cursor is None else []
    result = TemplateItem.query(f"TEMPLATES#{user_id}", TemplateItem.sk.startswith("TEMPLATE#"), limit=limit,
                                last_evaluated_key=cursor)
    items.extend(_out(t) for t in result)
    return items, result.last_evaluated_key


def delete(user_id: str, template_id: str) -> None:
    if template_id in BY_ID:
        raise Forbidden("Built-in templates cannot be deleted.")
    tpl = _get(user_id, template_id)
    tpl.delete()
    content_mod.delete_prefix(f"templates/{user_id}/{template_id}")


def resolve(user_id: str, template_id: str) -> tuple[str, dict[str, Any]]:
    """(type, content) of a template the caller may use."""
    if template_id in BY_ID:
        return "mermaid", {"mermaid": BY_ID[template_id]["mermaid"]}
    tpl = _get(user_id, template_id)
    return tpl.dtype, content_mod.load(tpl.content_inline, tpl.content_key)
