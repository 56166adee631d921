"""How the store reads a cancelled DynamoDB transaction, and the retry of transactions that only
lost to a concurrent one (real PynamoDB exceptions, no stack)."""

from __future__ import annotations

from typing import Any

import pytest
from autograph.store import base
from autograph.store.auth_models import UserItem
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError


def _cancelled(*codes: str | None) -> TransactWriteError:
    cause = VerboseClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
                               "TransactWriteItems",
                               cancellation_reasons=[CancellationReason(code=c) if c else None for c in codes])
    return TransactWriteError("cancelled", cause=cause)


def _throttled() -> TransactWriteError:
    cause = VerboseClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
                               "TransactWriteItems")
    return TransactWriteError("throttled", cause=cause)


def test_cancelled_by_condition_names_the_item_that_failed() -> None:
    exc = _cancelled("ConditionalCheckFailed", None, None)
    assert base.cancelled_by_condition(exc) and base.cancelled_by_condition(exc, item=0)
    assert not base.cancelled_by_condition(exc, item=2)
    conflict = _cancelled(None, "TransactionConflict", None)
    assert not base.cancelled_by_condition(conflict) and not base.cancelled_by_condition(conflict, item=1)
    silent = _cancelled()  # a stand-in that lists no reasons: cancelled, but which item is unknown
    assert base.cancelled_by_condition(silent) and not base.cancelled_by_condition(silent, item=0)
    assert not base.cancelled_by_condition(_throttled())


def test_conflict_only_means_nothing_but_concurrent_transactions() -> None:
    assert base.conflict_only(_cancelled(None, "TransactionConflict"))
    assert not base.conflict_only(_cancelled("ConditionalCheckFailed", "TransactionConflict"))
    assert not base.conflict_only(_cancelled()) and not base.conflict_only(_throttled())


class _Tx:
    """Stands in for pynamodb's TransactWrite: fails its commit with the queued errors in turn."""

    errors: list[Exception] = []
    commits = 0

    def __init__(self, connection: Any) -> None:
        self.writes: list[str] = []

    def __enter__(self) -> _Tx:
        return self

    def __exit__(self, *exc: object) -> None:
        if _Tx.errors:
            raise _Tx.errors.pop(0)
        _Tx.commits += 1

    def save(self, item: str) -> None:
        self.writes.append(item)


@pytest.fixture
def tx(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    pauses: list[float] = []
    monkeypatch.setattr(base, "TransactWrite", _Tx)
    monkeypatch.setattr(base.time, "sleep", pauses.append)
    _Tx.errors, _Tx.commits = [], 0
    return pauses


def test_a_transaction_that_lost_to_another_is_retried(tx: list[float]) -> None:
    _Tx.errors = [_cancelled("TransactionConflict"), _cancelled(None, "TransactionConflict")]
    built = []
    base.write_together(UserItem, lambda t: built.append(t.save("item")))
    assert _Tx.commits == 1 and len(built) == 3 and len(tx) == 2


@pytest.mark.parametrize("error", [_cancelled("ConditionalCheckFailed"), _throttled()])
def test_a_failed_condition_or_a_fault_is_not_retried(tx: list[float], error: Exception) -> None:
    _Tx.errors = [error]
    with pytest.raises(TransactWriteError) as info:
        base.write_together(UserItem, lambda t: t.save("item"))
    assert info.value is error and _Tx.commits == 0 and tx == []


def test_conflicts_that_do_not_clear_are_raised_in_the_end(tx: list[float]) -> None:
    _Tx.errors = [_cancelled("TransactionConflict") for _ in range(4)]
    with pytest.raises(TransactWriteError):
        base.write_together(UserItem, lambda t: t.save("item"), attempts=4)
    assert _Tx.commits == 0 and len(tx) == 3
