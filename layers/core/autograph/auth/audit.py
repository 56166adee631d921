"""The per-user audit log of auth events, newest first."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .. import clock
from ..store import audit as store

RETENTION_SECONDS = 365 * 24 * 3600

EVENTS = frozenset({
    "register", "login_ok", "login_failed", "login_throttled", "refresh", "refresh_reuse_detected",
    "logout", "logout_all", "password_reset_requested", "password_reset_done",
    "api_key_created", "api_key_revoked", "password_changed", "password_change_failed",
})


@dataclass(frozen=True)
class Origin:
    source_ip: str | None = None
    user_agent: str | None = None


def record(user_id: str, event: str, origin: Origin, detail: str | None = None) -> None:
    if event not in EVENTS:  # a typo must not silently start a new kind of event
        raise ValueError(f"unknown audit event {event!r}")
    store.append(user_id, store.AuditEntry(event=event, at=clock.iso(), source_ip=origin.source_ip,
                                           user_agent=origin.user_agent, detail=detail),
                 expires_at=int(clock.now()) + RETENTION_SECONDS)


def page(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    entries, last = store.page(user_id, limit, cursor)
    return [asdict(e) for e in entries], last
