"""API key scopes and the route each one opens.

A key carries a subset of SCOPES chosen at creation. The authorizer maps the request's method
and path to the scope it needs; a key never manages keys, sessions or the account (every
/v1/auth route but `GET /v1/auth/me`), and a protected path this table does not know is refused
for keys (fail closed: a new route family must be added here before keys can reach it).
Access tokens (a signed-in person) are not limited by scopes.
"""

from __future__ import annotations

SCOPES = ("diagrams:read", "diagrams:write", "ai", "exports")
DIAGRAM_ROOTS = frozenset({"diagrams", "folders", "templates", "trash", "shared"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KEY_SELF_SERVICE = frozenset({("GET", "/v1/auth/me")})


class Denied(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def required(method: str, path: str) -> str:
    """The scope an API key needs for this request, or Denied if no key may make it."""
    method = method.upper()
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or parts[0] != "v1":
        raise Denied("API keys cannot call this route.")
    root = parts[1]
    if root == "auth":
        if (method, "/" + "/".join(parts)) in KEY_SELF_SERVICE:
            return ""
        raise Denied("API keys cannot manage keys, sessions or the account; sign in instead.")
    # Generation, and an AI change to a diagram (/v1/diagrams/{id}/ai), need the ai scope.
    if root == "ai" or (root == "diagrams" and parts[3:4] == ["ai"]):
        return "ai"
    # Exports of a diagram live under the diagram (or at /v1/exports): the exports scope either way.
    if root == "exports" or "exports" in parts[2:] or "export" in parts[2:]:
        return "exports"
    if root in DIAGRAM_ROOTS:
        return "diagrams:read" if method in READ_METHODS else "diagrams:write"
    raise Denied("API keys cannot call this route.")


def check(granted: list[str] | tuple[str, ...] | set[str], method: str, path: str) -> None:
    need = required(method, path)
    if need and need not in granted:
        raise Denied(f"This API key lacks the '{need}' scope.")
