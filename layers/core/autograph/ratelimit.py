"""Fixed-window rate limits: one atomic ADD per request, expired by TTL (the counters are
autograph.store.rate_windows). Used for public routes (per source IP) and per-user quotas."""

from __future__ import annotations

from . import clock
from .errors import TooManyRequests
from .store import rate_windows


def _window(window_seconds: int) -> tuple[float, int]:
    t = clock.now()
    return t, int(t // window_seconds * window_seconds)


def hit(bucket: str, subject: str, *, limit: int, window_seconds: int) -> int:
    """Count one request; raise 429 with Retry-After once `limit` is exceeded in the window."""
    t, start = _window(window_seconds)
    hits = rate_windows.add(bucket, subject, start, start + 2 * window_seconds)
    if hits > limit:
        raise TooManyRequests(
            f"Rate limit of {limit} requests per {window_seconds} s exceeded; slow down.",
            retry_after=int(start + window_seconds - t) + 1,
        )
    return hits


# ------------------------------------------------------------------ failure counters
# Limits on failed attempts (sign-in, share passwords): look before the attempt, count only
# failures. Same fixed windows and items as `hit`, so one TTL sweeps both.

def failures(bucket: str, subject: str, *, window_seconds: int) -> tuple[int, int]:
    """Failures counted in the current window, and the seconds until it ends."""
    t, start = _window(window_seconds)
    counted = rate_windows.count(bucket, subject, start)
    return (counted, int(start + window_seconds - t) + 1) if counted else (0, 0)


def guard(bucket: str, subject: str, *, limit: int, window_seconds: int, detail: str) -> None:
    """Raise 429 with Retry-After while `subject` has `limit` or more failures in the window."""
    count, retry_after = failures(bucket, subject, window_seconds=window_seconds)
    if count >= limit:
        raise TooManyRequests(detail, retry_after=retry_after)


def add_failure(bucket: str, subject: str, *, window_seconds: int) -> int:
    _, start = _window(window_seconds)
    return rate_windows.add(bucket, subject, start, start + 2 * window_seconds)


def forgive(bucket: str, subject: str, *, window_seconds: int) -> None:
    """A success clears the subject's failures in the current window."""
    _, start = _window(window_seconds)
    rate_windows.clear(bucket, subject, start)
