"""Routes: the caller's audit log of auth events, newest first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...http.pagination import Page, page_out
from ...http.params import Paging
from .. import audit
from ..schema import AuditOut
from .common import Person

router = APIRouter(tags=["auth"])


@router.get("/v1/auth/audit", response_model=Page[AuditOut])
def audit_log(caller: Person, page: Paging) -> dict[str, Any]:
    return page_out(*audit.page(caller.user_id, page.limit, page.cursor))
