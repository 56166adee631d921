"""AI Lambda: generation and refinement through the provider chain (/v1/ai/..., /v1/diagrams/{id}/ai).
The logic is autograph.ai."""

from __future__ import annotations

from autograph.ai import api
from autograph.http.app import create_app, lambda_handler

app = create_app("AutoGraph AI")
app.include_router(api.router)

handler = lambda_handler(app, "ai")
