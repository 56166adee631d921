"""Auth Lambda: accounts, tokens, API keys, JWKS and the audit log (routes under /v1/auth).
The routes live beside their domain in autograph.auth.routes."""

from __future__ import annotations

from autograph.auth.routes import routers
from autograph.config import AuthSettings, load
from autograph.http.app import create_app, lambda_handler

load(AuthSettings)  # fail the cold start, naming the variable, if one is missing or invalid

app = create_app("AutoGraph Auth", max_body_bytes=16 * 1024)
for router in routers:
    app.include_router(router)

handler = lambda_handler(app, "auth")
