"""Cursor pagination: `?limit=` (default 50, max 200) and an opaque `next_cursor`.

The cursor is DynamoDB's LastEvaluatedKey, base64url-encoded. It can only move the start point
inside a partition the server already chose, so tampering cannot widen what a caller sees;
a malformed one is a 400.
"""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from ..errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(last_key, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def page_out(items: list[Any], last_key: dict[str, Any] | None) -> dict[str, Any]:
    """The `Page` envelope for one page of items and the store's key to continue after."""
    return {"items": items, "next_cursor": encode_cursor(last_key)}


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, json.JSONDecodeError) as exc:
        raise BadRequest("The cursor is not valid; start again without it.") from exc
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise BadRequest("The cursor is not valid; start again without it.")
    return value


class PageParams(BaseModel):
    limit: int
    cursor: dict[str, Any] | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="Opaque cursor from next_cursor")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=decode_cursor(cursor))
