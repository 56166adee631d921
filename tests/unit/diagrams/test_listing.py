"""listing: own diagrams by sort and order with filters, the trash, shared-with-me, cursors."""

from __future__ import annotations

from typing import Any

import pytest
from autograph.diagrams import lifecycle, listing, service
from autograph.diagrams.schema import DiagramPatch
from autograph.errors import BadRequest

from tests.unit.diagrams.conftest import Clock
from tests.unit.diagrams.fake_store import FakeStore
from tests.unit.diagrams.helpers import folder, make, seat

NONE: dict[str, Any] = {"folder_id": None, "tag": None, "starred": None, "dtype": None, "q": None}


def own(user: str = "u1", *, limit: int = 50, cursor: Any = None, sort: str = "updated_at", order: str = "desc",
        **filters: Any) -> tuple[list[str], Any]:
    items, last = listing.own(user, limit=limit, cursor=cursor, sort=sort, order=order, **{**NONE, **filters})
    return [i["title"] for i in items], last


@pytest.fixture
def three(fake: FakeStore, clock_at: Clock) -> dict[str, dict[str, Any]]:
    folder("u1", "f1")
    out = {}
    for title, extra in (("banana", {"tags": ["fruit"]}), ("Apple", {"folder_id": "f1", "tags": ["fruit"]}),
                         ("cherry", {"type": "note", "content": {"note": "Cherry pie recipe"}})):
        clock_at.advance(60)
        out[title] = make(title=title, **extra)
    return out


def test_sort_and_order(three: dict[str, Any], clock_at: Clock) -> None:
    assert own()[0] == ["cherry", "Apple", "banana"]  # updated_at, newest first
    assert own(sort="title", order="asc")[0] == ["Apple", "banana", "cherry"]  # case-insensitive
    clock_at.advance(60)
    service.update("u1", three["banana"]["id"], '"1"', DiagramPatch(title="banana split"))
    assert own()[0][0] == "banana split"  # an update moves it to the top of updated_at...
    assert own(sort="created_at")[0] == ["cherry", "Apple", "banana split"]  # ...not of created_at


def test_filters(three: dict[str, Any]) -> None:
    service.star("u1", three["cherry"]["id"], True)
    assert own(folder_id="f1")[0] == ["Apple"]
    assert own(folder_id="root")[0] == ["cherry", "banana"]
    assert own(tag="fruit")[0] == ["Apple", "banana"]
    assert own(starred=True)[0] == ["cherry"] and own(starred=False)[0] == ["Apple", "banana"]
    assert own(dtype="note")[0] == ["cherry"]
    assert own(q="PIE")[0] == ["cherry"]  # search text: title, tags and content, lower-cased
    assert own("someone-else")[0] == []


def test_cursor_pages_through_without_gaps_or_repeats(three: dict[str, Any]) -> None:
    seen, cursor = [], None
    while True:
        titles, cursor = own(limit=2, cursor=cursor, sort="title", order="asc")
        seen += titles
        if cursor is None:
            break
    assert seen == ["Apple", "banana", "cherry"]
    with pytest.raises(BadRequest, match="cursor"):
        own(cursor={"pk": {"S": "DLIVE#someone-else"}})


def test_trash_lists_newest_deletion_first_and_hides_expired(three: dict[str, Any], clock_at: Clock) -> None:
    lifecycle.trash("u1", three["banana"]["id"])
    clock_at.advance(86400)
    lifecycle.trash("u1", three["cherry"]["id"])
    items, _ = listing.trash("u1", limit=50, cursor=None)
    assert [i["title"] for i in items] == ["cherry", "banana"] and own()[0] == ["Apple"]
    clock_at.advance(29 * 86400)  # banana's TTL passed, cherry's not yet
    assert [i["title"] for i in listing.trash("u1", limit=50, cursor=None)[0]] == ["cherry"]


def test_shared_with_me_filters_in_memory_and_pages_exactly(fake: FakeStore, clock_at: Clock) -> None:
    ids = []
    for i in range(5):
        clock_at.advance(60)
        d = make("owner", title=f"d{i}", tags=["even"] if i % 2 == 0 else [])
        seat(d["id"], "me", "viewer" if i % 2 else "editor", added_at=f"2026-01-01T00:0{i}:00.000Z")
        ids.append(d["id"])
    lifecycle.trash("owner", ids[4])  # trashed: skipped
    args: dict[str, Any] = {"tag": None, "starred": None, "dtype": None, "q": None}
    seen, cursor, pages = [], None, 0
    while True:
        items, cursor = listing.shared_with_me("me", limit=2, cursor=cursor, **args)
        seen += [(i["title"], i["role"]) for i in items]
        pages += 1
        if cursor is None:
            break
    assert seen == [("d3", "viewer"), ("d2", "editor"), ("d1", "viewer"), ("d0", "editor")] and pages == 2
    even, _ = listing.shared_with_me("me", limit=1, cursor=None, **{**args, "tag": "even"})
    assert [i["title"] for i in even] == ["d2"]  # d4 is trashed; the filter kept reading past d3
