"""The single-table base model, its binding to the configured endpoint, and the few shapes every
data-access module repeats: a GetItem that may find nothing, a conditional put/update/delete
whose lost condition is an answer rather than a fault, a transaction likewise, and one page of a
Query whose cursor may be tampered with. Each module then says only its keys and conditions.

Key design (pk / sk, plus three generic GSIs) lives with each model module; the table itself is
declared in template.yaml and created by CloudFormation or by the local runner, never here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    PynamoDBException,
    QueryError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.pagination import ResultIterator
from pynamodb.transactions import TransactWrite

from ..aws import client, endpoint_url
from ..config import get_settings
from ..errors import BadRequest

_registry: list[type[Model]] = []
CONNECT_TIMEOUT_S, READ_TIMEOUT_S, MAX_RETRIES = 3, 10, 3
M = TypeVar("M", bound=Model)


def _bind(meta: Any) -> None:
    settings = get_settings()
    meta.table_name = settings.table_name
    meta.region = settings.region
    meta.host = endpoint_url()
    meta.connect_timeout_seconds = CONNECT_TIMEOUT_S
    meta.read_timeout_seconds = READ_TIMEOUT_S
    meta.max_retry_attempts = MAX_RETRIES


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


class InvalidCursor(BadRequest):
    """A list was asked to continue after a key that does not fit its partition or index (a
    tampered or foreign cursor): a 400 problem wherever it surfaces, with DynamoDB's reason kept
    for logs only."""

    def __init__(self, reason: str = "") -> None:
        super().__init__("The cursor is not valid for this list; start again without it.")
        self.reason = reason


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


@lru_cache(maxsize=4)
def _connection(region: str, host: str | None) -> Connection:
    """A low-level connection for transactions, bound like the models (public PynamoDB API; the
    models' own connection is private)."""
    return Connection(region=region, host=host, connect_timeout_seconds=CONNECT_TIMEOUT_S,
                      read_timeout_seconds=READ_TIMEOUT_S, max_retry_attempts=MAX_RETRIES)


def write_together(model: type[Model], build: Callable[[TransactWrite], None], attempts: int = 4) -> None:
    """One write transaction: every write `build` adds to it happens, or none does. DynamoDB
    cancels a transaction whose items another transaction holds even when its conditions would
    pass; that is retried after a short jittered pause, so a TransactWriteError reaching the
    caller means a failed condition (see `cancelled_by_condition`), throttling or a fault."""
    for attempt in range(1, attempts + 1):
        try:
            with TransactWrite(connection=_connection(model.Meta.region, model.Meta.host)) as tx:
                build(tx)
            return
        except TransactWriteError as exc:
            if attempt == attempts or not conflict_only(exc):
                raise
        time.sleep(random.uniform(0.01, 0.03) * attempt)  # let the other transaction finish


def write_together_if(model: type[Model], build: Callable[[TransactWrite], None]) -> bool:
    """`write_together`, False (nothing written) when a condition of any of its writes failed."""
    try:
        write_together(model, build)
    except TransactWriteError as exc:
        if cancelled_by_condition(exc):
            return False
        raise
    return True


# ------------------------------------------------------------------ single-item reads and writes
MAX_ID = 64  # longer ids cannot exist; answering "absent" saves the GetItem


def fits_id(ident: str | None) -> bool:
    """Could an item have this id? (Empty or overlong ids are absent without asking DynamoDB.)"""
    return ident is not None and 0 < len(ident) <= MAX_ID


def get_or_none(model: type[M], hash_key: str, range_key: str | None = None, *, consistent_read: bool = False,
                attributes_to_get: Sequence[str] | None = None) -> M | None:
    """One GetItem; None when there is no such item."""
    try:
        return model.get(hash_key, range_key, consistent_read=consistent_read, attributes_to_get=attributes_to_get)
    except DoesNotExist:
        return None


def _lost(write: Callable[[], object], error: type[PynamoDBException]) -> PynamoDBException | None:
    """Run one conditional write: None when it happened, its error when its condition failed.
    Any other failure (throttling, a fault) propagates."""
    try:
        write()
    except error as exc:
        if condition_failed(exc):
            return exc
        raise
    return None


def save_new(item: M, condition: Condition, ident: str) -> M:
    """PutItem on `condition` (typically: no item at this key yet); ConditionFailed(ident) when it
    fails. The item itself is returned as the stored record."""
    lost = _lost(lambda: item.save(condition=condition), PutError)
    if lost is not None:
        raise ConditionFailed(ident) from lost
    return item


def update_if(item: Model, actions: list[Action], condition: Condition) -> bool:
    """UpdateItem on `condition`; False (nothing changed) when it fails. On success PynamoDB has
    refreshed `item` from the ALL_NEW answer, so the caller may return it as the fresh record."""
    return _lost(lambda: item.update(actions=actions, condition=condition), UpdateError) is None


def update_or_fail(item: M, actions: list[Action], condition: Condition, ident: str) -> M:
    """`update_if` that raises ConditionFailed(ident) when the condition fails; the fresh record."""
    lost = _lost(lambda: item.update(actions=actions, condition=condition), UpdateError)
    if lost is not None:
        raise ConditionFailed(ident) from lost
    return item


def delete_if(item: Model, condition: Condition) -> bool:
    """DeleteItem on `condition`; False (nothing deleted) when it fails."""
    return _lost(lambda: item.delete(condition=condition), DeleteError) is None


def set_or_remove(attr: Attribute[Any], value: Any) -> Action:
    """SET the attribute to a truthy value; REMOVE it for None or an empty value."""
    return attr.set(value) if value else attr.remove()


def changes(*fields: tuple[Attribute[Any], Any]) -> list[Action]:
    """`set_or_remove` for each (attribute, value) whose value is not UNSET, in order."""
    return [set_or_remove(attr, value) for attr, value in fields if value is not UNSET]


def query_page(result: ResultIterator[M]) -> tuple[list[M], dict[str, Any] | None]:
    """Run a (lazy) Query or index query with a `limit`: its items and the key to continue after
    (None at the end). A cursor that does not fit the partition or index is InvalidCursor."""
    try:
        return list(result), result.last_evaluated_key
    except QueryError as exc:
        raise InvalidCursor(str(exc)) from exc


def rebind_all() -> None:
    """Point every model at the current settings (the local runner and tests call this)."""
    for model in _registry:
        _bind(model.Meta)
        model._connection = None  # PynamoDB keeps no public way to drop a model's connection
    _connection.cache_clear()


def probe_table() -> None:
    """Raise unless the application table answers (GET /v1/health): one DescribeTable."""
    client("dynamodb").describe_table(TableName=get_settings().table_name)
