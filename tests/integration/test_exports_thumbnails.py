"""Thumbnails after create and update, and share links embedded as images."""

from __future__ import annotations

import io
from typing import Any

import httpx

from tests.helpers import assert_problem

FLOW = "flowchart LR\n  a[Thumb] --> b[Nail]\n"


def thumbnail_after(api: httpx.Client, headers: dict[str, str], diagram_id: str, version: int) -> bytes:
    """The thumbnail once the worker drew the given version. A sentinel export queued after the
    thumbnail message is waited on with ?wait (the single local poller takes messages in order of
    arrival); then the head is read once more."""
    from PIL import Image

    job = api.post(f"/v1/diagrams/{diagram_id}/exports", json={"format": "json"}, headers=headers).json()
    api.get(f"/v1/exports/{job['id']}", params={"wait": 20}, headers=headers)
    d = api.get(f"/v1/diagrams/{diagram_id}", headers=headers).json()
    assert d.get("thumbnail_url"), d
    assert f"/{version}.png" in d["thumbnail_url"]
    png = httpx.get(d["thumbnail_url"], timeout=10).content
    image = Image.open(io.BytesIO(png))
    assert image.size == (256, 256)
    assert image.convert("RGB").getpixel((0, 0)) == (248, 250, 252)  # the light padding
    return png


def test_thumbnail_appears_after_create_and_changes_after_update(api: httpx.Client, register: Any) -> None:
    user = register()
    d = api.post("/v1/diagrams", json={"title": "T", "type": "mermaid", "content": {"mermaid": FLOW}},
                 headers=user["headers"]).json()
    first = thumbnail_after(api, user["headers"], d["id"], 1)
    resp = api.patch(f"/v1/diagrams/{d['id']}", json={"content": {"mermaid": FLOW + "  b --> c[More]\n  c --> d\n"}},
                     headers={**user["headers"], "If-Match": '"1"'})
    assert resp.status_code == 200, resp.text
    second = thumbnail_after(api, user["headers"], d["id"], 2)
    assert first != second
    listed = api.get("/v1/diagrams", headers=user["headers"]).json()["items"]
    assert "/2.png" in listed[0]["thumbnail_url"]


def test_an_older_thumbnail_never_replaces_a_newer_one(api: httpx.Client, register: Any) -> None:
    from autograph.exports import thumbnail_jobs

    user = register()
    d = api.post("/v1/diagrams", json={"title": "T", "type": "mermaid", "content": {"mermaid": FLOW}},
                 headers=user["headers"]).json()
    api.patch(f"/v1/diagrams/{d['id']}", json={"title": "T2", "content": {"mermaid": FLOW + "  b --> z\n"}},
              headers={**user["headers"], "If-Match": '"1"'})
    thumbnail_after(api, user["headers"], d["id"], 2)
    assert thumbnail_jobs.run(d["id"], 1) == "stale"  # a late message for version 1 draws nothing
    assert "/2.png" in api.get(f"/v1/diagrams/{d['id']}", headers=user["headers"]).json()["thumbnail_url"]


def test_share_link_as_embedded_image(api: httpx.Client, register: Any) -> None:
    user = register()
    d = api.post("/v1/diagrams", json={"title": "Shared", "type": "mermaid", "content": {"mermaid": FLOW}},
                 headers=user["headers"]).json()
    share = api.post(f"/v1/diagrams/{d['id']}/shares", json={"permission": "view"}, headers=user["headers"])
    assert share.status_code == 201, share.text
    token = share.json()["token"]
    svg = api.get(f"/v1/shared/{token}/image.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml" and "Thumb" in svg.text
    assert api.get(f"/v1/shared/{token}/image.svg", headers={"If-None-Match": svg.headers["etag"]}).status_code == 304
    png = api.get(f"/v1/shared/{token}/image.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    # The current version is what the link shows.
    api.patch(f"/v1/diagrams/{d['id']}", json={"content": {"mermaid": "flowchart LR\n  x[Changed] --> y\n"}},
              headers={**user["headers"], "If-Match": '"1"'})
    assert "Changed" in api.get(f"/v1/shared/{token}/image.svg").text
    protected = api.post(f"/v1/diagrams/{d['id']}/shares", json={"permission": "view", "password": "open sesame"},
                         headers=user["headers"]).json()["token"]
    assert api.get(f"/v1/shared/{protected}/image.svg").status_code == 401
    assert api.get(f"/v1/shared/{protected}/image.svg", params={"password": "open sesame"}).status_code == 200
    assert api.get(f"/v1/shared/{protected}/image.png", headers={"X-Share-Password": "open sesame"}).status_code == 200
    share_id = share.json()["id"]
    assert api.delete(f"/v1/diagrams/{d['id']}/shares/{share_id}", headers=user["headers"]).status_code == 204
    assert_problem(api.get(f"/v1/shared/{token}/image.svg"), 410)
