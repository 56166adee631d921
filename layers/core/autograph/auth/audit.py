"""The per-user audit log of auth events, newest first."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from ..clock import iso, now
from ..store.auth_models import AuditEvent

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
    assert event in EVENTS, event
    at = iso()
    AuditEvent(
        f"USER#{user_id}", f"AUDIT#{at}#{secrets.token_hex(4)}",
        event=event, at=at, source_ip=origin.source_ip, user_agent=origin.user_agent,
        detail=detail, expires_at=int(now()) + RETENTION_SECONDS,
    ).save()


def page(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    result = AuditEvent.query(
        f"USER#{user_id}", AuditEvent.sk.startswith("AUDIT#"), scan_index_forward=False,
        limit=limit, last_evaluated_key=cursor,
    )
    items = [
        {"event": e.event, "at": e.at, "source_ip": e.source_ip, "user_agent": e.user_agent,
         "detail": e.detail}
        for e in result
    ]
    return items, result.last_evaluated_key
