"""Diagrams Lambda: diagrams, versions, trash, folders, search, share links, collaborators and
templates (routes under /v1/diagrams, /v1/trash, /v1/folders, /v1/templates, public /v1/shared).
The routes live beside their domain in autograph.diagrams.routes."""

from __future__ import annotations

from autograph.config import DiagramsSettings, load
from autograph.diagrams.routes import routers
from autograph.exports import embed_api, import_api
from autograph.http.app import create_app, lambda_handler

load(DiagramsSettings)  # fail the cold start, naming the variable, if one is missing or invalid

app = create_app("AutoGraph Diagrams", max_body_bytes=6 * 1024 * 1024)
for router in [import_api.router, embed_api.router, *routers]:  # import before /v1/diagrams/{id}
    app.include_router(router)

handler = lambda_handler(app, "diagrams")
