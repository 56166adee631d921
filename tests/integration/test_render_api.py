"""POST /v1/render and /v1/validate over HTTP: formats, binary bodies through the API Gateway
path, the S3 cache and ETags, validation errors, per-IP rate limiting."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.helpers import assert_problem, freeze_clock

FLOW = "flowchart LR\n  A[Start here] --> B{Choice}\n  B -->|yes| C[Done]"


def _cache_objects() -> set[str]:
    from autograph.aws import client
    from autograph.config import get_settings

    resp = client("s3").list_objects_v2(Bucket=get_settings().exports_bucket, Prefix="cache/")
    return {o["Key"] for o in resp.get("Contents", [])}


def test_svg_is_sanitized_text_with_labels(api: httpx.Client) -> None:
    resp = api.post("/v1/render", json={"source": FLOW, "format": "svg"})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("image/svg+xml")
    assert "Start here" in resp.text and "<script" not in resp.text


def test_png_goes_through_base64_and_back_at_the_asked_scale(api: httpx.Client) -> None:
    one = api.post("/v1/render", json={"source": FLOW, "format": "png", "scale": 1, "background": "#ff0000"})
    two = api.post("/v1/render", json={"source": FLOW, "format": "png", "scale": 2, "background": "#ff0000"})
    assert one.headers["content-type"] == "image/png" and two.status_code == 200
    small, big = Image.open(io.BytesIO(one.content)), Image.open(io.BytesIO(two.content))
    assert big.size == (small.size[0] * 2, small.size[1] * 2)
    assert big.convert("RGBA").getpixel((0, 0)) == (255, 0, 0, 255)


def test_pdf_is_binary_pdf(api: httpx.Client) -> None:
    resp = api.post("/v1/render", json={"source": FLOW, "format": "pdf"})
    assert resp.headers["content-type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF-")
    from pypdf import PdfReader

    assert "Start here" in PdfReader(io.BytesIO(resp.content)).pages[0].extract_text()


def test_canvas_renders(api: httpx.Client) -> None:
    canvas = {"shapes": [{"id": "a", "type": "rectangle", "x": 10, "y": 10, "w": 120, "h": 60, "text": "Box A"}]}
    resp = api.post("/v1/render", json={"canvas": canvas, "format": "svg"})
    assert resp.status_code == 200 and "Box A" in resp.text


def test_repeat_is_a_cache_hit_with_stable_etag_and_304(api: httpx.Client) -> None:
    payload = {"source": FLOW + "\n  C --> D[Cache me]", "format": "png", "scale": 2}
    first = api.post("/v1/render", json=payload)
    second = api.post("/v1/render", json=payload)
    assert first.headers["x-render-cache"] == "miss" and second.headers["x-render-cache"] == "hit"
    assert first.headers["etag"] == second.headers["etag"] and first.content == second.content
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    etag = first.headers["etag"].strip('"')
    assert f"cache/{etag}.png" in _cache_objects()
    not_modified = api.post("/v1/render", json=payload, headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_invalid_source_is_422_with_line_and_nothing_cached(api: httpx.Client) -> None:
    before = _cache_objects()
    resp = api.post("/v1/render", json={"source": "flowchart LR\n  A --> B\n  B --> ", "format": "svg"})
    body = assert_problem(resp, 422)
    assert body["validation"]["valid"] is False
    assert body["validation"]["errors"][0]["line"] == 3
    assert "line 3" in body["detail"]
    assert _cache_objects() == before


@pytest.mark.parametrize("payload", [
    {"format": "svg"},
    {"source": FLOW, "canvas": {"shapes": []}, "format": "svg"},
    {"source": FLOW, "format": "gif"},
    {"source": FLOW, "format": "png", "scale": 3},
    {"source": FLOW, "format": "svg", "background": "red"},
    {"source": FLOW, "format": "svg", "theme": "neon"},
    {"canvas": {"shapes": [{"id": "a", "type": "hexagon", "x": 0, "y": 0, "w": 1, "h": 1}]}, "format": "svg"},
])
def test_bad_render_requests_are_422(api: httpx.Client, payload: dict[str, Any]) -> None:
    before = _cache_objects()
    assert_problem(api.post("/v1/render", json=payload), 422)
    assert _cache_objects() == before


def test_validate_reports_valid_and_invalid_with_200(api: httpx.Client) -> None:
    ok = api.post("/v1/validate", json={"source": FLOW})
    assert ok.status_code == 200
    assert ok.json()["valid"] is True and ok.json()["diagram_type"] == "flowchart"
    assert ok.json()["stats"]["nodes"] == 3
    bad = api.post("/v1/validate", json={"source": "sequenceDiagram\n  Alice->>Bob: hi\n  Bob-->>"})
    assert bad.status_code == 200 and bad.json()["valid"] is False
    assert bad.json()["errors"][0]["line"] == 3
    empty = api.post("/v1/validate", json={"source": ""})
    assert empty.status_code == 200 and empty.json()["valid"] is False


def test_rate_limit_per_ip_with_retry_after(stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = freeze_clock(monkeypatch)  # 61 requests in one minute window, however slow
    retry_after = int(clock["t"] // 60 * 60 + 60 - clock["t"]) + 1  # the rest of the window
    other_ip = httpx.HTTPTransport(local_address="127.0.0.3")
    with httpx.Client(base_url=stack.url, transport=other_ip) as client:
        codes = [client.post("/v1/validate", json={"source": FLOW}).status_code for _ in range(60)]
        assert codes == [200] * 60
        limited = client.post("/v1/render", json={"source": FLOW, "format": "svg"})
        assert_problem(limited, 429)
        assert limited.headers["Retry-After"] == str(retry_after)
        with httpx.Client(base_url=stack.url) as elsewhere:  # another IP is not affected
            assert elsewhere.post("/v1/validate", json={"source": FLOW}).status_code == 200
        clock["t"] += 60  # the next window
        assert client.post("/v1/validate", json={"source": FLOW}).status_code == 200
