"""Diagram thumbnails: a 256x256 PNG (fit, padded, light background) per content change.

- Creating a diagram or changing its content (update, version restore, import, duplicate)
  enqueues `{"kind": "thumbnail", "diagram_id", "version"}` on the render queue (best effort:
  the diagram write already happened, so a failed send is logged and counted, never raised).
- The worker renders the head's current content through the render cache, stores it at
  `thumbs/<diagram_id>/<version>.png` and moves the head's pointer only forward, so a thumbnail
  for an older version never replaces a newer one.
- `thumbnail_url` on diagrams is a presigned GET (computed locally, no network call).

This module is the API side (imported by the diagrams domain); the worker side, which renders,
is `thumbnail_jobs`, so the API functions never import the export worker.
"""

from __future__ import annotations

from ..config import get_settings
from ..observability import count, logger
from ..store import blobs
from . import objects

SIZE = 256
PADDING = 12
BACKGROUND = "#f8fafc"
URL_TTL_SECONDS = 3600


def enqueue(diagram_id: str, version: int) -> None:
    try:
        objects.enqueue({"kind": "thumbnail", "diagram_id": diagram_id, "version": int(version)})
    except Exception:  # the diagram write succeeded; a missing thumbnail must not fail it
        logger.exception("thumbnail enqueue failed", extra={"diagram_id": diagram_id})
        count("ThumbnailEnqueueFailed")


def url(key: str | None) -> str | None:
    if not key:
        return None
    return blobs.download_url(get_settings().exports_bucket, key, URL_TTL_SECONDS)
