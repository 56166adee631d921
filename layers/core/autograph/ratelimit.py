"""Fixed-window rate limits kept in DynamoDB: one atomic ADD per request, expired by TTL.

Used for public routes (per source IP). A window item is `RATE#<bucket>#<subject>` / `<window start>`.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from .clock import now
from .errors import TooManyRequests
from .store.base import TableModel


class RateWindow(TableModel):
    hits = NumberAttribute(default=0)


def hit(bucket: str, subject: str, *, limit: int, window_seconds: int) -> int:
    """Count one request; raise 429 with Retry-After once `limit` is exceeded in the window."""
    t = now()
    start = int(t // window_seconds * window_seconds)
    item = RateWindow(f"RATE#{bucket}#{subject}", str(start))
    item.update(actions=[RateWindow.hits.add(1), RateWindow.expires_at.set(start + 2 * window_seconds)])
    if item.hits > limit:
        raise TooManyRequests(
            f"Rate limit of {limit} requests per {window_seconds} s exceeded; slow down.",
            retry_after=int(start + window_seconds - t) + 1,
        )
    return int(item.hits)
