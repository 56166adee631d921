"""Refresh-token rules against an in-memory store: rotation, reuse revokes the family, the grace
window for concurrent refreshes, expiry and sign-out everywhere."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from autograph import clock
from autograph.auth import sessions
from autograph.errors import Unauthorized

from tests.unit.auth.fake_store import FakeSessions

T0 = 1_900_000_000.0
GRACE = 10


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FakeSessions:
    fake = FakeSessions()
    monkeypatch.setattr(sessions, "store", fake)
    monkeypatch.setattr(sessions, "get_settings", lambda: SimpleNamespace(
        refresh_token_ttl=30 * 24 * 3600, refresh_reuse_grace_seconds=GRACE))
    return fake


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    t = {"now": T0}
    monkeypatch.setattr(clock, "now", lambda: t["now"])
    return t


def _family(store: FakeSessions) -> object:
    (family,) = store.families.values()
    return family


def test_rotation_replaces_the_token_and_moves_expiry(store: FakeSessions, now: dict[str, float]) -> None:
    first = sessions.start_family("u1")
    assert first.startswith(sessions.TOKEN_PREFIX)
    now["now"] += 3600
    second = sessions.rotate(first)
    assert second.user_id == "u1" and second.refresh_token == sessions.successor_of(first, _family(store).family_id)
    assert _family(store).expires_at == int(T0 + 3600) + 30 * 24 * 3600  # activity keeps it alive
    third = sessions.rotate(second.refresh_token)
    assert third.refresh_token not in (first, second.refresh_token)


def test_reuse_after_the_grace_window_revokes_the_whole_family(store: FakeSessions, now: dict[str, float]) -> None:
    first = sessions.start_family("u1")
    second = sessions.rotate(first).refresh_token
    now["now"] += GRACE + 1
    with pytest.raises(sessions.ReuseDetected) as info:
        sessions.rotate(first)
    assert info.value.user_id == "u1" and info.value.status == 401
    assert _family(store).revoked
    with pytest.raises(Unauthorized, match="revoked"):
        sessions.rotate(second)  # the thief's (or the owner's) successor dies with the family


def test_within_the_grace_window_the_same_successor_comes_back(store: FakeSessions, now: dict[str, float]) -> None:
    first = sessions.start_family("u1")
    second = sessions.rotate(first).refresh_token
    now["now"] += GRACE  # the edge of the window still counts
    assert sessions.rotate(first).refresh_token == second
    assert not _family(store).revoked
    assert sessions.rotate(second).refresh_token  # and the session goes on


def test_grace_never_covers_a_token_two_rotations_old(store: FakeSessions, now: dict[str, float]) -> None:
    first = sessions.start_family("u1")
    second = sessions.rotate(first).refresh_token
    sessions.rotate(second)
    with pytest.raises(sessions.ReuseDetected):
        sessions.rotate(first)  # immediately, yet it is not the token rotated away last
    assert _family(store).revoked


def test_a_lost_race_gets_the_winners_successor(store: FakeSessions, now: dict[str, float]) -> None:
    first = sessions.start_family("u1")
    won: list[str] = []

    def concurrent_refresh() -> None:  # another request with the same token commits first
        won.append(sessions.rotate(first).refresh_token)

    store.before_rotate = concurrent_refresh
    assert sessions.rotate(first).refresh_token == won[0]
    assert not _family(store).revoked


def test_zero_grace_treats_any_second_use_as_reuse(store: FakeSessions, now: dict[str, float],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "get_settings", lambda: SimpleNamespace(
        refresh_token_ttl=3600, refresh_reuse_grace_seconds=0))
    first = sessions.start_family("u1")
    sessions.rotate(first)
    with pytest.raises(sessions.ReuseDetected):
        sessions.rotate(first)


@pytest.mark.parametrize("token", ["nope", "agr_unknown", ""])
def test_unknown_tokens_are_invalid(store: FakeSessions, now: dict[str, float], token: str) -> None:
    with pytest.raises(Unauthorized, match="not valid"):
        sessions.rotate(token)


def test_expired_token_is_refused_and_nothing_changes(store: FakeSessions, now: dict[str, float]) -> None:
    first = sessions.start_family("u1")
    before = _family(store)
    now["now"] += 30 * 24 * 3600
    with pytest.raises(Unauthorized, match="expired"):
        sessions.rotate(first)
    assert _family(store) == before


def test_revoke_all_ends_every_family_of_that_user_only(store: FakeSessions, now: dict[str, float]) -> None:
    mine = [sessions.start_family("u1") for _ in range(3)]
    theirs = sessions.start_family("u2")
    sessions.revoke_family("u1", sessions.owner_of(mine[0])[1])
    assert sessions.revoke_all("u1") == 2  # the one already revoked is not counted again
    for token in mine:
        with pytest.raises(Unauthorized, match="revoked"):
            sessions.rotate(token)
    assert sessions.rotate(theirs).user_id == "u2"
