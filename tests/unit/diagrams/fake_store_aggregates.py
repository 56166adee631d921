"""The in-memory twins of store.folders, .shares, .collaborators and .templates (see fake_store)."""

from __future__ import annotations

from typing import Any

from autograph.store.base import ConditionFailed
from autograph.store.diagram_models import (
    CollaboratorItem,
    FolderItem,
    ShareItem,
    TemplateItem,
    shared_index,
    shares_index,
)

from tests.unit.diagrams.fake_store_base import UNSET, Tables, copy_record, key_page


class FakeFolders:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def get(self, owner: str, folder_id: str) -> FolderItem | None:
        found = self.t.folders.get((owner, folder_id))
        return copy_record(found) if found is not None else None

    def create(self, owner: str, folder_id: str, *, name: str, parent_id: str | None, color: str | None,
               stamp: str) -> FolderItem:
        if (owner, folder_id) in self.t.folders:
            raise ConditionFailed(folder_id)
        self.t.folders[(owner, folder_id)] = item = FolderItem(
            *FolderItem.key(owner, folder_id), folder_id=folder_id, owner_id=owner, name=name, parent_id=parent_id,
            color=color, created_at=stamp, updated_at=stamp)
        self.t.log("folder.create", folder_id)
        return copy_record(item)

    def all_of(self, owner: str, limit: int) -> dict[str, FolderItem]:
        return {f: copy_record(item) for (o, f), item in list(self.t.folders.items())[:limit] if o == owner}

    def page(self, owner: str, *, limit: int, cursor: dict[str, Any] | None, parent_id: str | None = None,
             at_root: bool = False) -> tuple[list[FolderItem], dict[str, Any] | None]:
        mine = [f for (o, _), f in self.t.folders.items() if o == owner
                and (not at_root or f.parent_id is None) and (not parent_id or f.parent_id == parent_id)]
        return key_page(mine, lambda f: f.sk, limit, cursor)

    def update(self, owner: str, folder_id: str, *, updated_at: str, name: str | None = UNSET,
               color: str | None = UNSET, parent_id: str | None = UNSET) -> FolderItem:
        found = self.t.folders.get((owner, folder_id))
        if found is None:
            raise ConditionFailed(folder_id)
        changes = {k: v for k, v in (("name", name), ("color", color), ("parent_id", parent_id))
                   if v is not UNSET and not (k == "name" and v is None)}
        self.t.folders[(owner, folder_id)] = fresh = copy_record(found, updated_at=updated_at, **changes)
        self.t.log("folder.update", folder_id)
        return copy_record(fresh)

    def delete(self, owner: str, folder_ids: list[str]) -> None:
        for fid in folder_ids:
            self.t.folders.pop((owner, fid), None)
        self.t.log("folders.delete", tuple(folder_ids))


class FakeShares:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def _update(self, share: ShareItem, what: str, **changes: Any) -> ShareItem:
        token_hash = share.pk.split("#", 1)[1]
        found = self.t.shares.get(token_hash)
        if found is None:
            raise ConditionFailed(share.share_id)
        self.t.shares[token_hash] = fresh = copy_record(found, **changes)
        self.t.log(what, share.share_id)
        return copy_record(fresh)

    def create(self, token_hash: str, *, share_id: str, diagram_id: str, owner_id: str, permission: str,
               password_hash: str | None, created_at: str, link_expires_at: int | None) -> ShareItem:
        if token_hash in self.t.shares:
            raise ConditionFailed(share_id)
        self.t.shares[token_hash] = share = ShareItem(
            *ShareItem.key(token_hash), share_id=share_id, diagram_id=diagram_id, owner_id=owner_id,
            permission=permission, password_hash=password_hash, created_at=created_at,
            link_expires_at=link_expires_at, revoked=False, view_count=0, gsi1pk=shares_index(diagram_id),
            gsi1sk=share_id)
        self.t.log("share.create", share_id)
        return copy_record(share)

    def get(self, token_hash: str) -> ShareItem | None:
        found = self.t.shares.get(token_hash)
        return copy_record(found) if found is not None else None

    def page(self, diagram_id: str, limit: int, cursor: dict[str, Any] | None
             ) -> tuple[list[ShareItem], dict[str, Any] | None]:
        return key_page([s for s in self.t.shares.values() if s.diagram_id == diagram_id], lambda s: s.share_id,
                     limit, cursor)

    def find(self, diagram_id: str, share_id: str) -> ShareItem | None:
        return next((copy_record(s) for s in self.t.shares.values()
                     if s.diagram_id == diagram_id and s.share_id == share_id), None)

    def revoke(self, share: ShareItem, at: str) -> ShareItem:
        return self._update(share, "share.revoke", revoked=True, revoked_at=at)

    def record_view(self, share: ShareItem, at: str) -> ShareItem:
        current = self.t.shares.get(share.pk.split("#", 1)[1])
        count = int(current.view_count or 0) + 1 if current is not None else 1
        return self._update(share, "share.view", view_count=count, last_viewed_at=at)

    def expire_with_head(self, share: ShareItem, expires_at: int) -> bool:
        try:
            self._update(share, "share.ttl", expires_at=expires_at)
        except ConditionFailed:
            return False
        return True


class FakeCollaborators:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def get(self, diagram_id: str, user_id: str) -> CollaboratorItem | None:
        found = self.t.collabs.get((diagram_id, user_id))
        return copy_record(found) if found is not None else None

    def put(self, diagram_id: str, user_id: str, *, email: str, role: str, added_at: str,
            added_by: str) -> CollaboratorItem:
        self.t.collabs[(diagram_id, user_id)] = collab = CollaboratorItem(
            *CollaboratorItem.key(diagram_id, user_id), diagram_id=diagram_id, user_id=user_id, email=email,
            role=role, added_at=added_at, added_by=added_by, gsi1pk=shared_index(user_id),
            gsi1sk=f"{added_at}#{diagram_id}")
        self.t.log("collab.put", diagram_id, user_id)
        return copy_record(collab)

    def expire_with_head(self, diagram_id: str, user_id: str, expires_at: int) -> bool:
        found = self.t.collabs.get((diagram_id, user_id))
        if found is None:
            return False
        self.t.collabs[(diagram_id, user_id)] = copy_record(found, expires_at=expires_at)
        self.t.log("collab.ttl", user_id, expires_at)
        return True

    def page(self, diagram_id: str, limit: int, cursor: dict[str, Any] | None
             ) -> tuple[list[CollaboratorItem], dict[str, Any] | None]:
        return key_page([c for (d, _), c in self.t.collabs.items() if d == diagram_id], lambda c: c.sk, limit, cursor)

    def delete(self, diagram_id: str, user_id: str) -> None:
        self.t.collabs.pop((diagram_id, user_id), None)
        self.t.log("collab.delete", diagram_id, user_id)

    def shared_with_page(self, user_id: str, limit: int, cursor: dict[str, Any] | None
                         ) -> tuple[list[CollaboratorItem], dict[str, Any] | None]:
        seats = [c for (_, u), c in self.t.collabs.items() if u == user_id]
        page, last = key_page(seats, lambda c: c.gsi1sk, limit, cursor, descending=True)
        return [copy_record(c) for c in page], last

    def cursor_after(self, collab: CollaboratorItem) -> dict[str, Any]:
        return {"at": {"S": collab.gsi1sk}}


class FakeTemplates:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def get(self, owner: str, template_id: str) -> TemplateItem | None:
        found = self.t.templates.get((owner, template_id))
        return copy_record(found) if found is not None else None

    def create(self, owner: str, template_id: str, *, name: str, description: str | None, dtype: str,
               source_diagram_id: str | None, created_at: str, inline: str | None, key: str | None,
               size: int) -> TemplateItem:
        self.t.templates[(owner, template_id)] = tpl = TemplateItem(
            *TemplateItem.key(owner, template_id), template_id=template_id, owner_id=owner, name=name,
            description=description, dtype=dtype, source_diagram_id=source_diagram_id, created_at=created_at,
            size_bytes=size, content_inline=inline, content_key=key)
        self.t.log("template.create", template_id)
        return copy_record(tpl)

    def page(self, owner: str, limit: int, cursor: dict[str, Any] | None
             ) -> tuple[list[TemplateItem], dict[str, Any] | None]:
        return key_page([t for (o, _), t in self.t.templates.items() if o == owner], lambda t: t.sk, limit, cursor)

    def delete(self, owner: str, template_id: str) -> None:
        self.t.templates.pop((owner, template_id), None)
        self.t.log("template.delete", template_id)
