"""The single-item helpers of `store.base` every data-access module builds on: which PynamoDB
errors mean "the condition failed" (mapped) and which are faults (propagated), with stand-in
models and items instead of a table (no stack)."""

from __future__ import annotations

from typing import Any

import pytest
from autograph.store import base
from autograph.store.auth_models import UserItem
from autograph.store.base import ConditionFailed, InvalidCursor
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    QueryError,
    TransactWriteError,
    UpdateError,
    VerboseClientError,
)
from pynamodb.pagination import ResultIterator

COND = UserItem.pk.does_not_exist()


def _error(kind: type[Exception], code: str) -> Exception:
    cause = VerboseClientError({"Error": {"Code": code, "Message": code}}, "Op")
    return kind(code, cause=cause)


def _lost(kind: type[Exception]) -> Exception:
    return _error(kind, "ConditionalCheckFailedException")


def _throttled(kind: type[Exception]) -> Exception:
    return _error(kind, "ProvisionedThroughputExceededException")


class _Item:
    """Stands in for a model instance: records each write and fails it with `error`, if given."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _write(self, op: str, **kwargs: Any) -> None:
        self.calls.append((op, kwargs))
        if self.error is not None:
            raise self.error

    def save(self, **kwargs: Any) -> None:
        self._write("save", **kwargs)

    def update(self, **kwargs: Any) -> None:
        self._write("update", **kwargs)

    def delete(self, **kwargs: Any) -> None:
        self._write("delete", **kwargs)


class _Model:
    """Stands in for a model class: `get` answers from `items` by (hash, range) key."""

    items: dict[tuple[str, str | None], str] = {}
    asked: list[tuple[Any, ...]] = []

    @classmethod
    def get(cls, hash_key: str, range_key: str | None = None, consistent_read: bool = False,
            attributes_to_get: list[str] | None = None) -> str:
        cls.asked.append((hash_key, range_key, consistent_read, attributes_to_get))
        try:
            return cls.items[(hash_key, range_key)]
        except KeyError:
            raise DoesNotExist() from None


def test_get_or_none_passes_the_read_options_and_answers_none_when_absent() -> None:
    _Model.items, _Model.asked = {("P", "S"): "found"}, []
    assert base.get_or_none(_Model, "P", "S", consistent_read=True) == "found"
    assert base.get_or_none(_Model, "P", "X", attributes_to_get=["a"]) is None
    assert _Model.asked == [("P", "S", True, None), ("P", "X", False, ["a"])]


def test_save_new_writes_on_the_condition_and_returns_the_item() -> None:
    item = _Item()
    assert base.save_new(item, COND, "id1") is item
    assert item.calls == [("save", {"condition": COND})]


def test_save_new_turns_only_a_failed_condition_into_condition_failed() -> None:
    with pytest.raises(ConditionFailed, match="id1") as lost:
        base.save_new(_Item(_lost(PutError)), COND, "id1")
    assert isinstance(lost.value.__cause__, PutError)
    with pytest.raises(PutError):  # throttling is not "someone else got there first"
        base.save_new(_Item(_throttled(PutError)), COND, "id1")


def test_update_if_says_whether_the_condition_held() -> None:
    actions = [UserItem.name.set("n")]
    ok = _Item()
    assert base.update_if(ok, actions, COND) is True
    assert ok.calls == [("update", {"actions": actions, "condition": COND})]
    assert base.update_if(_Item(_lost(UpdateError)), actions, COND) is False
    with pytest.raises(UpdateError):
        base.update_if(_Item(_throttled(UpdateError)), actions, COND)


def test_update_or_fail_returns_the_fresh_item_or_raises_condition_failed() -> None:
    actions = [UserItem.name.set("n")]
    ok = _Item()
    assert base.update_or_fail(ok, actions, COND, "u1") is ok
    with pytest.raises(ConditionFailed, match="u1"):
        base.update_or_fail(_Item(_lost(UpdateError)), actions, COND, "u1")
    with pytest.raises(UpdateError):
        base.update_or_fail(_Item(_throttled(UpdateError)), actions, COND, "u1")


def test_delete_if_says_whether_the_condition_held() -> None:
    ok = _Item()
    assert base.delete_if(ok, COND) is True
    assert ok.calls == [("delete", {"condition": COND})]
    assert base.delete_if(_Item(_lost(DeleteError)), COND) is False
    with pytest.raises(DeleteError):
        base.delete_if(_Item(_throttled(DeleteError)), COND)


def test_a_write_error_of_another_kind_is_not_mistaken_for_the_condition() -> None:
    # An UpdateError escaping a save would be a bug elsewhere: it must not read as "lost".
    with pytest.raises(UpdateError):
        base.save_new(_Item(_lost(UpdateError)), COND, "id1")


def _query(pages: list[dict[str, Any] | Exception], limit: int) -> ResultIterator[dict[str, Any]]:
    """PynamoDB's own lazy ResultIterator over a stand-in Query operation answering `pages` in turn."""
    def operation(**kwargs: Any) -> dict[str, Any]:
        page = pages.pop(0)
        if isinstance(page, Exception):
            raise page
        return page

    return ResultIterator(operation, (), {"limit": limit}, limit=limit)


def test_query_page_reads_the_page_then_its_cursor() -> None:
    last = {"pk": {"S": "P"}, "sk": {"S": "2"}}
    items = [{"pk": {"S": "P"}, "sk": {"S": "1"}}, {"pk": {"S": "P"}, "sk": {"S": "2"}}]
    page = {"Items": items, "Count": 2, "ScannedCount": 2, "LastEvaluatedKey": last}
    assert base.query_page(_query([page], limit=2)) == (items, last)
    assert base.query_page(_query([{"Items": [], "Count": 0, "ScannedCount": 0}], limit=2)) == ([], None)


def test_query_page_calls_a_query_dynamodb_refused_an_invalid_cursor() -> None:
    # The Query runs only when the result is iterated: the error must surface inside query_page.
    refused = _error(QueryError, "ValidationException")
    with pytest.raises(InvalidCursor) as bad:
        base.query_page(_query([refused], limit=2))
    assert bad.value.__cause__ is refused
    # A 400 problem wherever it surfaces, and DynamoDB's own words stay out of the answer.
    assert bad.value.status == 400 and "ValidationException" not in bad.value.detail


def test_write_together_if_is_false_only_for_a_failed_condition(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes: list[Exception | None] = []

    def write_together(model: Any, build: Any) -> None:
        error = outcomes.pop(0)
        if error is not None:
            raise error

    monkeypatch.setattr(base, "write_together", write_together)
    outcomes[:] = [None, _error(TransactWriteError, "TransactionCanceledException"),
                   _error(TransactWriteError, "ProvisionedThroughputExceededException")]
    assert base.write_together_if(UserItem, lambda tx: None) is True
    assert base.write_together_if(UserItem, lambda tx: None) is False
    with pytest.raises(TransactWriteError):
        base.write_together_if(UserItem, lambda tx: None)


def test_set_or_remove_and_changes_skip_unset_and_clear_empty_values() -> None:
    assert base.set_or_remove(UserItem.name, "Ann") == UserItem.name.set("Ann")
    assert base.set_or_remove(UserItem.name, None) == UserItem.name.remove()
    assert base.set_or_remove(UserItem.name, "") == UserItem.name.remove()
    actions = base.changes((UserItem.name, base.UNSET), (UserItem.email, "a@b.c"), (UserItem.password_hash, None))
    assert actions == [UserItem.email.set("a@b.c"), UserItem.password_hash.remove()]


def test_fits_id_rejects_empty_and_overlong_ids() -> None:
    assert base.fits_id("a" * base.MAX_ID) and base.fits_id("x")
    assert not base.fits_id("") and not base.fits_id(None) and not base.fits_id("a" * (base.MAX_ID + 1))
