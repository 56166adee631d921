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


# ------------------------------------------------------------------ failure counters
# Limits on failed attempts (sign-in, share passwords): look before the attempt, count only
# failures. Same fixed windows and items as `hit`, so one TTL sweeps both.

def _window(window_seconds: int) -> tuple[float, int]:
    t = now()
    return t, int(t // window_seconds * window_seconds)


def failures(bucket: str, subject: str, *, window_seconds: int) -> tuple[int, int]:
    """Failures counted in the current window, and the seconds until it ends."""
    from pynamodb.exceptions import DoesNotExist

    t, start = _window(window_seconds)
    try:
        item = RateWindow.get(f"RATE#{bucket}#{subject}", str(start), consistent_read=True)
    except DoesNotExist:
        return 0, 0
    return int(item.hits or 0), int(start + window_seconds - t) + 1


def guard(bucket: str, subject: str, *, limit: int, window_seconds: int, detail: str) -> None:
    """Raise 429 with Retry-After while `subject` has `limit` or more failures in the window."""
    count, retry_after = failures(bucket, subject, window_seconds=window_seconds)
    if count >= limit:
        raise TooManyRequests(detail, retry_after=retry_after)


def add_failure(bucket: str, subject: str, *, window_seconds: int) -> int:
    _, start = _window(window_seconds)
    item = RateWindow(f"RATE#{bucket}#{subject}", str(start))
    item.update(actions=[RateWindow.hits.add(1), RateWindow.expires_at.set(start + 2 * window_seconds)])
    return int(item.hits)


def forgive(bucket: str, subject: str, *, window_seconds: int) -> None:
    """A success clears the subject's failures in the current window."""
    _, start = _window(window_seconds)
    RateWindow(f"RATE#{bucket}#{subject}", str(start)).delete()
