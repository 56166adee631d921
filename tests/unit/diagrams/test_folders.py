"""folders: tree moves without cycles, breadcrumbs at any depth, non-empty and recursive delete."""

from __future__ import annotations

import pytest
from autograph.diagrams import folders
from autograph.diagrams.schema import FolderIn, FolderPatch
from autograph.errors import BadRequest, Conflict, NotFound, UnknownReference, ValidationFailed

from tests.unit.diagrams.fake_store import FakeStore
from tests.unit.diagrams.helpers import folder, make


def chain(owner: str, depth: int) -> list[str]:
    ids = [f"f{i}" for i in range(depth)]
    for i, fid in enumerate(ids):
        folder(owner, fid, parent_id=ids[i - 1] if i else None, name=f"level {i}")
    return ids


def test_create_under_a_parent_and_unknown_parent_is_422(fake: FakeStore) -> None:
    top = folders.create("u1", FolderIn(name="Top"))
    sub = folders.create("u1", FolderIn(name="Sub", parent_id=top["id"], color="#ff0000"))
    assert sub["parent_id"] == top["id"] and sub["color"] == "#ff0000"
    with pytest.raises(UnknownReference, match="parent_id"):
        folders.create("u1", FolderIn(name="Orphan", parent_id="nope"))
    with pytest.raises(UnknownReference):  # someone else's folder is unknown too
        folders.create("u2", FolderIn(name="Intruder", parent_id=top["id"]))
    assert len(fake.tables.folders) == 2


def test_breadcrumbs_walk_any_depth_from_one_read(fake: FakeStore) -> None:
    ids = chain("u1", 12)
    out = folders.get("u1", ids[-1])
    assert [p["id"] for p in out["path"]] == ids and out["path"][0]["name"] == "level 0"


@pytest.mark.parametrize("target", ["f0", "f2", "f4"])
def test_a_folder_cannot_move_into_itself_or_below_itself(fake: FakeStore, target: str) -> None:
    chain("u1", 5)
    with pytest.raises(Conflict, match="itself or one of its sub-folders"):
        folders.update("u1", "f0", FolderPatch(parent_id=target))
    assert fake.tables.folders[("u1", "f0")].parent_id is None


def test_moves_sideways_and_to_the_root_are_fine(fake: FakeStore) -> None:
    chain("u1", 3)
    folder("u1", "other")
    assert folders.update("u1", "f2", FolderPatch(parent_id="other"))["parent_id"] == "other"
    assert folders.update("u1", "f2", FolderPatch(parent_id=None))["parent_id"] is None
    assert folders.get("u1", "f2")["path"] == [{"id": "f2", "name": "level 2"}]


def test_update_rules(fake: FakeStore) -> None:
    folder("u1", "f1")
    with pytest.raises(ValidationFailed, match="Nothing to update"):
        folders.update("u1", "f1", FolderPatch())
    with pytest.raises(ValidationFailed, match="name: may not be null"):
        folders.update("u1", "f1", FolderPatch(name=None))
    with pytest.raises(ValidationFailed, match="parent_id: no such folder"):
        folders.update("u1", "f1", FolderPatch(parent_id="nope"))
    with pytest.raises(NotFound):
        folders.update("u2", "f1", FolderPatch(name="mine now"))
    renamed = folders.update("u1", "f1", FolderPatch(name="Renamed", color="#00ff00"))
    assert renamed["name"] == "Renamed" and renamed["color"] == "#00ff00"
    assert folders.update("u1", "f1", FolderPatch(color=None))["color"] is None


def test_a_non_empty_folder_is_409_unless_recursive(fake: FakeStore) -> None:
    chain("u1", 2)
    with pytest.raises(Conflict, match="not empty"):  # a sub-folder
        folders.delete("u1", "f0", recursive=False)
    folder("u1", "lonely")
    d = make(folder_id="lonely")
    with pytest.raises(Conflict, match="not empty"):  # a live diagram
        folders.delete("u1", "lonely", recursive=False)
    assert len(fake.tables.folders) == 3 and fake.tables.heads[d["id"]].deleted_at is None


def test_an_empty_folder_goes_and_trashed_diagrams_do_not_keep_it(fake: FakeStore) -> None:
    folder("u1", "f1")
    assert folders.delete("u1", "f1", recursive=False) == {"folders": 1, "diagrams_trashed": 0}
    assert fake.tables.folders == {}


def test_recursive_delete_trashes_the_subtrees_diagrams_and_removes_its_folders(fake: FakeStore) -> None:
    chain("u1", 3)
    folder("u1", "keep")
    inside = [make(folder_id=f) for f in ("f0", "f1", "f2")]
    outside = make(folder_id="keep")
    out = folders.delete("u1", "f0", recursive=True)
    assert out == {"folders": 3, "diagrams_trashed": 3}
    assert set(fake.tables.folders) == {("u1", "keep")}
    assert all(fake.tables.heads[d["id"]].deleted_at is not None for d in inside)
    assert fake.tables.heads[outside["id"]].deleted_at is None
    trashes = [e for e in fake.journal if e[0] == "head.trash"]
    assert len(trashes) == 3 and fake.journal.index(trashes[-1]) < fake.journal.index(
        ("folders.delete", ("f0", "f1", "f2")))  # diagrams first: a failure leaves folders to retry


def test_list_page_by_parent_and_a_bad_cursor_is_400(fake: FakeStore) -> None:
    folder("u1", "a")
    folder("u1", "b", parent_id="a")
    folder("u1", "c", parent_id="a")
    assert [f["id"] for f in folders.list_page("u1", "root", 50, None)[0]] == ["a"]
    first, cursor = folders.list_page("u1", "a", 1, None)
    second, end = folders.list_page("u1", "a", 1, cursor)
    assert [f["id"] for f in first + second] == ["b", "c"] and end is None
    with pytest.raises(BadRequest):
        folders.list_page("u1", None, 1, {"pk": {"S": "elsewhere"}})
