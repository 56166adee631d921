"""API-key scope table and the refresh-token successor derivation (no stack needed)."""

from __future__ import annotations

import pytest
from autograph.auth import scopes


@pytest.mark.parametrize(("method", "path", "scope"), [
    ("GET", "/v1/diagrams", "diagrams:read"),
    ("GET", "/v1/diagrams/abc/versions", "diagrams:read"),
    ("POST", "/v1/diagrams", "diagrams:write"),
    ("PATCH", "/v1/folders/f1", "diagrams:write"),
    ("DELETE", "/v1/diagrams/abc/shares/s1", "diagrams:write"),
    ("GET", "/v1/trash", "diagrams:read"),
    ("POST", "/v1/templates", "diagrams:write"),
    ("POST", "/v1/ai/generate", "ai"),
    ("GET", "/v1/ai/jobs/j1", "ai"),
    ("POST", "/v1/diagrams/abc/ai", "ai"),
    ("GET", "/v1/diagrams/ai", "diagrams:read"),
    ("POST", "/v1/diagrams/abc/exports", "exports"),
    ("GET", "/v1/exports/job1", "exports"),
    ("GET", "/v1/auth/me", ""),
])
def test_required_scope(method: str, path: str, scope: str) -> None:
    assert scopes.required(method, path) == scope


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1/auth/api-keys"), ("GET", "/v1/auth/api-keys"), ("DELETE", "/v1/auth/api-keys/k"),
    ("POST", "/v1/auth/logout"), ("POST", "/v1/auth/password"), ("DELETE", "/v1/auth/me"),
    ("GET", "/v1/auth/audit"), ("GET", "/v1/billing"), ("GET", "/"),
])
def test_keys_never_reach_account_routes_or_unknown_ones(method: str, path: str) -> None:
    with pytest.raises(scopes.Denied):
        scopes.required(method, path)


def test_check_names_the_missing_scope() -> None:
    scopes.check(["diagrams:read"], "GET", "/v1/diagrams")
    with pytest.raises(scopes.Denied, match="diagrams:write"):
        scopes.check(["diagrams:read"], "PUT", "/v1/diagrams/x/star")


def test_successor_is_bound_to_token_and_family() -> None:
    from autograph.auth.sessions import successor_of

    a = successor_of("agr_one", "fam1")
    assert a == successor_of("agr_one", "fam1") and a.startswith("agr_") and len(a) >= 43
    assert a != successor_of("agr_two", "fam1") and a != successor_of("agr_one", "fam2")
