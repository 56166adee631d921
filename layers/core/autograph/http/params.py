"""Request parameters every router shares: the caller, paging, Idempotency-Key and If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from .pagination import PageParams, page_params
from .principal import Principal, current_principal

Caller = Annotated[Principal, Depends(current_principal)]
Paging = Annotated[PageParams, Depends(page_params)]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]
IDEMPOTENCY_KEY_MAX = 255  # enforced by http.idempotency, documented by http.openapi
IfMatch = Annotated[str | None, Header(alias="If-Match", description='The ETag you read, e.g. "3"')]
