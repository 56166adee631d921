"""POST /v1/render says which engine drew the picture (X-Render-Engine), also on a cache hit,
and passes render warnings on; /v1/validate reports the engine and the warnings."""

from __future__ import annotations

import json

import httpx

FRONT = "---\ntitle: Shipping\nconfig:\n  theme: forest\n---\nflowchart LR\n  A[Order] --> B[Ship ✓]\n"


def test_render_names_the_engine_and_keeps_it_on_a_cache_hit(api: httpx.Client) -> None:
    first = api.post("/v1/render", json={"source": FRONT, "format": "svg"})
    assert first.status_code == 200 and first.headers["X-Render-Engine"] == "merman"
    assert "Shipping" in first.text  # the front matter title: the main engine drew it
    again = api.post("/v1/render", json={"source": FRONT, "format": "svg"})
    assert again.headers["X-Render-Cache"] == "hit" and again.headers["X-Render-Engine"] == "merman"
    shapes = [{"id": "a", "type": "rectangle", "x": 10, "y": 10, "w": 120, "h": 60, "text": "Box A"}]
    canvas = api.post("/v1/render", json={"canvas": {"shapes": shapes}, "format": "svg"})
    assert canvas.status_code == 200, canvas.text
    assert canvas.headers["X-Render-Engine"] == "canvas"


def test_characters_without_a_font_come_back_as_a_warning(api: httpx.Client) -> None:
    source = "flowchart LR\n  A[漢字ラベル] --> B[ok]\n"
    resp = api.post("/v1/render", json={"source": source, "format": "png"})
    assert resp.status_code == 200
    warnings = json.loads(resp.headers["X-Render-Warnings"])
    assert any("漢" in w for w in warnings)
    checked = api.post("/v1/validate", json={"source": source}).json()
    assert checked["valid"] and checked["engine"] == "merman"
    assert any("漢" in w for w in checked["warnings"])
