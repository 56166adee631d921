"""The single-table base model and its binding to the configured endpoint.

Key design (pk / sk, plus three generic GSIs) lives with each model module; the table itself is
declared in template.yaml and created by CloudFormation or by the local runner, never here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ..aws import client, endpoint_url
from ..config import get_settings

_registry: list[type[Model]] = []


def _bind(meta: Any) -> None:
    settings = get_settings()
    meta.table_name = settings.table_name
    meta.region = settings.region
    meta.host = endpoint_url()
    meta.connect_timeout_seconds = 3
    meta.read_timeout_seconds = 10
    meta.max_retry_attempts = 3


class GSI1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class GSI3(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class TableModel(Model):
    """Base for every item on the application table. Subclasses set `pk`/`sk` prefixes."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    # Epoch seconds; the table's TTL attribute. DynamoDB deletes lazily, so readers still check it.
    expires_at = NumberAttribute(null=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _registry.append(cls)
        _bind(cls.Meta)


class ConditionFailed(Exception):
    """A conditional write or transaction lost (the item changed or is absent): the domain decides
    what that means (409, 412, 404, or "someone else already did it")."""


class InvalidCursor(Exception):
    """A list was asked to continue after a key that does not fit its partition or index (a
    tampered or foreign cursor); the domain answers 400."""


# "Leave this attribute as it is" in partial updates, where None means "remove it".
UNSET: Any = object()


def condition_failed(exc: Exception) -> bool:
    """Did this PynamoDB write error come from its failed condition (not throttling or a fault)?"""
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def cancelled_by_condition(exc: Exception, item: int | None = None) -> bool:
    """Was this TransactWriteError cancelled by a failed condition (of the `item`-th write, if
    given)? Cancellation reasons are listed per item; a stand-in that lists none is taken at its
    word that the transaction was cancelled."""
    if getattr(exc, "cause_response_code", None) != "TransactionCanceledException":
        return False
    reasons = getattr(exc, "cancellation_reasons", None) or []
    if not any(reasons):
        return item is None
    failed = [i for i, r in enumerate(reasons) if r is not None and r.code == "ConditionalCheckFailed"]
    return bool(failed) if item is None else item in failed


def conflict_only(exc: Exception) -> bool:
    """Was this transaction cancelled only because another transaction held its items
    (TransactionConflict), so that trying again may well succeed?"""
    if getattr(exc, "cause_response_code", None) != "TransactionCanceledException":
        return False
    codes = {r.code for r in getattr(exc, "cancellation_reasons", None) or [] if r is not None}
    return codes == {"TransactionConflict"}


def write_together(model: type[Model], build: Callable[[TransactWrite], None], attempts: int = 4) -> None:
    """One write transaction: every write `build` adds to it happens, or none does. DynamoDB
    cancels a transaction whose items another transaction holds even when its conditions would
    pass; that is retried after a short jittered pause, so a TransactWriteError reaching the
    caller means a failed condition (see `cancelled_by_condition`), throttling or a fault."""
    for attempt in range(1, attempts + 1):
        try:
            with TransactWrite(connection=model._get_connection().connection) as tx:
                build(tx)
            return
        except TransactWriteError as exc:
            if attempt == attempts or not conflict_only(exc):
                raise
        time.sleep(random.uniform(0.01, 0.03) * attempt)  # let the other transaction finish


def rebind_all() -> None:
    """Point every model at the current settings (the local runner and tests call this)."""
    for model in _registry:
        _bind(model.Meta)
        model._connection = None


def probe_table() -> None:
    """Raise unless the application table answers (GET /v1/health): one DescribeTable."""
    client("dynamodb").describe_table(TableName=get_settings().table_name)
