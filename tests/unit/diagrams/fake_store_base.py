"""What the in-memory store's modules share: the tables, record copies and key-ordered pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from autograph.store.base import UNSET, InvalidCursor
from autograph.store.diagram_models import (
    CollaboratorItem,
    DiagramItem,
    FolderItem,
    ShareItem,
    TemplateItem,
    VersionItem,
)

__all__ = ["UNSET", "Tables", "copy_record", "key_page"]


def copy_record(item: Any, **changes: Any) -> Any:
    """A fresh record with `changes` applied (None clears): records handed out stay unchanged."""
    values = {k: (list(v) if isinstance(v, list) else v) for k, v in item.attribute_values.items()
              if k not in ("pk", "sk")}
    values.update(changes)
    return type(item)(item.pk, item.sk, **values)


def key_page(items: Iterable[Any], sort_key: Callable[[Any], str], limit: int, cursor: dict[str, Any] | None,
             descending: bool = False) -> tuple[list[Any], dict[str, Any] | None]:
    """Sorted, after the cursor, `limit` at most; a cursor only when more remain."""
    ordered = sorted(items, key=sort_key, reverse=descending)
    if cursor is not None:
        if set(cursor) != {"at"} or "S" not in cursor["at"]:
            raise InvalidCursor("not a cursor of this list")
        at = cursor["at"]["S"]
        ordered = [i for i in ordered if (sort_key(i) < at if descending else sort_key(i) > at)]
    page = ordered[:limit]
    more = len(ordered) > limit
    return page, ({"at": {"S": sort_key(page[-1])}} if more and page else None)


class Tables:
    def __init__(self) -> None:
        self.heads: dict[str, DiagramItem] = {}
        self.versions: dict[tuple[str, int], VersionItem] = {}
        self.collabs: dict[tuple[str, str], CollaboratorItem] = {}
        self.shares: dict[str, ShareItem] = {}
        self.folders: dict[tuple[str, str], FolderItem] = {}
        self.templates: dict[tuple[str, str], TemplateItem] = {}
        self.journal: list[tuple[Any, ...]] = []

    def log(self, *entry: Any) -> None:
        self.journal.append(entry)
