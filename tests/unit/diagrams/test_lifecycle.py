"""lifecycle: trash -> restore -> purge, the cascade's order against the head, bulk actions, and
children added while a trash runs (against the in-memory store)."""

from __future__ import annotations

from typing import Any

import pytest
from autograph.diagrams import collaborators, lifecycle, service, shares
from autograph.diagrams.schema import CollaboratorIn, DiagramPatch, ShareIn
from autograph.errors import Conflict, NotFound, UnknownReference, ValidationFailed
from autograph.store import folders as folder_store

from tests.unit.diagrams.conftest import T0, Clock
from tests.unit.diagrams.fake_store import FakeStore
from tests.unit.diagrams.helpers import folder, make, seat, user

DAY = 86400


def with_children(fake: FakeStore) -> dict[str, Any]:
    d = make()
    service.update("u1", d["id"], '"1"', DiagramPatch(title="v2"))
    seat(d["id"], "u2", "editor")
    shares.create("u1", d["id"], ShareIn())
    fake.journal.clear()
    return d


def ttls(fake: FakeStore, diagram_id: str) -> set[Any]:
    t = fake.tables
    return ({v.expires_at for (i, _), v in t.versions.items() if i == diagram_id}
            | {c.expires_at for (i, _), c in t.collabs.items() if i == diagram_id}
            | {s.expires_at for s in t.shares.values() if s.diagram_id == diagram_id})


def test_trash_commits_the_head_first_then_stamps_every_child_and_tags_s3(fake: FakeStore) -> None:
    d = with_children(fake)
    lifecycle.trash("u1", d["id"])
    purge_at = int(T0) + 30 * DAY
    assert fake.journal == [("head.trash", d["id"]), ("children.ttl", d["id"], purge_at), ("s3.tag", d["id"])]
    head = fake.tables.heads[d["id"]]
    assert head.expires_at == purge_at and head.deleted_at == "2026-01-01T00:00:00.000Z"
    assert head.gsi2pk is None and head.gsi1pk.startswith("DTRASH#")
    assert ttls(fake, d["id"]) == {purge_at}  # 2 versions, the seat and the link


def test_restore_clears_the_children_before_the_head(fake: FakeStore, clock_at: Clock) -> None:
    d = with_children(fake)
    lifecycle.trash("u1", d["id"])
    clock_at.advance(3 * DAY)
    fake.journal.clear()
    restored = lifecycle.restore("u1", d["id"])
    assert fake.journal == [("children.ttl", d["id"], None), ("s3.untag", d["id"]), ("head.restore", d["id"])]
    assert restored["id"] == d["id"] and "deleted_at" not in restored
    assert ttls(fake, d["id"]) == {None} and fake.tables.heads[d["id"]].expires_at is None
    with pytest.raises(Conflict):  # not in the trash any more
        lifecycle.restore("u1", d["id"])


def test_a_diagram_restored_after_its_folder_went_lands_at_the_root(fake: FakeStore) -> None:
    folder("u1", "f1")
    d = make(folder_id="f1")
    lifecycle.trash("u1", d["id"])
    folder_store.delete("u1", ["f1"])
    assert lifecycle.restore("u1", d["id"])["folder_id"] is None


def test_purge_removes_children_and_objects_and_the_head_last(fake: FakeStore) -> None:
    d = with_children(fake)
    lifecycle.purge("u1", d["id"])
    assert fake.journal == [("children.delete", d["id"]), ("s3.delete", f"diagrams/{d['id']}"),
                            ("head.delete", d["id"])]
    assert fake.tables.heads == {} and ttls(fake, d["id"]) == set()
    with pytest.raises(NotFound):
        lifecycle.purge("u1", d["id"])


def test_trash_then_purge_from_the_trash(fake: FakeStore) -> None:
    d = make()
    lifecycle.trash("u1", d["id"])
    with pytest.raises(NotFound):  # trashed: gone for the ordinary routes
        lifecycle.trash("u1", d["id"])
    lifecycle.purge("u1", d["id"])
    assert d["id"] not in fake.tables.heads


def test_only_the_owner_trashes_restores_or_purges(fake: FakeStore) -> None:
    d = make()
    seat(d["id"], "u2", "editor")
    for op in (lifecycle.trash, lifecycle.purge):
        with pytest.raises(Exception) as denied:
            op("u2", d["id"])
        assert denied.value.status == 403  # type: ignore[attr-defined]
    lifecycle.trash("u1", d["id"])
    with pytest.raises(NotFound):  # a trashed diagram is the owner's alone
        lifecycle.restore("u2", d["id"])
    assert fake.tables.heads[d["id"]].deleted_at is not None


def test_expired_trash_cannot_be_restored(fake: FakeStore, clock_at: Clock) -> None:
    d = make()
    lifecycle.trash("u1", d["id"])
    clock_at.advance(30 * DAY)  # TTL passed; DynamoDB has not swept it yet
    with pytest.raises(NotFound):
        lifecycle.restore("u1", d["id"])


def test_a_child_added_while_the_trash_ran_takes_the_heads_ttl(fake: FakeStore,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    d = make()
    live, _ = collaborators.access.require(d["id"], "u1", "owner")  # checked while live...
    lifecycle.trash("u1", d["id"])  # ...then trashed before the seat and the link are written
    monkeypatch.setattr(collaborators.access, "require", lambda *a, **k: (live, "owner"))
    monkeypatch.setattr(collaborators, "find_by_email", lambda e: user("u2", e))
    collaborators.add("u1", d["id"], CollaboratorIn(email="b@x.test", role="viewer"))
    monkeypatch.setattr(shares.access, "require", lambda *a, **k: (live, "owner"))
    shares.create("u1", d["id"], ShareIn())
    assert ttls(fake, d["id"]) == {fake.tables.heads[d["id"]].expires_at}


def test_a_child_added_to_a_live_diagram_gets_no_ttl(fake: FakeStore, monkeypatch: pytest.MonkeyPatch) -> None:
    d = make()
    monkeypatch.setattr(collaborators, "find_by_email", lambda e: user("u2", e))
    collaborators.add("u1", d["id"], CollaboratorIn(email="b@x.test", role="viewer"))
    assert ttls(fake, d["id"]) == {None} and not [e for e in fake.journal if e[0].endswith("ttl")]


# ------------------------------------------------------------------ bulk
def test_bulk_answers_each_id_on_its_own(fake: FakeStore) -> None:
    mine, live, theirs, shared = make(), make(), make("u9"), make("u9")
    seat(shared["id"], "u1", "viewer")
    out = lifecycle.bulk("u1", "delete", [mine["id"], theirs["id"], shared["id"], "missing"], None, None)
    assert [r["status"] for r in out["results"]] == ["ok", "not_found", "forbidden", "not_found"]
    assert fake.tables.heads[mine["id"]].deleted_at is not None
    assert fake.tables.heads[shared["id"]].deleted_at is None
    again = lifecycle.bulk("u1", "restore", [mine["id"], shared["id"], live["id"]], None, None)
    assert [r["status"] for r in again["results"]] == ["ok", "forbidden", "conflict"]  # live: not in the trash


def test_bulk_move_star_and_tag(fake: FakeStore) -> None:
    a, b = make(tags=["x"]), make()
    folder("u1", "f1")
    assert {r["status"] for r in lifecycle.bulk("u1", "move", [a["id"], b["id"]], "f1", None)["results"]} == {"ok"}
    lifecycle.bulk("u1", "star", [a["id"]], None, None)
    lifecycle.bulk("u1", "tag", [a["id"], b["id"]], None, ["X", "new"])
    ha, hb = fake.tables.heads[a["id"]], fake.tables.heads[b["id"]]
    assert (ha.folder_id, hb.folder_id, ha.starred, hb.starred) == ("f1", "f1", True, False)
    assert ha.tags == ["x", "new"] and hb.tags == ["X", "new"] and "new" in ha.search_text
    assert int(ha.version) == 1  # metadata: no new version


def test_bulk_input_errors_change_nothing(fake: FakeStore) -> None:
    a = make()
    with pytest.raises(UnknownReference, match="folder_id"):
        lifecycle.bulk("u1", "move", [a["id"]], "nope", None)
    with pytest.raises(ValidationFailed, match="tags: required"):
        lifecycle.bulk("u1", "tag", [a["id"]], None, [])
    too_many = lifecycle.bulk("u1", "tag", [a["id"]], None, [f"t{i}" for i in range(21)])
    assert too_many["results"][0]["status"] == "conflict" and "at most 20" in too_many["results"][0]["detail"]
    assert fake.tables.heads[a["id"]].folder_id is None and fake.tables.heads[a["id"]].tags == []
