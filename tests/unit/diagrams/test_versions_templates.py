"""versions: history newest first, healing a missing snapshot, annotate, restore; templates."""

from __future__ import annotations

import pytest
from autograph.diagrams import service, templates, versions
from autograph.diagrams.schema import DiagramPatch, TemplateIn, VersionPatch
from autograph.errors import Forbidden, NotFound, ValidationFailed

from tests.unit.diagrams.fake_store import FakeStore
from tests.unit.diagrams.helpers import MERMAID, make, seat


def test_history_is_newest_first_and_heals_a_missing_head_snapshot(fake: FakeStore) -> None:
    d = make()
    service.update("u1", d["id"], '"1"', DiagramPatch(title="two"))
    del fake.tables.versions[(d["id"], 2)]  # the writer died between commit and snapshot
    items, _ = versions.list_page("u1", d["id"], 50, None)
    assert [(v["number"], v["title"]) for v in items] == [(2, "two"), (1, "Plan")]
    assert (d["id"], 2) in fake.tables.versions  # written back


def test_annotate_and_its_rules(fake: FakeStore) -> None:
    d = make()
    seat(d["id"], "vi", "viewer")
    out = versions.annotate("u1", d["id"], 1, VersionPatch(label="first", comment="hello"))
    assert (out["label"], out["comment"]) == ("first", "hello")
    assert versions.annotate("u1", d["id"], 1, VersionPatch(label=None))["label"] is None
    with pytest.raises(ValidationFailed, match="Nothing to update"):
        versions.annotate("u1", d["id"], 1, VersionPatch())
    with pytest.raises(NotFound):
        versions.annotate("u1", d["id"], 7, VersionPatch(label="x"))
    with pytest.raises(Forbidden):
        versions.annotate("vi", d["id"], 1, VersionPatch(label="x"))


def test_restore_commits_a_new_version_with_the_old_content(fake: FakeStore) -> None:
    d = make()
    service.update("u1", d["id"], '"1"', DiagramPatch(title="two", content={"mermaid": "graph LR\n  Z --> Q\n"}))
    out = versions.restore("u1", d["id"], 1, None)
    assert out["version"] == 3 and out["title"] == "Plan" and out["content"] == {"mermaid": MERMAID}
    assert fake.tables.versions[(d["id"], 3)].restored_from == 1
    cmp = versions.compare("u1", d["id"], 2, 3)
    assert cmp["title_changed"] is True and (cmp["from_version"], cmp["to_version"]) == (2, 3)


def test_templates_copy_a_diagram_and_resolve_only_for_their_owner(fake: FakeStore) -> None:
    d = make()
    tpl = templates.create("u1", TemplateIn(name="Mine", diagram_id=d["id"]))
    assert templates.resolve("u1", tpl["id"]) == ("mermaid", {"mermaid": MERMAID})
    with pytest.raises(NotFound):
        templates.resolve("u2", tpl["id"])
    first, _ = templates.list_page("u1", 50, None)
    assert first[-1]["id"] == tpl["id"] and any(t["builtin"] for t in first)
    with pytest.raises(Forbidden):
        templates.delete("u1", next(t["id"] for t in first if t["builtin"]))
    templates.delete("u1", tpl["id"])
    assert fake.tables.templates == {} and ("s3.delete", f"templates/u1/{tpl['id']}") in fake.journal
    with pytest.raises(NotFound):
        templates.delete("u1", tpl["id"])
