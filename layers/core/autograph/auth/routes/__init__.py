"""The Auth function's HTTP routes, one APIRouter per sub-resource, in routing order."""

from __future__ import annotations

from . import account, api_keys, audit, password_reset, sessions

# account first: its DELETE /v1/auth/me stays ahead of GET in the OpenAPI path item, as before.
routers = [account.router, sessions.router, password_reset.router, api_keys.router, audit.router]
