"""Diagrams: create, read, update with optimistic locking, duplicate, star and move. Trash,
restore, purge and bulk actions are `lifecycle.py`; tags, star and folder writes `metadata.py`.

Writes and races (no TransactWrite: every commit is one conditional single-item write):
- The head item is the source of truth and the commit point. An update is one UpdateItem
  conditioned on `version = <the If-Match version>` (and not trashed): of concurrent writers
  holding the same ETag exactly one wins; the others get 412 and change nothing (an S3 object a
  loser wrote is deleted again).
- After the commit the immutable snapshot `VERSION#<n>` is written (PutItem, attribute_not_exists).
  If a process dies between the two writes, readers of the history synthesize version n from the
  head, which carries the same content (see versions.py), so no version is ever unreadable.
- Metadata (star, folder, bulk tags) does not create versions or change the ETag.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from .. import clock
from ..errors import (
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    UnknownReference,
    ValidationFailed,
)
from ..exports import thumbnails
from ..store import diagrams as diagram_store
from ..store.base import ConditionFailed
from . import access, metadata, templates
from . import content as content_mod
from .schema import DiagramCreate, DiagramPatch

if TYPE_CHECKING:
    from ..store.diagram_models import DiagramItem


def new_id() -> str:
    return secrets.token_hex(10)


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None, *, required: bool = True) -> int | None:
    if value is None or not value.strip():
        if required:
            raise PreconditionRequired("Send If-Match with the ETag you last read.")
        return None
    value = value.strip()
    if value == "*":
        return None
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise PreconditionFailed("If-Match does not match the current ETag.")
    return int(value)


# ------------------------------------------------------------------ create / read
def _insert(owner: str, author: str, title: str, dtype: str, content: dict[str, Any], folder_id: str | None,
            tags: list[str]) -> dict[str, Any]:
    diagram_id = new_id()
    stored = content_mod.store(f"diagrams/{diagram_id}", content)
    item = diagram_store.create_head(
        diagram_id=diagram_id, owner_id=owner, author=author, title=title, dtype=dtype, folder_id=folder_id,
        tags=tags, stamp=clock.iso(), inline=stored.inline, key=stored.key, size=stored.size,
        search_text=content_mod.search_text(title, tags, content))
    diagram_store.save_snapshot(item, author)
    thumbnails.enqueue(diagram_id, 1)  # issue 7: a thumbnail for the new content
    return access.full(item, "owner", content)


def create(user_id: str, body: DiagramCreate) -> dict[str, Any]:
    if body.template_id:
        if body.content is not None:
            raise ValidationFailed("content: give either content or template_id, not both.")
        try:
            tpl_type, content = templates.resolve(user_id, body.template_id)
        except NotFound as exc:
            raise UnknownReference("template_id: no such template.") from exc
        if body.type is not None and body.type != tpl_type:
            raise ValidationFailed(f"type: the template is a {tpl_type} diagram.")
        dtype = tpl_type
    else:
        if body.type is None:
            raise ValidationFailed("type: required unless template_id is given.")
        dtype = body.type
        content = content_mod.to_dict(body.content) if body.content is not None else content_mod.default_content(dtype)
    content_mod.check(dtype, content)
    tags = metadata.normalize_tags(body.tags)
    if body.folder_id is not None:
        access.require_folder(user_id, body.folder_id, field="folder_id")
    return _insert(user_id, user_id, body.title, dtype, content, body.folder_id, tags)


def get(user_id: str, diagram_id: str) -> dict[str, Any]:
    item, role = access.require(diagram_id, user_id, "viewer", trashed="ok")
    return access.full(item, role)


# ------------------------------------------------------------------ update
def apply_update(item: DiagramItem, expected: int | None, author: str, *, title: str | None = None,
                 dtype: str | None = None, tags: list[str] | None = None, content: dict[str, Any] | None = None,
                 restored_from: int | None = None, reuse: tuple[str | None, str | None, int] | None = None
                 ) -> dict[str, Any]:
    """Commit a new version of `item`. `expected` is the If-Match version (None: the one read).
    `reuse` = (inline, key, size) of an existing immutable content (version restore)."""
    current = int(item.version)
    if expected is not None and expected != current:
        raise PreconditionFailed(f"The diagram changed (current ETag {etag(current)}); reload and retry.",
                                 headers={"ETag": etag(current)})
    new_title = title if title is not None else item.title
    new_type = dtype if dtype is not None else item.dtype
    new_tags = metadata.normalize_tags(tags) if tags is not None else list(item.tags or [])
    old_content: dict[str, Any] | None = None
    if content is None:
        old_content = content_mod.load(item.content_inline, item.content_key)
    new_content = content if content is not None else old_content
    assert new_content is not None
    content_mod.check(new_type, new_content)

    stored: content_mod.Stored | None = None
    if reuse is not None:
        inline, key, size = reuse
    elif content is not None:
        stored = content_mod.store(f"diagrams/{item.diagram_id}", new_content)
        inline, key, size = stored.inline, stored.key, stored.size
    else:
        inline, key, size = item.content_inline, item.content_key, int(item.size_bytes or 0)
    try:
        fresh = diagram_store.commit_version(
            item.diagram_id, expected=current, title=new_title, dtype=new_type, tags=new_tags, updated_at=clock.iso(),
            author=author, inline=inline, key=key, size=size,
            search_text=content_mod.search_text(new_title, new_tags, new_content))
    except ConditionFailed as exc:
        if stored is not None:
            content_mod.discard(stored)  # the loser's object: nothing points at it
        latest = access.head(item.diagram_id)
        hdrs = {"ETag": etag(int(latest.version))} if latest else {}
        raise PreconditionFailed("The diagram was changed by someone else; reload and retry.",
                                 headers=hdrs) from exc
    except Exception:
        if stored is not None:
            content_mod.discard(stored)
        raise
    diagram_store.save_snapshot(fresh, author, restored_from)
    if content is not None or reuse is not None or dtype is not None:
        thumbnails.enqueue(item.diagram_id, int(fresh.version))  # issue 7: the picture may have changed
    return access.full(fresh, None, new_content)


def update(user_id: str, diagram_id: str, if_match: str | None, patch: DiagramPatch,
           author: str | None = None) -> dict[str, Any]:
    item, role = access.require(diagram_id, user_id, "editor")
    expected = parse_if_match(if_match)
    result = apply_update_from_patch(item, expected, author or user_id, patch)
    result["role"] = role
    return result


def apply_update_from_patch(item: DiagramItem, expected: int | None, author: str,
                            patch: DiagramPatch) -> dict[str, Any]:
    fields = patch.model_fields_set
    if not fields:
        raise ValidationFailed("Nothing to update: send title, type, content or tags.")
    for name in ("title", "type", "content", "tags"):
        if name in fields and getattr(patch, name) is None:
            raise ValidationFailed(f"{name}: may not be null.")
    return apply_update(
        item, expected, author, title=patch.title, dtype=patch.type, tags=patch.tags,
        content=content_mod.to_dict(patch.content) if patch.content is not None else None,
    )


# ------------------------------------------------------------------ copies and metadata
def duplicate(user_id: str, diagram_id: str) -> dict[str, Any]:
    item, role = access.require(diagram_id, user_id, "viewer")
    content = content_mod.load(item.content_inline, item.content_key)
    title = ("Copy of " + item.title)[:200]
    folder_id = item.folder_id if role == "owner" else None
    return _insert(user_id, user_id, title, item.dtype, content, folder_id, list(item.tags or []))


def star(user_id: str, diagram_id: str, starred: bool) -> None:
    item, _ = access.require(diagram_id, user_id, "editor")
    metadata.set_star(item, starred)


def move(user_id: str, diagram_id: str, folder_id: str | None) -> dict[str, Any]:
    item, role = access.require(diagram_id, user_id, "owner")
    if folder_id is not None:
        access.require_folder(user_id, folder_id, field="folder_id")
    return access.summary(metadata.move_to(item, folder_id), role)
