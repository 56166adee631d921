"""AI Lambda: generation and refinement through the provider chain (/v1/ai/..., /v1/diagrams/{id}/ai).
The logic is autograph.ai."""

from __future__ import annotations

from autograph.ai import api
from autograph.config import AiFunctionSettings, load
from autograph.http.app import create_app, lambda_handler

load(AiFunctionSettings)  # fail the cold start, naming the variable, if one is missing or invalid

app = create_app("AutoGraph AI")
app.include_router(api.router)

handler = lambda_handler(app, "ai")
