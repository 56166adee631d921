"""Diagram lifecycle: create, read, update with optimistic locking, trash/restore/purge, duplicate,
star, move and bulk actions.

Writes and races (no TransactWrite: every commit is one conditional single-item write):
- The head item is the source of truth and the commit point. An update is one UpdateItem
  conditioned on `version = <the If-Match version>` (and not trashed): of concurrent writers
  holding the same ETag exactly one wins; the others get 412 and change nothing (an S3 object a
  loser wrote is deleted again).
- After the commit the immutable snapshot `VERSION#<n>` is written (PutItem, attribute_not_exists).
  If a process dies between the two writes, readers of the history synthesize version n from the
  head, which carries the same content (see versions.py), so no version is ever unreadable.
- Metadata (star, folder, bulk tags) does not create versions or change the ETag.
- Trash and restore (single, bulk, recursive folder delete) cascade the head's TTL to every child
  item and tag/untag its S3 objects (expiry.py), so nothing outlives the head.
"""

from __future__ import annotations

import secrets
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from ..clock import iso, now
from ..errors import (
    AppError,
    BadRequest,
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    UnknownReference,
    ValidationFailed,
)
from ..exports import thumbnails
from ..store.diagram_models import DiagramItem, ShareItem, VersionItem
from . import access, expiry, folders
from . import content as content_mod
from .schema import TAG_MAX, DiagramCreate, DiagramPatch


def new_id() -> str:
    return secrets.token_hex(10)


def normalize_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for raw in tags:
        tag = raw.strip()
        if not tag or len(tag) > TAG_MAX:
            raise ValidationFailed(f"tags: each tag must be 1..{TAG_MAX} characters.")
        if tag.lower() not in (t.lower() for t in out):
            out.append(tag)
    return out


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


# ------------------------------------------------------------------ index keys
def live_keys(owner: str, diagram_id: str, updated_at: str, created_at: str, title: str) -> dict[str, str]:
    return {
        "gsi1pk": f"DLIVE#{owner}", "gsi1sk": f"{updated_at}#{diagram_id}",
        "gsi2pk": f"DLIVE#{owner}", "gsi2sk": f"{created_at}#{diagram_id}",
        "gsi3pk": f"DLIVE#{owner}", "gsi3sk": f"{title.lower()[:100]}#{diagram_id}",
    }


def _snapshot(item: DiagramItem, author: str, restored_from: int | None = None) -> VersionItem:
    return VersionItem(
        *VersionItem.key(item.diagram_id, int(item.version)), diagram_id=item.diagram_id,
        number=int(item.version), title=item.title, dtype=item.dtype, created_at=item.updated_at,
        author=author, size_bytes=int(item.size_bytes or 0), content_inline=item.content_inline,
        content_key=item.content_key, restored_from=restored_from,
    )


def save_snapshot(item: DiagramItem, author: str, restored_from: int | None = None) -> None:
    try:
        _snapshot(item, author, restored_from).save(condition=VersionItem.sk.does_not_exist())
    except PutError as exc:
        if not _conditional(exc):
            raise


def _conditional(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


# ------------------------------------------------------------------ create / read
def _insert(owner: str, author: str, title: str, dtype: str, content: dict[str, Any], folder_id: str | None,
            tags: list[str]) -> dict[str, Any]:
    diagram_id = new_id()
    stamp = iso()
    stored = content_mod.store(f"diagrams/{diagram_id}", content)
    item = DiagramItem(
        *DiagramItem.key(diagram_id), diagram_id=diagram_id, owner_id=owner, title=title, dtype=dtype,
        folder_id=folder_id, tags=tags, starred=False, version=1, created_at=stamp, updated_at=stamp,
        last_edited_by=author, size_bytes=stored.size, content_inline=stored.inline, content_key=stored.key,
        search_text=content_mod.search_text(title, tags, content),
        **live_keys(owner, diagram_id, stamp, stamp, title),
    )
    item.save(condition=DiagramItem.pk.does_not_exist())
    save_snapshot(item, author)
    thumbnails.enqueue(diagram_id, 1)  # issue 7: a thumbnail for the new content
    return access.full(item, "owner", content)


def create(user_id: str, body: DiagramCreate) -> dict[str, Any]:
    if body.template_id:
        from . import templates

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
    tags = normalize_tags(body.tags)
    if body.folder_id is not None:
        folders.require_folder(user_id, body.folder_id, field="folder_id")
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
    new_tags = normalize_tags(tags) if tags is not None else list(item.tags or [])
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
    stamp = iso()
    version = current + 1
    actions = [
        DiagramItem.version.set(version), DiagramItem.title.set(new_title), DiagramItem.dtype.set(new_type),
        DiagramItem.tags.set(new_tags), DiagramItem.updated_at.set(stamp), DiagramItem.last_edited_by.set(author),
        DiagramItem.size_bytes.set(size),
        DiagramItem.search_text.set(content_mod.search_text(new_title, new_tags, new_content)),
        DiagramItem.gsi1sk.set(f"{stamp}#{item.diagram_id}"),
        DiagramItem.gsi3sk.set(f"{new_title.lower()[:100]}#{item.diagram_id}"),
        DiagramItem.content_inline.set(inline) if inline is not None else DiagramItem.content_inline.remove(),
        DiagramItem.content_key.set(key) if key is not None else DiagramItem.content_key.remove(),
    ]
    try:
        item.update(actions=actions,
                    condition=(DiagramItem.version == current) & DiagramItem.deleted_at.does_not_exist())
    except UpdateError as exc:
        if stored is not None:
            content_mod.discard(stored)
        if _conditional(exc):
            fresh = access.head(item.diagram_id)
            hdrs = {"ETag": etag(int(fresh.version))} if fresh else {}
            raise PreconditionFailed("The diagram was changed by someone else; reload and retry.",
                                     headers=hdrs) from exc
        raise
    save_snapshot(item, author, restored_from)
    if content is not None or reuse is not None or dtype is not None:
        thumbnails.enqueue(item.diagram_id, version)  # issue 7: the picture may have changed
    return access.full(item, None, new_content)


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


# ------------------------------------------------------------------ trash
def trash_item(item: DiagramItem) -> None:
    stamp = iso()
    purge = int(now()) + access.TRASH_SECONDS
    try:
        item.update(actions=[
            DiagramItem.deleted_at.set(stamp), DiagramItem.expires_at.set(purge),
            DiagramItem.gsi1pk.set(f"DTRASH#{item.owner_id}"), DiagramItem.gsi1sk.set(f"{stamp}#{item.diagram_id}"),
            DiagramItem.gsi2pk.remove(), DiagramItem.gsi2sk.remove(),
            DiagramItem.gsi3pk.remove(), DiagramItem.gsi3sk.remove(),
        ], condition=DiagramItem.deleted_at.does_not_exist() & DiagramItem.pk.exists())
    except UpdateError as exc:
        if _conditional(exc):
            raise access.not_found() from exc
        raise
    expiry.mark_trashed(item.diagram_id, purge)


def restore_item(item: DiagramItem) -> None:
    if item.deleted_at is None:
        raise Conflict("The diagram is not in the trash.")
    folder_id = item.folder_id
    if folder_id and not folders.exists(item.owner_id, folder_id):
        folder_id = None  # its folder was deleted meanwhile: restore to the root
    keys = live_keys(item.owner_id, item.diagram_id, item.updated_at, item.created_at, item.title)
    expiry.clear_trashed(item.diagram_id)  # children first: a live head never has expiring children
    try:
        item.update(actions=[
            DiagramItem.deleted_at.remove(), DiagramItem.expires_at.remove(),
            DiagramItem.folder_id.set(folder_id) if folder_id else DiagramItem.folder_id.remove(),
            *(getattr(DiagramItem, k).set(v) for k, v in keys.items()),
        ], condition=DiagramItem.deleted_at.exists())
    except UpdateError as exc:
        if _conditional(exc):
            raise Conflict("The diagram is not in the trash.") from exc
        raise


def trash(user_id: str, diagram_id: str) -> None:
    item, _ = access.require(diagram_id, user_id, "owner")
    trash_item(item)


def restore(user_id: str, diagram_id: str) -> dict[str, Any]:
    item, _ = access.require(diagram_id, user_id, "owner", trashed="only")
    restore_item(item)
    return access.summary(item, "owner")


def purge(user_id: str, diagram_id: str) -> None:
    """Permanent delete: the head, its versions and collaborators (one partition), its share
    links (gsi1 DSHARES#<id>) and its S3 objects."""
    item, _ = access.require(diagram_id, user_id, "owner", trashed="ok")
    purge_item(item)


def purge_item(item: DiagramItem) -> None:
    pk = item.pk
    rows = list(VersionItem.query(pk, attributes_to_get=["pk", "sk"]))
    shares = list(ShareItem.gsi1.query(f"DSHARES#{item.diagram_id}"))
    with VersionItem.batch_write() as batch:
        for row in rows:
            if row.sk != "META":
                batch.delete(row)
        for share in shares:
            batch.delete(share)
    content_mod.delete_prefix(f"diagrams/{item.diagram_id}")
    item.delete()


# ------------------------------------------------------------------ copies and metadata
def duplicate(user_id: str, diagram_id: str) -> dict[str, Any]:
    item, role = access.require(diagram_id, user_id, "viewer")
    content = content_mod.load(item.content_inline, item.content_key)
    title = ("Copy of " + item.title)[:200]
    folder_id = item.folder_id if role == "owner" else None
    return _insert(user_id, user_id, title, item.dtype, content, folder_id, list(item.tags or []))


def set_star_item(item: DiagramItem, starred: bool) -> None:
    item.update(actions=[DiagramItem.starred.set(starred)], condition=DiagramItem.pk.exists())


def star(user_id: str, diagram_id: str, starred: bool) -> None:
    item, _ = access.require(diagram_id, user_id, "editor")
    set_star_item(item, starred)


def move_item(item: DiagramItem, folder_id: str | None) -> None:
    action = DiagramItem.folder_id.set(folder_id) if folder_id else DiagramItem.folder_id.remove()
    item.update(actions=[action], condition=DiagramItem.pk.exists())


def move(user_id: str, diagram_id: str, folder_id: str | None) -> dict[str, Any]:
    item, role = access.require(diagram_id, user_id, "owner")
    if folder_id is not None:
        folders.require_folder(user_id, folder_id, field="folder_id")
    move_item(item, folder_id)
    return access.summary(item, role)


def add_tags_item(item: DiagramItem, tags: list[str]) -> None:
    merged = normalize_tags(list(item.tags or []) + tags)
    if len(merged) > 20:
        raise ValidationFailed("tags: a diagram has at most 20 tags.")
    content = content_mod.load(item.content_inline, item.content_key)
    item.update(actions=[DiagramItem.tags.set(merged),
                         DiagramItem.search_text.set(content_mod.search_text(item.title, merged, content))],
                condition=DiagramItem.pk.exists())


BULK_NEEDS = {"delete": "owner", "restore": "owner", "move": "owner", "star": "editor", "unstar": "editor",
              "tag": "editor"}


def bulk(user_id: str, action: str, ids: list[str], folder_id: str | None, tags: list[str] | None) -> dict[str, Any]:
    if action == "move" and folder_id is not None:
        folders.require_folder(user_id, folder_id, field="folder_id")
    if action == "tag":
        if not tags:
            raise ValidationFailed("tags: required for the tag action.")
        tags = normalize_tags(tags)
    unique = list(dict.fromkeys(i for i in ids if i and len(i) <= 64))
    found = {d.diagram_id: d for d in DiagramItem.batch_get([DiagramItem.key(i) for i in unique])} if unique else {}
    results = []
    for diagram_id in ids:
        item = found.get(diagram_id)
        try:
            if item is None or access.expired(item):
                raise access.not_found()
            trashed_ok = action in ("restore",)
            if access.is_trashed(item) and (not trashed_ok or item.owner_id != user_id):
                raise access.not_found()
            role = access.role_of(item, user_id)
            access.check_role(role, BULK_NEEDS[action])
            if action == "delete":
                trash_item(item)
            elif action == "restore":
                restore_item(item)
            elif action == "move":
                move_item(item, folder_id)
            elif action in ("star", "unstar"):
                set_star_item(item, action == "star")
            elif action == "tag":
                add_tags_item(item, tags or [])
            results.append({"id": diagram_id, "status": "ok"})
        except NotFound:
            results.append({"id": diagram_id, "status": "not_found"})
        except AppError as exc:
            status = {403: "forbidden", 409: "conflict"}.get(exc.status, "conflict")
            if isinstance(exc, (ValidationFailed, BadRequest)):
                status = "conflict"
            results.append({"id": diagram_id, "status": status, "detail": exc.detail})
    return {"action": action, "results": results}
