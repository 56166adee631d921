"""service: versions and optimistic locking, tags, create rules (against the in-memory store)."""

from __future__ import annotations

import pytest
from autograph.diagrams import access, service
from autograph.diagrams.schema import DiagramCreate, DiagramPatch
from autograph.errors import (
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    UnknownReference,
    ValidationFailed,
)

from tests.unit.diagrams.fake_store import FakeStore
from tests.unit.diagrams.helpers import MERMAID, folder, make, seat

V1 = MERMAID


def test_create_writes_head_version_one_and_its_snapshot(fake: FakeStore) -> None:
    d = make(tags=["Ops", " ops ", "infra"])
    assert d["version"] == 1 and d["role"] == "owner" and d["content"] == {"mermaid": V1}
    assert d["tags"] == ["Ops", "infra"]  # trimmed, de-duplicated case-insensitively, first spelling kept
    assert fake.journal == [("head.create", d["id"]), ("version.save", d["id"], 1), ("thumbnail", d["id"], 1)]
    assert fake.tables.versions[(d["id"], 1)].content_inline == fake.tables.heads[d["id"]].content_inline


def test_each_update_is_the_next_version_and_a_stale_etag_changes_nothing(fake: FakeStore) -> None:
    d = make()
    v2 = service.update("u1", d["id"], '"1"', DiagramPatch(title="Plan B"))
    v3 = service.update("u1", d["id"], 'W/"2"', DiagramPatch(content={"mermaid": "graph LR\n  X --> Y\n"}))
    assert (v2["version"], v3["version"]) == (2, 3) and v3["title"] == "Plan B"
    assert sorted(n for (i, n) in fake.tables.versions if i == d["id"]) == [1, 2, 3]
    before = list(fake.journal)
    with pytest.raises(PreconditionFailed) as stale:
        service.update("u1", d["id"], '"2"', DiagramPatch(title="lost"))
    assert stale.value.headers == {"ETag": '"3"'}
    assert fake.journal == before and fake.tables.heads[d["id"]].title == "Plan B"


def test_a_writer_that_loses_the_race_gets_412_with_the_winners_etag(fake: FakeStore) -> None:
    d = make()
    stale_read, _ = access.require(d["id"], "u1", "editor")  # both writers read version 1
    service.update("u1", d["id"], '"1"', DiagramPatch(title="winner"))
    with pytest.raises(PreconditionFailed) as lost:  # the conditional write decides, not the read
        service.apply_update(stale_read, None, "u1", title="loser")
    assert lost.value.headers == {"ETag": '"2"'}
    assert fake.tables.heads[d["id"]].title == "winner" and (d["id"], 3) not in fake.tables.versions


def test_if_match_is_required_and_must_be_an_etag(fake: FakeStore) -> None:
    d = make()
    with pytest.raises(PreconditionRequired):
        service.update("u1", d["id"], None, DiagramPatch(title="x"))
    with pytest.raises(PreconditionFailed):
        service.update("u1", d["id"], '"one"', DiagramPatch(title="x"))
    assert service.parse_if_match("*") is None and service.parse_if_match(None, required=False) is None
    assert int(fake.tables.heads[d["id"]].version) == 1


def test_metadata_changes_make_no_version(fake: FakeStore) -> None:
    d = make(tags=["a"])
    service.star("u1", d["id"], True)
    folder("u1", "f1")
    moved = service.move("u1", d["id"], "f1")
    assert moved["folder_id"] == "f1" and moved["version"] == 1
    head = fake.tables.heads[d["id"]]
    assert head.starred is True and int(head.version) == 1 and len(fake.tables.versions) == 1


@pytest.mark.parametrize(("tags", "why"), [([""], "1..50"), (["x" * 51], "1..50"), (["  "], "1..50")])
def test_bad_tags_are_422_and_store_nothing(fake: FakeStore, tags: list[str], why: str) -> None:
    with pytest.raises(ValidationFailed, match=why):
        service.create("u1", DiagramCreate.model_construct(title="t", type="mermaid", content=None, tags=tags,
                                                           folder_id=None, template_id=None))
    assert fake.tables.heads == {} and fake.journal == []


def test_create_rules_name_the_field_and_store_nothing(fake: FakeStore) -> None:
    with pytest.raises(UnknownReference, match="folder_id"):
        make(folder_id="nope")
    with pytest.raises(UnknownReference, match="template_id"):
        make(type=None, content=None, template_id="tpl_missing")
    with pytest.raises(ValidationFailed, match="either content or template_id"):
        make(template_id="flowchart")
    with pytest.raises(ValidationFailed, match="type: required"):
        make(type=None, content=None)
    assert fake.tables.heads == {} and fake.journal == []


def test_update_needs_a_field_and_no_nulls(fake: FakeStore) -> None:
    d = make()
    with pytest.raises(ValidationFailed, match="Nothing to update"):
        service.update("u1", d["id"], '"1"', DiagramPatch())
    with pytest.raises(ValidationFailed, match="title: may not be null"):
        service.update("u1", d["id"], '"1"', DiagramPatch(title=None))
    assert int(fake.tables.heads[d["id"]].version) == 1


def test_duplicate_is_a_new_diagram_and_a_collaborator_gets_it_at_the_root(fake: FakeStore) -> None:
    folder("u1", "f1")
    d = make(folder_id="f1")
    seat(d["id"], "u2", "viewer")
    mine, theirs = service.duplicate("u1", d["id"]), service.duplicate("u2", d["id"])
    assert mine["title"] == "Copy of Plan" and mine["folder_id"] == "f1" and mine["version"] == 1
    assert theirs["owner_id"] == "u2" and theirs["folder_id"] is None and theirs["content"] == {"mermaid": V1}
    with pytest.raises(NotFound):
        service.duplicate("u3", d["id"])
