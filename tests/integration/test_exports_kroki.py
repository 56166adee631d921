"""The Kroki-compatible API decodes what a Kroki client encodes, answers Kroki's status codes and
content types, and caches by content."""

from __future__ import annotations

import base64
import io
import zlib

import httpx

FLOW = "flowchart LR\n  a[Kroki] --> b[Client]\n"


def kroki_encode(source: str) -> str:
    # Exactly what Kroki's docs and clients (mkdocs-kroki-plugin) do.
    return base64.urlsafe_b64encode(zlib.compress(source.encode("utf-8"), 9)).decode("ascii")


def test_get_decodes_what_a_kroki_client_encodes(api: httpx.Client) -> None:
    resp = api.get(f"/v1/kroki/mermaid/svg/{kroki_encode(FLOW)}")
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "image/svg+xml"
    assert "Kroki" in resp.text and "Client" in resp.text and "<script" not in resp.text
    assert "immutable" in resp.headers["cache-control"]
    again = api.get(f"/v1/kroki/mermaid/svg/{kroki_encode(FLOW)}", headers={"If-None-Match": resp.headers["etag"]})
    assert again.status_code == 304
    # Unpadded base64url works too (some clients strip the padding).
    assert api.get(f"/v1/kroki/mermaid/svg/{kroki_encode(FLOW).rstrip('=')}").content == resp.content


def test_png_pdf_and_options(api: httpx.Client) -> None:
    from PIL import Image

    png = api.get(f"/v1/kroki/mermaid/png/{kroki_encode(FLOW)}", params={"background": "#00ff00"})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).convert("RGB").getpixel((1, 1)) == (0, 255, 0)
    pdf = api.post("/v1/kroki/mermaid/pdf", content=FLOW, headers={"content-type": "text/plain"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_post_forms(api: httpx.Client) -> None:
    plain = api.post("/v1/kroki/mermaid/svg", content=FLOW, headers={"content-type": "text/plain"})
    assert plain.status_code == 200 and "Kroki" in plain.text
    as_json = api.post("/v1/kroki", json={"diagram_source": FLOW, "diagram_type": "mermaid", "output_format": "svg"})
    assert as_json.status_code == 200 and as_json.content == plain.content
    by_accept = api.post("/v1/kroki/mermaid", content=FLOW, headers={"content-type": "text/plain",
                                                                     "accept": "image/svg+xml"})
    assert by_accept.status_code == 200 and by_accept.content == plain.content
    json_body = api.post("/v1/kroki/mermaid/svg", json={"diagram_source": FLOW})
    assert json_body.status_code == 200 and json_body.content == plain.content


def test_kroki_errors_are_plain_text_400(api: httpx.Client) -> None:
    cases = [
        (api.get(f"/v1/kroki/plantuml/svg/{kroki_encode('Bob -> Alice')}"), "mermaid"),
        (api.get(f"/v1/kroki/mermaid/jpeg/{kroki_encode(FLOW)}"), "svg, png, pdf"),
        (api.get("/v1/kroki/mermaid/svg/not*base64!"), "base64"),
        (api.get(f"/v1/kroki/mermaid/svg/{base64.urlsafe_b64encode(b'plain, not deflated').decode()}"), "decoded"),
        (api.post("/v1/kroki", json={"diagram_source": "x", "diagram_type": "graphviz", "output_format": "svg"}),
         "mermaid"),
        (api.post("/v1/kroki/mermaid/svg", content="flowchart LR\n  a -->\n", headers={"content-type": "text/plain"}),
         "line 2"),
        (api.post("/v1/kroki/mermaid", content=FLOW, headers={"content-type": "text/plain", "accept": "text/html"}),
         "Accept"),
    ]
    for resp, mention in cases:
        assert resp.status_code == 400, resp.text
        assert resp.headers["content-type"].startswith("text/plain"), resp.headers
        assert mention in resp.text, resp.text


def test_a_deflate_bomb_is_refused(api: httpx.Client) -> None:
    bomb = kroki_encode("flowchart LR\n" + "%%" + "x" * 2_000_000)
    resp = api.get(f"/v1/kroki/mermaid/svg/{bomb}")
    assert resp.status_code == 400 and "exceeds" in resp.text
