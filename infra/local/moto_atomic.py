"""Make the moto stand-in's DynamoDB atomic per request, as DynamoDB is.

moto's DynamoDB backend has no locking: under the threaded server two conditional writes can both
pass `version = 1` before either applies (two winners), and a reader can see an UpdateItem half
applied. The code relies on DynamoDB's guarantees, so the local stack gives moto the same (for `make
local` and the tests alike): one lock around each backend operation (each costs well under a
millisecond)."""

from __future__ import annotations

import functools
import threading
from typing import Any

_LOCK = threading.RLock()
_OPERATIONS = ("put_item", "get_item", "query", "scan", "update_item", "delete_item", "transact_write_items")


def serialize_dynamodb() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in _OPERATIONS:
        method = getattr(DynamoDBBackend, name)
        if getattr(method, "_atomic", False):
            continue

        def wrapped(self: Any, *args: Any, __method: Any = method, **kwargs: Any) -> Any:
            with _LOCK:
                return __method(self, *args, **kwargs)

        functools.update_wrapper(wrapped, method)
        wrapped._atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, wrapped)
