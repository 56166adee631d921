"""Time in one place, so domain rules (windows, expiry) can be tested with a fixed clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now() -> float:
    return time.time()


def iso(ts: float | None = None) -> str:
    """UTC ISO-8601 with milliseconds and a Z: sortable as a string."""
    moment = datetime.fromtimestamp(now() if ts is None else ts, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
