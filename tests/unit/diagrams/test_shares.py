"""shares: tokens stored hashed, expiry, passwords, revocation, view counts, edit links."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from autograph.diagrams import lifecycle, shares
from autograph.diagrams.schema import DiagramPatch, ShareIn
from autograph.errors import Forbidden, Gone, NotFound, PreconditionRequired, Unauthorized

from tests.unit.diagrams.conftest import Clock
from tests.unit.diagrams.fake_store import FakeStore
from tests.unit.diagrams.helpers import MERMAID, make


@pytest.fixture
def limiter(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """ratelimit's windows recorded instead of counted (its own tests cover the counting)."""
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(shares.ratelimit, "guard", lambda b, s, **k: calls.append(("guard", b)))
    monkeypatch.setattr(shares.ratelimit, "add_failure", lambda b, s, **k: calls.append(("fail", b)) or 1)
    return calls


def test_the_token_is_returned_once_and_only_its_hash_is_a_key(fake: FakeStore) -> None:
    d = make()
    link = shares.create("u1", d["id"], ShareIn())
    assert link["url"] == f"https://autograph.test/v1/shared/{link['token']}" and len(link["token"]) >= 32
    assert list(fake.tables.shares) == [hashlib.sha256(link["token"].encode()).hexdigest()]
    stored = next(iter(fake.tables.shares.values()))
    assert link["token"] not in repr(stored.attribute_values)


def test_anonymous_view_shows_only_the_diagram_and_counts(fake: FakeStore, clock_at: Clock) -> None:
    d = make(tags=["secret-tag"])
    link = shares.create("u1", d["id"], ShareIn())
    for _ in range(3):
        seen = shares.view(link["token"], None)
    assert seen == {"title": "Plan", "type": "mermaid", "version": 1, "content": {"mermaid": MERMAID},
                    "permission": "view"}
    listed = shares.list_page("u1", d["id"], 50, None)[0][0]
    assert listed["view_count"] == 3 and listed["last_viewed_at"] == "2026-01-01T00:00:00.000Z"


def test_a_link_expires_at_its_time_with_410(fake: FakeStore, clock_at: Clock) -> None:
    d = make()
    link = shares.create("u1", d["id"], ShareIn(expires_in_days=1))
    assert link["expires_at"] == "2026-01-02T00:00:00.000Z"
    clock_at.advance(86400 - 1)
    shares.view(link["token"], None)
    clock_at.advance(1)
    with pytest.raises(Gone, match="expired"):
        shares.view(link["token"], None)


def test_revoked_links_are_410_and_revoking_twice_is_404(fake: FakeStore) -> None:
    d = make()
    link = shares.create("u1", d["id"], ShareIn())
    shares.revoke("u1", d["id"], link["id"])
    with pytest.raises(Gone, match="revoked"):
        shares.view(link["token"], None)
    with pytest.raises(NotFound):
        shares.revoke("u1", d["id"], link["id"])
    with pytest.raises(NotFound):
        shares.revoke("u1", d["id"], "no-such-link")


def test_unknown_tokens_are_404_and_a_trashed_diagram_is_410(fake: FakeStore) -> None:
    d = make()
    link = shares.create("u1", d["id"], ShareIn())
    for bad in ("", "x" * 129, "not-a-token"):
        with pytest.raises(NotFound):
            shares.view(bad, None)
    lifecycle.trash("u1", d["id"])
    with pytest.raises(Gone, match="no longer available"):
        shares.view(link["token"], None)


def test_password_links_need_the_right_password_and_count_failures(fake: FakeStore,
                                                                   limiter: list[tuple[str, Any]]) -> None:
    d = make()
    link = shares.create("u1", d["id"], ShareIn(password="correct horse"))
    assert fake.tables.shares[hashlib.sha256(link["token"].encode()).hexdigest()].password_hash != "correct horse"
    with pytest.raises(Unauthorized, match="needs a password") as missing:
        shares.view(link["token"], None)
    assert missing.value.headers == {"WWW-Authenticate": 'Share-Password realm="autograph"'}
    assert limiter == []  # nothing to count: no password was tried
    with pytest.raises(Unauthorized, match="wrong"):
        shares.view(link["token"], "wrong horse", "10.0.0.1")
    assert limiter == [("guard", "share-pw-ip"), ("guard", "share-pw"), ("fail", "share-pw-ip"), ("fail", "share-pw")]
    assert shares.view(link["token"], "correct horse")["content"] == {"mermaid": MERMAID}
    assert fake.tables.shares[hashlib.sha256(link["token"].encode()).hexdigest()].view_count == 1


def test_only_the_owner_manages_links(fake: FakeStore) -> None:
    d = make()
    with pytest.raises(NotFound):
        shares.create("stranger", d["id"], ShareIn())
    assert fake.tables.shares == {}


def test_edit_links_update_through_optimistic_locking(fake: FakeStore) -> None:
    d = make()
    view_link = shares.create("u1", d["id"], ShareIn())
    edit_link = shares.create("u1", d["id"], ShareIn(permission="edit"))
    with pytest.raises(Forbidden, match="read-only"):
        shares.edit(view_link["token"], None, '"1"', DiagramPatch(title="x"))
    with pytest.raises(PreconditionRequired):
        shares.edit(edit_link["token"], None, None, DiagramPatch(title="x"))
    out = shares.edit(edit_link["token"], None, '"1"', DiagramPatch(title="Edited"))
    assert out["title"] == "Edited" and out["version"] == 2 and out["permission"] == "edit"
    share_id = edit_link["id"]
    assert fake.tables.versions[(d["id"], 2)].author == f"share:{share_id}"
