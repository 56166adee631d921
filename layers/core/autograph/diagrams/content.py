"""Diagram content: limits, cross-shape canvas rules, search text, and where the bytes live.

- Limits: mermaid <= 100 KB, note <= 1 MB, canvas <= 5,000 shapes and <= 5 MB of JSON (413).
  Which parts a type may carry: mermaid -> {mermaid}, canvas -> {canvas}, note -> {note},
  mixed -> any (422 otherwise). Canvas: unique ids, `start`/`end`/`parent_id` must name shapes of
  the same canvas, a parent must be a `frame`, `points` only on arrow/line/freehand (422).
- Storage: the canonical JSON (sorted keys, compact) stays inline in the item when it is at most
  INLINE_MAX bytes, else it goes to the diagrams bucket under a fresh random key. Objects are
  immutable and never overwritten, so a head and its version snapshot can share one.
- Search text: lower-cased title, tags and the content's text (mermaid source, note, shape texts),
  bounded to SEARCH_MAX characters, matched with `contains` by list queries.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from ..config import get_settings
from ..errors import PayloadTooLarge, ValidationFailed
from ..store import blobs
from .schema import Content

MERMAID_MAX = 100 * 1024
NOTE_MAX = 1024 * 1024
CANVAS_MAX_BYTES = 5 * 1024 * 1024
CANVAS_MAX_SHAPES = 5000
INLINE_MAX = 64 * 1024
SEARCH_MAX = 8 * 1024
# Trash tagging: the DiagramsBucket lifecycle rule expires tagged objects after TAG_EXPIRY_DAYS
# (> the 30-day trash TTL, so an object never goes before the item pointing at it).
TRASH_TAG_KEY = "autograph-trashed"
TRASH_TAG_VALUE = "true"
TAG_EXPIRY_DAYS = 31

ALLOWED_PARTS = {
    "mermaid": {"mermaid"},
    "canvas": {"canvas"},
    "note": {"note"},
    "mixed": {"mermaid", "canvas", "note"},
}
POINT_TYPES = {"arrow", "line", "freehand"}
BINDING_TYPES = {"arrow", "line"}


def to_dict(content: Content | dict[str, Any] | None) -> dict[str, Any]:
    """The stored form: only the parts and fields the client set."""
    if content is None:
        return {}
    if isinstance(content, Content):
        return content.model_dump(exclude_unset=True, exclude_none=False)
    return dict(content)


def default_content(dtype: str) -> dict[str, Any]:
    return {"mermaid": {"mermaid": ""}, "canvas": {"canvas": {"shapes": []}},
            "note": {"note": ""}, "mixed": {}}[dtype]


def _canvas_rules(canvas: dict[str, Any]) -> None:
    shapes = canvas.get("shapes") or []
    if len(shapes) > CANVAS_MAX_SHAPES:
        raise PayloadTooLarge(f"The canvas has {len(shapes)} shapes; the limit is {CANVAS_MAX_SHAPES}.")
    by_id: dict[str, dict[str, Any]] = {}
    for index, shape in enumerate(shapes):
        sid = shape["id"]
        if sid in by_id:
            raise ValidationFailed(f"content.canvas.shapes[{index}]: duplicate shape id {sid!r}.")
        by_id[sid] = shape
    for index, shape in enumerate(shapes):
        where = f"content.canvas.shapes[{index}] ({shape['id']!r})"
        if shape.get("points") is not None and shape["type"] not in POINT_TYPES:
            raise ValidationFailed(f"{where}: only arrow, line and freehand shapes have points.")
        for end in ("start", "end"):
            target = shape.get(end)
            if target is None:
                continue
            if shape["type"] not in BINDING_TYPES:
                raise ValidationFailed(f"{where}: only arrows and lines bind {end!r} to a shape.")
            if target not in by_id:
                raise ValidationFailed(f"{where}: {end!r} binds to {target!r}, which is not on the canvas.")
        parent = shape.get("parent_id")
        if parent is not None:
            if parent not in by_id:
                raise ValidationFailed(f"{where}: parent_id {parent!r} is not on the canvas.")
            if by_id[parent]["type"] != "frame":
                raise ValidationFailed(f"{where}: parent_id {parent!r} is not a frame.")
            if parent == shape["id"]:
                raise ValidationFailed(f"{where}: a shape cannot be its own parent.")


def check(dtype: str, content: dict[str, Any]) -> None:
    """Every rule a stored content must satisfy; raises 413/422 before anything is written."""
    extra = {k for k, v in content.items() if v is not None} - ALLOWED_PARTS[dtype]
    if extra:
        raise ValidationFailed(f"A {dtype} diagram cannot carry content.{sorted(extra)[0]}.")
    mermaid = content.get("mermaid")
    if mermaid is not None and len(mermaid.encode()) > MERMAID_MAX:
        raise PayloadTooLarge(f"content.mermaid exceeds {MERMAID_MAX // 1024} KB.")
    note = content.get("note")
    if note is not None and len(note.encode()) > NOTE_MAX:
        raise PayloadTooLarge(f"content.note exceeds {NOTE_MAX // 1024} KB.")
    canvas = content.get("canvas")
    if canvas is not None:
        _canvas_rules(canvas)
        if len(encode({"c": canvas})) > CANVAS_MAX_BYTES:
            raise PayloadTooLarge(f"content.canvas exceeds {CANVAS_MAX_BYTES // (1024 * 1024)} MB.")


def encode(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def search_text(title: str, tags: list[str], content: dict[str, Any]) -> str:
    parts = [title, " ".join(tags)]
    if content.get("mermaid"):
        parts.append(content["mermaid"])
    if content.get("note"):
        parts.append(content["note"][: SEARCH_MAX * 2])
    canvas = content.get("canvas") or {}
    parts.extend(s["text"] for s in canvas.get("shapes") or [] if s.get("text"))
    return "\n".join(parts).lower()[:SEARCH_MAX]


# ------------------------------------------------------------------ storage
@dataclass(frozen=True)
class Stored:
    inline: str | None
    key: str | None
    size: int


def store(prefix: str, content: dict[str, Any]) -> Stored:
    """Inline when small, else a new immutable S3 object under `prefix`."""
    raw = encode(content)
    if len(raw) <= INLINE_MAX:
        return Stored(inline=raw.decode(), key=None, size=len(raw))
    key = f"{prefix}/{secrets.token_hex(12)}.json"
    blobs.put(get_settings().diagrams_bucket, key, raw, "application/json")
    return Stored(inline=None, key=key, size=len(raw))


def load(inline: str | None, key: str | None) -> dict[str, Any]:
    if inline is not None:
        return json.loads(inline)
    if key:
        blob = blobs.get(get_settings().diagrams_bucket, key)
        if blob is None:  # objects are immutable and outlive their items: a lost one is a fault
            raise LookupError(f"diagram content {key} is missing from the diagrams bucket")
        return json.loads(blob.data)
    return {}


def discard(stored: Stored) -> None:
    """Drop an object written for a write that lost its race."""
    if stored.key:
        blobs.delete(get_settings().diagrams_bucket, stored.key)


def delete_prefix(prefix: str) -> int:
    """Every current object under `prefix/` (the bucket's lifecycle removes older versions)."""
    return blobs.delete_under(get_settings().diagrams_bucket, prefix + "/")


# ------------------------------------------------------------------ trash tagging
def _object_keys(diagram_id: str) -> list[str]:
    return list(blobs.keys_under(get_settings().diagrams_bucket, f"diagrams/{diagram_id}/"))


def tag_trashed(diagram_id: str) -> int:
    """Tag every object under `diagrams/<id>/` so the bucket lifecycle expires it."""
    return blobs.tag(get_settings().diagrams_bucket, _object_keys(diagram_id), {TRASH_TAG_KEY: TRASH_TAG_VALUE})


def untag_trashed(diagram_id: str) -> int:
    """Remove the trash tag from every object under `diagrams/<id>/` (restore)."""
    return blobs.untag(get_settings().diagrams_bucket, _object_keys(diagram_id))
