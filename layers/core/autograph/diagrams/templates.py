"""Templates: the built-in starters (starters.py) plus each user's own, saved from a diagram.

A user template is a copy of a diagram's type and content at the time it was saved (stored like
diagram content: inline or in the diagrams bucket under `templates/<owner>/`), in the owner's
partition (store/templates.py). Another user's template id is unknown to the caller (404); built-in
starters cannot be deleted (403). `GET /templates` puts the starters (with their content) first on
the first page, then the caller's templates (without content) with cursor pagination.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from .. import clock
from ..errors import Forbidden, NotFound
from ..store import templates as template_store
from . import access
from . import content as content_mod
from .schema import TemplateIn
from .starters import BY_ID, STARTERS

if TYPE_CHECKING:
    from ..store.diagram_models import TemplateItem


def _starter(s: dict[str, str]) -> dict[str, Any]:
    return {"id": s["id"], "name": s["name"], "description": s["description"], "type": "mermaid",
            "builtin": True, "content": {"mermaid": s["mermaid"]}}


def _out(t: TemplateItem) -> dict[str, Any]:
    return {"id": t.template_id, "name": t.name, "description": t.description, "type": t.dtype,
            "builtin": False, "created_at": t.created_at}


def _get(owner: str, template_id: str) -> TemplateItem:
    tpl = template_store.get(owner, template_id)
    if tpl is None:
        raise NotFound("No such template.")
    return tpl


def create(user_id: str, body: TemplateIn) -> dict[str, Any]:
    item, _ = access.require(body.diagram_id, user_id, "viewer")
    content = content_mod.load(item.content_inline, item.content_key)
    template_id = "tpl_" + secrets.token_hex(8)
    stored = content_mod.store(f"templates/{user_id}/{template_id}", content)
    tpl = template_store.create(user_id, template_id, name=body.name, description=body.description, dtype=item.dtype,
                                source_diagram_id=item.diagram_id, created_at=clock.iso(), inline=stored.inline,
                                key=stored.key, size=stored.size)
    return _out(tpl)


def list_page(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    items: list[dict[str, Any]] = [_starter(s) for s in STARTERS] if cursor is None else []
    found, last = template_store.page(user_id, limit, cursor)
    items.extend(_out(t) for t in found)
    return items, last


def delete(user_id: str, template_id: str) -> None:
    if template_id in BY_ID:
        raise Forbidden("Built-in templates cannot be deleted.")
    _get(user_id, template_id)
    template_store.delete(user_id, template_id)
    content_mod.delete_prefix(f"templates/{user_id}/{template_id}")


def resolve(user_id: str, template_id: str) -> tuple[str, dict[str, Any]]:
    """(type, content) of a template the caller may use."""
    if template_id in BY_ID:
        return "mermaid", {"mermaid": BY_ID[template_id]["mermaid"]}
    tpl = _get(user_id, template_id)
    return tpl.dtype, content_mod.load(tpl.content_inline, tpl.content_key)
