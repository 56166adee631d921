"""An in-memory stand-in for the diagrams' store modules (store.diagrams, .trash, .folders,
.shares, .collaborators, .templates): the same functions, with the same signatures and the same
conditional-write outcomes (ConditionFailed, None, InvalidCursor), over dicts.

Records are the real PynamoDB model classes, built in memory and never saved: the domain reads
them exactly as it reads what DynamoDB returns. Every write is appended to `journal`, so tests
can assert what was written and in which order. `install(monkeypatch)` swaps the fake in; the
test `test_fake_store_matches_the_store` keeps the signatures from drifting apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from autograph.store import collaborators as collaborator_store
from autograph.store import diagrams as diagram_store
from autograph.store import folders as folder_store
from autograph.store import shares as share_store
from autograph.store import templates as template_store
from autograph.store import trash as trash_store
from autograph.store.base import ConditionFailed
from autograph.store.diagram_models import DiagramItem, VersionItem, live_index, trash_index

from tests.unit.diagrams.fake_store_aggregates import FakeCollaborators, FakeFolders, FakeShares, FakeTemplates
from tests.unit.diagrams.fake_store_base import UNSET, Tables, copy_record, key_page

live_keys = diagram_store.live_keys  # pure: the fake files heads under the same index keys
SORT_INDEX = {"updated_at": ("gsi1pk", "gsi1sk"), "created_at": ("gsi2pk", "gsi2sk"), "title": ("gsi3pk", "gsi3sk")}


class FakeDiagrams:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def _write(self, diagram_id: str, condition: Callable[[DiagramItem], bool], what: str,
               **changes: Any) -> DiagramItem:
        head = self.t.heads.get(diagram_id)
        if head is None or not condition(head):
            raise ConditionFailed(diagram_id)
        self.t.heads[diagram_id] = fresh = copy_record(head, **changes)
        self.t.log(what, diagram_id)
        return copy_record(fresh)

    def get_head(self, diagram_id: str) -> DiagramItem | None:
        head = self.t.heads.get(diagram_id)
        return copy_record(head) if head is not None else None

    def get_heads(self, diagram_ids: list[str]) -> dict[str, DiagramItem]:
        return {i: copy_record(self.t.heads[i]) for i in diagram_ids if i in self.t.heads}

    def create_head(self, *, diagram_id: str, owner_id: str, author: str, title: str, dtype: str,
                    folder_id: str | None, tags: list[str], stamp: str, inline: str | None, key: str | None,
                    size: int, search_text: str) -> DiagramItem:
        if diagram_id in self.t.heads:
            raise ConditionFailed(diagram_id)
        item = DiagramItem(
            *DiagramItem.key(diagram_id), diagram_id=diagram_id, owner_id=owner_id, title=title, dtype=dtype,
            folder_id=folder_id, tags=list(tags), starred=False, version=1, created_at=stamp, updated_at=stamp,
            last_edited_by=author, size_bytes=size, content_inline=inline, content_key=key,
            search_text=search_text, **live_keys(owner_id, diagram_id, stamp, stamp, title))
        self.t.heads[diagram_id] = item
        self.t.log("head.create", diagram_id)
        return copy_record(item)

    def commit_version(self, diagram_id: str, *, expected: int, title: str, dtype: str, tags: list[str],
                       updated_at: str, author: str, inline: str | None, key: str | None, size: int,
                       search_text: str) -> DiagramItem:
        return self._write(
            diagram_id, lambda h: int(h.version) == expected and h.deleted_at is None, "head.commit",
            version=expected + 1, title=title, dtype=dtype, tags=list(tags), updated_at=updated_at,
            last_edited_by=author, content_inline=inline, content_key=key, size_bytes=size, search_text=search_text,
            gsi1sk=f"{updated_at}#{diagram_id}", gsi3sk=f"{title.lower()[:100]}#{diagram_id}")

    def move_to_trash(self, head: DiagramItem, deleted_at: str, expires_at: int) -> DiagramItem:
        return self._write(head.diagram_id, lambda h: h.deleted_at is None, "head.trash",
                           deleted_at=deleted_at, expires_at=expires_at, gsi1pk=trash_index(head.owner_id),
                           gsi1sk=f"{deleted_at}#{head.diagram_id}", gsi2pk=None, gsi2sk=None, gsi3pk=None,
                           gsi3sk=None)

    def restore_from_trash(self, head: DiagramItem, folder_id: str | None) -> DiagramItem:
        keys = live_keys(head.owner_id, head.diagram_id, head.updated_at, head.created_at, head.title)
        return self._write(head.diagram_id, lambda h: h.deleted_at is not None, "head.restore",
                           deleted_at=None, expires_at=None, folder_id=folder_id, **keys)

    def set_starred(self, diagram_id: str, starred: bool) -> DiagramItem:
        return self._write(diagram_id, lambda h: True, "head.star", starred=starred)

    def set_folder(self, diagram_id: str, folder_id: str | None) -> DiagramItem:
        return self._write(diagram_id, lambda h: True, "head.folder", folder_id=folder_id)

    def set_tags(self, diagram_id: str, tags: list[str], search_text: str) -> DiagramItem:
        return self._write(diagram_id, lambda h: True, "head.tags", tags=list(tags), search_text=search_text)

    def delete_head(self, diagram_id: str) -> None:
        self.t.heads.pop(diagram_id, None)
        self.t.log("head.delete", diagram_id)

    def save_snapshot(self, head: DiagramItem, author: str, restored_from: int | None = None) -> None:
        number = int(head.version)
        if (head.diagram_id, number) in self.t.versions:
            return
        self.t.versions[(head.diagram_id, number)] = VersionItem(
            *VersionItem.key(head.diagram_id, number), diagram_id=head.diagram_id, number=number, title=head.title,
            dtype=head.dtype, created_at=head.updated_at, author=author, size_bytes=int(head.size_bytes or 0),
            content_inline=head.content_inline, content_key=head.content_key, restored_from=restored_from)
        self.t.log("version.save", head.diagram_id, number)

    def get_version(self, diagram_id: str, number: int) -> VersionItem | None:
        found = self.t.versions.get((diagram_id, number))
        return copy_record(found) if found is not None else None

    def versions_page(self, diagram_id: str, limit: int, cursor: dict[str, Any] | None
                      ) -> tuple[list[VersionItem], dict[str, Any] | None]:
        mine = [v for (d, _), v in self.t.versions.items() if d == diagram_id]
        return key_page(mine, lambda v: v.sk, limit, cursor, descending=True)

    def annotate_version(self, diagram_id: str, number: int, *, label: str | None = UNSET,
                         comment: str | None = UNSET) -> VersionItem | None:
        found = self.t.versions.get((diagram_id, number))
        if found is None:
            return None
        changes = {k: v for k, v in (("label", label), ("comment", comment)) if v is not UNSET}
        self.t.versions[(diagram_id, number)] = fresh = copy_record(found, **changes)
        self.t.log("version.annotate", diagram_id, number)
        return copy_record(fresh)

    def live_page(self, owner: str, *, sort: str, ascending: bool, limit: int, cursor: dict[str, Any] | None,
                  folder_id: str | None = None, no_folder: bool = False, tag: str | None = None,
                  starred: bool | None = None, dtype: str | None = None, q: str | None = None
                  ) -> tuple[list[DiagramItem], dict[str, Any] | None]:
        pk_attr, sk_attr = SORT_INDEX[sort]

        def keep(h: DiagramItem) -> bool:
            return (getattr(h, pk_attr) == live_index(owner)
                    and (not no_folder or h.folder_id is None) and (not folder_id or h.folder_id == folder_id)
                    and (not tag or tag in (h.tags or [])) and (starred is None or bool(h.starred) == starred)
                    and (not dtype or h.dtype == dtype) and (not q or q.lower() in (h.search_text or "")))

        page, last = key_page([h for h in self.t.heads.values() if keep(h)], lambda h: getattr(h, sk_attr), limit,
                           cursor, descending=not ascending)
        return [copy_record(h) for h in page], last

    def trash_page(self, owner: str, *, alive_after: int, limit: int, cursor: dict[str, Any] | None
                   ) -> tuple[list[DiagramItem], dict[str, Any] | None]:
        trashed = [h for h in self.t.heads.values()
                   if h.gsi1pk == trash_index(owner) and h.expires_at is not None and h.expires_at > alive_after]
        page, last = key_page(trashed, lambda h: h.gsi1sk, limit, cursor, descending=True)
        return [copy_record(h) for h in page], last

    def live_in_folders(self, owner: str, folder_ids: list[str], limit: int | None = None) -> list[DiagramItem]:
        found = [copy_record(h) for h in self.t.heads.values()
                 if h.gsi1pk == live_index(owner) and h.folder_id in folder_ids]
        return found[:limit] if limit else found


class FakeTrash:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def _children(self, diagram_id: str) -> list[tuple[dict[Any, Any], Any]]:
        return ([(self.t.versions, k) for k in self.t.versions if k[0] == diagram_id]
                + [(self.t.collabs, k) for k in self.t.collabs if k[0] == diagram_id]
                + [(self.t.shares, k) for k, s in self.t.shares.items() if s.diagram_id == diagram_id])

    def set_ttl(self, pk: str, sk: str, expires_at: int | None) -> bool:
        for table in (self.t.versions, self.t.collabs, self.t.shares):
            for k, item in table.items():
                if (item.pk, item.sk) == (pk, sk):
                    table[k] = copy_record(item, expires_at=expires_at)
                    self.t.log("child.ttl", sk, expires_at)
                    return True
        return False

    def expire_children(self, diagram_id: str, expires_at: int | None) -> int:
        children = self._children(diagram_id)
        for table, k in children:
            table[k] = copy_record(table[k], expires_at=expires_at)
        self.t.log("children.ttl", diagram_id, expires_at)
        return len(children)

    def delete_children(self, diagram_id: str) -> int:
        children = self._children(diagram_id)
        for table, k in children:
            del table[k]
        self.t.log("children.delete", diagram_id)
        return len(children)


# store module -> (fake class, the store's pure helpers the fake does not replace)
MODULES: dict[Any, tuple[type, set[str]]] = {
    diagram_store: (FakeDiagrams, {"live_keys"}),
    trash_store: (FakeTrash, set()),
    folder_store: (FakeFolders, set()),
    share_store: (FakeShares, set()),
    collaborator_store: (FakeCollaborators, set()),
    template_store: (FakeTemplates, set()),
}


class FakeStore:
    """One in-memory table behind every fake module; `install` swaps them in."""

    def __init__(self) -> None:
        self.tables = Tables()
        self.fakes = {module: cls(self.tables) for module, (cls, _) in MODULES.items()}

    @property
    def journal(self) -> list[tuple[Any, ...]]:
        return self.tables.journal

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeStore:
        for module, fake in self.fakes.items():
            for name in public_functions(module):
                if hasattr(fake, name):
                    monkeypatch.setattr(module, name, getattr(fake, name))
        return self


def public_functions(module: Any) -> list[str]:
    """The functions a store module defines itself (not what it imports)."""
    return [name for name, value in vars(module).items()
            if callable(value) and not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
            and not isinstance(value, type)]
