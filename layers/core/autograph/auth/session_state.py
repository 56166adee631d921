"""Per-user session state as the authorizer sees it, cached briefly per container.

An access token is a self-contained JWT, so revoking it needs a per-user "sessions valid after"
(epoch ms) that the authorizer compares with the token's issue time, and a check that the user
still exists. One GetItem per user, cached for `auth_state_cache_seconds`: an authorizer
container may accept a revoked token for at most that long. Writers in the same process forget
their entry at once (locally every function shares one process, so there it is immediate).
"""

from __future__ import annotations

import threading
import time

from ..config import get_settings
from ..store import users

_lock = threading.Lock()
_cache: dict[str, tuple[float, users.AuthState]] = {}
_MAX_ENTRIES = 10_000  # a warm authorizer sees many users; keep memory bounded


def _monotonic() -> float:
    return time.monotonic()


def lookup(user_id: str) -> users.AuthState:
    ttl = get_settings().auth_state_cache_seconds
    t = _monotonic()
    with _lock:
        hit = _cache.get(user_id)
        if hit and hit[0] > t:
            return hit[1]
    state = users.auth_state(user_id)
    if ttl > 0:
        with _lock:
            if len(_cache) >= _MAX_ENTRIES:
                _cache.clear()
            _cache[user_id] = (t + ttl, state)
    return state


def forget(user_id: str) -> None:
    with _lock:
        _cache.pop(user_id, None)


def reset() -> None:
    with _lock:
        _cache.clear()
