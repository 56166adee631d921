"""access: owner / editor / viewer / stranger, trashed and expired diagrams."""

from __future__ import annotations

import pytest
from autograph.diagrams import access, lifecycle
from autograph.errors import Conflict, Forbidden, NotFound, UnknownReference

from tests.unit.diagrams.conftest import Clock
from tests.unit.diagrams.fake_store import FakeStore
from tests.unit.diagrams.helpers import folder, make, seat


@pytest.mark.parametrize(("who", "need", "outcome"), [
    ("u1", "owner", "owner"), ("u1", "editor", "owner"),
    ("ed", "viewer", "editor"), ("ed", "editor", "editor"), ("ed", "owner", Forbidden),
    ("vi", "viewer", "viewer"), ("vi", "editor", Forbidden), ("vi", "owner", Forbidden),
    ("stranger", "viewer", NotFound),  # never 403: existence is not revealed
])
def test_roles(fake: FakeStore, who: str, need: str, outcome: object) -> None:
    d = make()
    seat(d["id"], "ed", "editor")
    seat(d["id"], "vi", "viewer")
    if isinstance(outcome, str):
        item, role = access.require(d["id"], who, need)
        assert role == outcome and item.diagram_id == d["id"]
    else:
        with pytest.raises(outcome):  # type: ignore[call-overload]
            access.require(d["id"], who, need)


def test_forbidden_says_which_role_falls_short(fake: FakeStore) -> None:
    d = make()
    seat(d["id"], "vi", "viewer")
    with pytest.raises(Forbidden, match=r"Your role \(viewer\) cannot edit"):
        access.require(d["id"], "vi", "editor")


def test_unknown_or_overlong_ids_are_404_without_a_read(fake: FakeStore) -> None:
    for bad in ("", "x" * 65, "missing"):
        with pytest.raises(NotFound):
            access.require(bad, "u1")


def test_a_trashed_diagram_is_reachable_by_its_owner_only_and_only_where_allowed(fake: FakeStore) -> None:
    d = make()
    seat(d["id"], "ed", "editor")
    lifecycle.trash("u1", d["id"])
    with pytest.raises(NotFound):
        access.require(d["id"], "u1")  # trashed="no": the ordinary routes
    assert access.require(d["id"], "u1", trashed="ok")[1] == "owner"
    assert access.require(d["id"], "u1", "owner", trashed="only")[1] == "owner"
    for mode in ("no", "ok", "only"):
        with pytest.raises(NotFound):
            access.require(d["id"], "ed", trashed=mode)


def test_only_trashed_is_a_409_for_a_live_diagram_and_404_for_others(fake: FakeStore) -> None:
    d = make()
    with pytest.raises(Conflict):
        access.require(d["id"], "u1", "owner", trashed="only")
    with pytest.raises(NotFound):
        access.require(d["id"], "stranger", "owner", trashed="only")


def test_a_trashed_diagram_past_its_ttl_is_gone(fake: FakeStore, clock_at: Clock) -> None:
    d = make()
    lifecycle.trash("u1", d["id"])
    head = access.head(d["id"])
    assert head is not None and not access.expired(head)
    clock_at.advance(30 * 86400 - 1)
    assert access.require(d["id"], "u1", trashed="ok")
    clock_at.advance(1)  # exactly at expires_at: DynamoDB may not have swept it, readers treat it as gone
    assert access.expired(head)
    with pytest.raises(NotFound):
        access.require(d["id"], "u1", trashed="ok")


def test_summary_shows_trash_dates_and_full_adds_content(fake: FakeStore) -> None:
    d = make()
    lifecycle.trash("u1", d["id"])
    item, role = access.require(d["id"], "u1", trashed="ok")
    out = access.full(item, role)
    assert out["deleted_at"] == "2026-01-01T00:00:00.000Z" and out["purge_at"] == "2026-01-31T00:00:00.000Z"
    assert out["content"] == d["content"] and "thumbnail_url" not in out


def test_require_folder_is_422_for_someone_elses_folder(fake: FakeStore) -> None:
    folder("u2", "f1")
    with pytest.raises(UnknownReference, match="folder_id: no such folder"):
        access.require_folder("u1", "f1", field="folder_id")
    assert access.require_folder("u2", "f1", field="folder_id").folder_id == "f1"
