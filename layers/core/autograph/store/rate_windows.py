"""Fixed-window counters on the app table: `RATE#<bucket>#<subject>` / `<window start>`, one
atomic ADD per count, expired by TTL. The window arithmetic and the 429s are autograph.ratelimit."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from .base import TableModel, get_or_none


class RateWindow(TableModel):
    hits = NumberAttribute(default=0)


def _key(bucket: str, subject: str, start: int) -> tuple[str, str]:
    return f"RATE#{bucket}#{subject}", str(start)


def add(bucket: str, subject: str, start: int, expires_at: int) -> int:
    """Add one to the window starting at `start` (created on first use); the new count."""
    item = RateWindow(*_key(bucket, subject, start))
    item.update(actions=[RateWindow.hits.add(1), RateWindow.expires_at.set(expires_at)])
    return int(item.hits)


def count(bucket: str, subject: str, start: int) -> int:
    """The window's count (0 when it has none), read consistently."""
    item = get_or_none(RateWindow, *_key(bucket, subject, start), consistent_read=True)
    return 0 if item is None else int(item.hits or 0)


def clear(bucket: str, subject: str, start: int) -> None:
    RateWindow(*_key(bucket, subject, start)).delete()
