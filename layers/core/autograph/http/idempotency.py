"""`Idempotency-Key` for POSTs that create things, on Powertools Idempotency (DynamoDB).

The key is scoped to the caller and the route; the request body is hashed into the record, so the
same key with a different body is a 422 instead of a silent replay. Failed attempts are not
remembered (Powertools deletes the record when the function raises), so a retry can succeed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from ..errors import Conflict, IdempotencyKeyReused, ValidationFailed
from ..store.idempotency import persistence_layer
from .app import invocation_context
from .params import IDEMPOTENCY_KEY_MAX

KEY_MAX = IDEMPOTENCY_KEY_MAX
EXPIRES_AFTER = 24 * 3600


def run(
    key: str | None, *, scope: str, payload: Any, produce: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run `produce` once per (scope, key); replays return the first result."""
    if not key:
        return produce()
    if len(key) > KEY_MAX:
        raise ValidationFailed(f"Idempotency-Key must be at most {KEY_MAX} characters.")
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="[scope, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=EXPIRES_AFTER,
        use_local_cache=False,
    )
    lambda_context = invocation_context.get()  # set by the handler for this invocation
    if lambda_context is not None:  # lets Powertools expire in-progress records with the invocation
        config.register_lambda_context(lambda_context)
    body_hash = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    @idempotent_function(data_keyword_argument="request", config=config,
                         persistence_store=persistence_layer())
    def _once(request: dict[str, Any]) -> dict[str, Any]:
        return produce()

    try:
        return _once(request={"scope": scope, "key": key, "body": body_hash})
    except IdempotencyValidationError as exc:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request body.") from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict("A request with this Idempotency-Key is still in progress; retry shortly.") from exc


def run_for_id(
    key: str | None, *, scope: str, payload: Any, create: Callable[[], tuple[str, dict[str, Any]]],
    replay: Callable[[str], dict[str, Any]],
) -> dict[str, Any]:
    """`run` for creates whose result must not be stored (large, or holding a secret): the record
    keeps only the new id. The first call answers `create()`'s result; a replay answers
    `replay(id)` (re-read the resource, or mint a fresh secret for it)."""
    first: dict[str, Any] = {}

    def produce() -> dict[str, Any]:
        new_id, first["result"] = create()
        return {"id": new_id}

    ref = run(key, scope=scope, payload=payload, produce=produce)
    return first["result"] if "result" in first else replay(ref["id"])
