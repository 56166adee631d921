"""API key rules against an in-memory store: the limit, scopes of old keys, revoke."""

from __future__ import annotations

from dataclasses import replace

import pytest
from autograph.auth import apikeys, scopes
from autograph.errors import Conflict, NotFound

from tests.unit.auth.fake_store import FakeApiKeys


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FakeApiKeys:
    fake = FakeApiKeys()
    monkeypatch.setattr(apikeys, "store", fake)
    return fake


def test_one_key_over_the_limit_is_a_409_and_stores_nothing(store: FakeApiKeys,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apikeys, "MAX_KEYS_PER_USER", 2)
    made = [apikeys.create("u1", "u1@example.com", f"k{i}", ["ai"]) for i in range(2)]
    with pytest.raises(Conflict) as info:
        apikeys.create("u1", "u1@example.com", "k2", ["ai"])
    assert "at most 2 API keys" in info.value.detail and info.value.extra == {"limit": 2}
    assert len(store.records) == 2 and len(store.lookups) == 2
    apikeys.create("u2", "u2@example.com", "theirs", ["ai"])  # the limit is per user
    apikeys.revoke("u1", made[0]["id"])
    assert apikeys.create("u1", "u1@example.com", "k3", ["ai"])["name"] == "k3"


def test_the_secret_is_shown_once_and_resolves_to_its_owner(store: FakeApiKeys) -> None:
    created = apikeys.create("u1", "u1@example.com", "ci", ["exports", "diagrams:read"])
    assert created["key"].startswith(created["prefix"]) and created["prefix"].startswith(apikeys.KEY_PREFIX)
    assert created["scopes"] == ["diagrams:read", "exports"]  # in the canonical order
    owner = apikeys.resolve(created["key"])
    assert owner is not None and (owner.user_id, owner.key_id) == ("u1", created["id"])
    listed, _ = apikeys.list_keys("u1", 50, None)
    assert "key" not in listed[0] and created["key"] not in str(store.records)
    assert apikeys.resolve("agk_not-a-key") is None and apikeys.resolve("eyJ.a.b") is None


def test_keys_from_before_scopes_keep_every_data_scope(store: FakeApiKeys) -> None:
    created = apikeys.create("u1", "u1@example.com", "old", ["ai"])
    (key_hash,) = store.lookups
    store.lookups[key_hash] = replace(store.lookups[key_hash], scopes=None)  # as stored before scopes
    owner = apikeys.resolve(created["key"])
    assert owner is not None and owner.scopes == scopes.SCOPES
    assert apikeys.list_keys("u1", 50, None)[0][0]["scopes"] == ["ai"]  # the record keeps its own


def test_revoking_a_missing_or_someone_elses_key_is_404(store: FakeApiKeys) -> None:
    created = apikeys.create("u1", "u1@example.com", "mine", ["ai"])
    with pytest.raises(NotFound):
        apikeys.revoke("u2", created["id"])
    with pytest.raises(NotFound):
        apikeys.revoke("u1", "nope")
    assert apikeys.resolve(created["key"]) is not None
