"""Thumbnails, the worker side: render a diagram head's content to a 256x256 PNG, store it at
`thumbs/<diagram_id>/<version>.png` and move the head's pointer only forward (see thumbnails)."""

from __future__ import annotations

import io
from typing import Any

from ..diagrams import access
from ..diagrams import content as content_mod
from ..render import InvalidDiagram, RenderError
from ..store import thumbnails as store
from . import formats, objects, worker
from .thumbnails import BACKGROUND, PADDING, SIZE


def render(source: str | dict[str, Any]) -> bytes:
    """The picture fitted into SIZE-2*PADDING and centred on a SIZE x SIZE light canvas."""
    from PIL import Image  # Pillow only where thumbnails are drawn (cold-start cost)

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
