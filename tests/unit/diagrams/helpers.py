"""Builders shared by the diagrams unit tests (they run against the in-memory store)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from autograph.diagrams import service
from autograph.diagrams.schema import DiagramCreate
from autograph.store import collaborators as collaborator_store
from autograph.store import folders as folder_store

MERMAID = "graph TD\n  A --> B\n"


def make(owner: str = "u1", **body: Any) -> dict[str, Any]:
    """A diagram created through the domain (version 1 and its snapshot)."""
    payload: dict[str, Any] = {"title": "Plan", "type": "mermaid", "content": {"mermaid": MERMAID}}
    payload.update(body)
    return service.create(owner, DiagramCreate(**payload))


def seat(diagram_id: str, user_id: str, role: str, added_at: str = "2026-01-01T00:00:00.000Z") -> None:
    collaborator_store.put(diagram_id, user_id, email=f"{user_id}@x.test", role=role, added_at=added_at,
                           added_by="owner")


def folder(owner: str, folder_id: str, parent_id: str | None = None, name: str | None = None) -> None:
    folder_store.create(owner, folder_id, name=name or folder_id, parent_id=parent_id, color=None,
                        stamp="2026-01-01T00:00:00.000Z")


def user(user_id: str, email: str) -> Any:
    """What auth.accounts.find_by_email returns, as far as collaborators read it."""
    return SimpleNamespace(user_id=user_id, email=email)
