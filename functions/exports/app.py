"""Exports Lambda: public, browser-free rendering (POST /v1/render) and validation (POST /v1/validate),
export jobs (/v1/diagrams/{id}/exports, /v1/exports) and the Kroki-compatible API (/v1/kroki).
The routes live beside their domain in autograph.exports (render_api, jobs_api, kroki_api)."""

from __future__ import annotations

from autograph.config import ExportsSettings, load
from autograph.exports import jobs_api, kroki_api, render_api
from autograph.http.app import create_app, lambda_handler

load(ExportsSettings)  # fail the cold start, naming the variable, if one is missing or invalid

app = create_app("AutoGraph Exports", max_body_bytes=6 * 1024 * 1024)
for router in (jobs_api.router, kroki_api.router, render_api.router):
    app.include_router(router)

handler = lambda_handler(app, "exports")
