"""Data access for the per-user audit log: one item per event, newest first by querying backwards,
expired by TTL. Key formats live in `auth_models`; which events exist is `autograph.auth.audit`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from .auth_models import AuditEvent, user_partition
from .base import query_page


@dataclass(frozen=True)
class AuditEntry:
    event: str
    at: str
    source_ip: str | None
    user_agent: str | None
    detail: str | None


def append(user_id: str, entry: AuditEntry, expires_at: int) -> None:
    # The random suffix keeps two events of the same millisecond apart.
    AuditEvent(*AuditEvent.key(user_id, entry.at, secrets.token_hex(4)), event=entry.event, at=entry.at,
               source_ip=entry.source_ip, user_agent=entry.user_agent, detail=entry.detail,
               expires_at=expires_at).save()


def page(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[AuditEntry], Any]:
    """Up to `limit` events, newest first, and the key to continue after (None at the end)."""
    events, last = query_page(AuditEvent.query(
        user_partition(user_id), AuditEvent.sk.startswith(AuditEvent.SK_PREFIX), scan_index_forward=False,
        limit=limit, last_evaluated_key=cursor))
    return [AuditEntry(event=e.event, at=e.at, source_ip=e.source_ip, user_agent=e.user_agent, detail=e.detail)
            for e in events], last
