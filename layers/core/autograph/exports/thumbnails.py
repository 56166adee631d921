"""Diagram thumbnails: a 256x256 PNG (fit, padded, light background) per content change.

- Creating a diagram or changing its content (update, version restore, import, duplicate)
  enqueues `{"kind": "thumbnail", "diagram_id", "version"}` on the render queue (best effort:
  the diagram write already happened, so a failed send is logged and counted, never raised).
- The worker renders the head's current content through the render cache, stores it at
  `thumbs/<diagram_id>/<version>.png` and moves the head's pointer only forward, so a thumbnail
  for an older version never replaces a newer one.
- `thumbnail_url` on diagrams is a presigned GET (computed locally, no network call).
"""

from __future__ import annotations

import io
from typing import Any

from ..aws import client
from ..config import get_settings
from . import formats, objects

SIZE = 256
PADDING = 12
BACKGROUND = "#f8fafc"
URL_TTL_SECONDS = 3600


def enqueue(diagram_id: str, version: int) -> None:
    if not get_settings().render_queue_url:
        return  # no queue configured (unit tests of the diagrams domain)
    try:
        objects.enqueue({"kind": "thumbnail", "diagram_id": diagram_id, "version": int(version)})
    except Exception:  # the diagram write succeeded; a missing thumbnail must not fail it
        from ..observability import count, logger

        logger.exception("thumbnail enqueue failed", extra={"diagram_id": diagram_id})
        count("ThumbnailEnqueueFailed")


def url(key: str | None) -> str | None:
    if not key:
        return None
    return client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().exports_bucket, "Key": key}, ExpiresIn=URL_TTL_SECONDS)


def render(source: str | dict[str, Any]) -> bytes:
    """The picture fitted into SIZE-2*PADDING and centred on a SIZE x SIZE light canvas."""
    from PIL import Image

    from . import worker

    inner = SIZE - 2 * PADDING
    data, _ = worker.render_cached(source, "png", {"max_width": inner, "max_height": inner,
                                                   "background": BACKGROUND, "padding": 0})
    picture = Image.open(io.BytesIO(data)).convert("RGB")
    picture.thumbnail((inner, inner), Image.Resampling.LANCZOS)  # never upscale; fit within the box
    canvas = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    canvas.paste(picture, ((SIZE - picture.width) // 2, (SIZE - picture.height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def run(diagram_id: str, version: int) -> str:
    """Worker side. Returns done | stale | skipped | failed."""
    from ..diagrams import access
    from ..diagrams import content as content_mod
    from ..render import InvalidDiagram, RenderError
    from ..store import thumbnails as store

    item = access.head(diagram_id)
    if item is None or item.deleted_at is not None:
        return "skipped"
    if int(item.version) > version:
        return "stale"  # a newer version's message is (or was) on its way
    if item.thumbnail_version is not None and int(item.thumbnail_version) >= int(item.version):
        return "skipped"  # redelivered: already drawn
    try:
        source = formats.picture_input(item.dtype, content_mod.load(item.content_inline, item.content_key))
        png = render(source)
    except (formats.NoPicture, InvalidDiagram, RenderError):
        return "failed"  # nothing to draw, or a source that does not render: no thumbnail
    key = f"thumbs/{diagram_id}/{int(item.version)}.png"
    objects.put(key, png, "image/png")
    previous = item.thumbnail_key
    if not store.set_if_newer(diagram_id, int(item.version), key):
        objects.delete(key)
        return "stale"
    if previous and previous != key:
        objects.delete(previous)
    return "done"
