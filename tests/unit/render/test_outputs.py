"""Every fixture (Mermaid family and canvas shape) through SVG, PNG and PDF."""

from __future__ import annotations

import io

import pytest
from autograph.render import RenderOptions, render
from render_helpers import (
    CANVAS_LABELS,
    FIXTURES,
    MERMAID_LABELS,
    SVG,
    all_inputs,
    pdf_text,
    png_image,
    svg_root,
    svg_text,
)

FONT = "Liberation Sans"


def test_every_fixture_file_is_covered() -> None:
    assert {p.stem for p in (FIXTURES / "mermaid").glob("*.mmd")} == set(MERMAID_LABELS)
    assert {p.stem for p in (FIXTURES / "canvas").glob("*.json")} == set(CANVAS_LABELS)


@pytest.mark.parametrize(("source", "labels"), all_inputs())
def test_svg_well_formed_labelled_sized_and_fonted(source, labels) -> None:
    data = render(source, "svg", RenderOptions(padding=10))
    root = svg_root(data)  # raises if not well-formed XML
    text = svg_text(data)
    for label in labels:
        assert label in text, label
    _vx, _vy, vw, vh = (float(v) for v in root.get("viewBox").split())
    assert vw > 20 and vh > 20
    assert float(root.get("width")) == pytest.approx(vw, abs=0.01)
    assert float(root.get("height")) == pytest.approx(vh, abs=0.01)
    assert FONT in root.get("font-family")
    assert all(FONT in t.get("font-family", FONT) for t in root.iter(f"{SVG}text"))


@pytest.mark.parametrize(("source", "labels"), all_inputs())
def test_deterministic_bytes_in_every_format(source, labels) -> None:
    options = RenderOptions(background="#ffffff")
    for fmt in ("svg", "png", "pdf"):
        assert render(source, fmt, options) == render(source, fmt, options), fmt


@pytest.mark.parametrize(("source", "labels"), all_inputs())
def test_pdf_is_vector_with_selectable_labels_and_embedded_font(source, labels) -> None:
    from pypdf import PdfReader

    data = render(source, "pdf")
    text = pdf_text(data)
    for label in labels:
        assert label in text, label
    page = PdfReader(io.BytesIO(data)).pages[0]
    fonts = page["/Resources"]["/Font"]
    embedded = [f.get_object() for f in fonts.values()
                if "LiberationSans" in str(f.get_object()["/BaseFont"])]
    assert embedded and all("/FontFile2" in f["/FontDescriptor"] for f in embedded)
    assert "/XObject" not in page["/Resources"]  # no raster image standing in for vectors


@pytest.mark.parametrize(("source", "labels"), all_inputs())
def test_png_scale_and_background(source, labels) -> None:
    svg_root_ = svg_root(render(source, "svg"))
    width, height = float(svg_root_.get("width")), float(svg_root_.get("height"))
    transparent = png_image(render(source, "png", RenderOptions(scale=2)))
    assert transparent.size == (round(width * 2), round(height * 2))
    corners = [(0, 0), (transparent.width - 1, 0), (0, transparent.height - 1),
               (transparent.width - 1, transparent.height - 1)]
    assert all(transparent.getpixel(c)[3] == 0 for c in corners)
    assert transparent.getchannel("A").getextrema()[1] >= 200  # drawn (note has opacity .9)
    coloured = png_image(render(source, "png", RenderOptions(scale=1, background="#123456")))
    assert coloured.size == (round(width), round(height))
    assert all(coloured.getpixel(c) == (0x12, 0x34, 0x56, 255)
               for c in [(0, 0), (coloured.width - 1, coloured.height - 1)])
