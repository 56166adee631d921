"""A circuit breaker per provider, its state shared by every Lambda instance (DynamoDB).

closed -> open after `threshold` consecutive failures; open -> half-open once the cool-down has
passed, when exactly one caller wins a conditional write and probes; a success closes it, a
failure opens it for another cool-down. The state store is injectable (tests use memory).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

from .. import clock as wall_clock


class BreakerStore(Protocol):
    def read(self, provider: str) -> dict[str, Any]: ...
    def failure(self, provider: str, now: float, threshold: int, cooldown: int) -> dict[str, Any]: ...
    def success(self, provider: str) -> None: ...
    def claim_probe(self, provider: str, now: float, cooldown: int) -> bool: ...


class MemoryBreakerStore:
    """Process-local state: unit tests, and the fallback when no table is configured."""

    def __init__(self) -> None:
        self._state: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def read(self, provider: str) -> dict[str, Any]:
        return dict(self._state.get(provider, {"failures": 0, "open_until": None}))

    def failure(self, provider: str, now: float, threshold: int, cooldown: int) -> dict[str, Any]:
        with self._lock:
            s = self._state.setdefault(provider, {"failures": 0, "open_until": None})
            s["failures"] += 1
            if s["failures"] >= threshold:
                s["open_until"] = now + cooldown
            return dict(s)

    def success(self, provider: str) -> None:
        with self._lock:
            self._state[provider] = {"failures": 0, "open_until": None}

    def claim_probe(self, provider: str, now: float, cooldown: int) -> bool:
        with self._lock:
            s = self._state.setdefault(provider, {"failures": 0, "open_until": None})
            if s["open_until"] is not None and s["open_until"] <= now:
                s["open_until"] = now + cooldown  # others keep seeing it open while we probe
                return True
            return False


class Breaker:
    def __init__(self, store: BreakerStore, threshold: int, cooldown: int,
                 clock: Callable[[], float] | None = None) -> None:
        self.store, self.threshold, self.cooldown = store, threshold, cooldown
        # The shared clock, read at each call (tests that move autograph.clock move this too).
        self.clock = clock or (lambda: wall_clock.now())
        self._seen: dict[str, dict[str, Any]] = {}  # state read by allow() in this request

    def state(self, provider: str) -> str:
        s = self.store.read(provider)
        if s.get("open_until") is None:
            return "closed"
        return "open" if s["open_until"] > self.clock() else "half-open"

    def allow(self, provider: str) -> bool:
        s = self._seen[provider] = self.store.read(provider)
        if s.get("open_until") is None:
            return True
        if s["open_until"] > self.clock():
            return False
        return self.store.claim_probe(provider, self.clock(), self.cooldown)

    def record(self, provider: str, ok: bool) -> None:
        if ok:
            seen = self._seen.get(provider)
            if seen is None or seen.get("failures") or seen.get("open_until") is not None:
                self.store.success(provider)  # a clean breaker needs no write on every success
        else:
            self.store.failure(provider, self.clock(), self.threshold, self.cooldown)
