"""Options, cache key, content types, limits, engine fallback, fonts, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from autograph.render import (
    RenderInputError,
    RenderLimitExceeded,
    RenderOptions,
    cache_key,
    content_type,
    engine,
    render,
)
from autograph.render.__main__ import main
from autograph.render.options import MAX_SOURCE_BYTES
from render_helpers import FIXTURES, SVG, canvas_doc, mermaid_source, png_image, svg_root

FLOW = "flowchart LR\n  A[Alpha] --> B[Beta]\n"


@pytest.mark.parametrize("bad", [
    {"theme": "pink"}, {"background": "red"}, {"background": "#12345"}, {"scale": 3},
    {"scale": True}, {"padding": -1}, {"max_width": 0}, {"page": "a3"}, {"colour": "x"},
])
def test_options_from_dict_rejects_bad_values(bad: dict) -> None:
    with pytest.raises(RenderInputError):
        RenderOptions.from_dict(bad)


def test_options_from_dict_accepts_and_normalizes() -> None:
    opts = RenderOptions.from_dict({"theme": "dark", "background": "#AABBCC", "scale": 4,
                                    "page": "A4", "max_width": 300})
    assert (opts.background, opts.page, opts.scale) == ("#aabbcc", "a4", 4)


def test_bad_format_and_input() -> None:
    with pytest.raises(RenderInputError):
        render(FLOW, "gif")
    with pytest.raises(RenderInputError):
        render(["not", "a", "doc"], "svg")  # type: ignore[arg-type]
    with pytest.raises(RenderInputError):
        render({"shapes": [{"type": "hexagon"}]}, "svg")
    with pytest.raises(RenderInputError):
        render({"shapes": [{"type": "rectangle", "x": float("nan")}]}, "svg")


def test_content_types() -> None:
    assert content_type("svg") == "image/svg+xml"
    assert content_type("png") == "image/png"
    assert content_type("PDF") == "application/pdf"


def test_cache_key_stable_and_sensitive() -> None:
    key = cache_key(FLOW, "png", RenderOptions(scale=2))
    assert len(key) == 64 and key == cache_key(FLOW + "\n\n", "png", RenderOptions(scale=2))
    assert key != cache_key(FLOW, "png", RenderOptions(scale=4))
    assert key != cache_key(FLOW, "svg", RenderOptions(scale=2))
    assert key != cache_key(FLOW.replace("Beta", "Gamma"), "png", RenderOptions(scale=2))
    assert cache_key(FLOW, "svg", RenderOptions(scale=2)) == cache_key(FLOW, "svg")
    assert cache_key({"shapes": []}, "svg") != cache_key({"shapes": [{"type": "text"}]}, "svg")


def test_theme_changes_mermaid_and_canvas_output() -> None:
    for src in (FLOW, canvas_doc("rectangle") | {"shapes": [{"type": "rectangle"}]}):
        assert render(src, "svg") != render(src, "svg", RenderOptions(theme="dark"))


def test_padding_and_max_width() -> None:
    plain = svg_root(render(FLOW, "svg", RenderOptions(padding=0)))
    padded = svg_root(render(FLOW, "svg", RenderOptions(padding=50)))
    assert float(padded.get("width")) == pytest.approx(float(plain.get("width")) + 100, abs=1)
    small = svg_root(render(FLOW, "svg", RenderOptions(max_width=100)))
    assert float(small.get("width")) == 100
    png = png_image(render(FLOW, "png", RenderOptions(max_width=100, scale=2)))
    assert png.width == 200


def test_source_size_limit() -> None:
    with pytest.raises(RenderLimitExceeded):
        render("flowchart TD\n" + "%%" * MAX_SOURCE_BYTES, "svg")


def test_pixel_limit() -> None:
    doc = {"shapes": [{"type": "rectangle", "w": 6000, "h": 3000}]}
    with pytest.raises(RenderLimitExceeded, match="MP"):
        render(doc, "png", RenderOptions(scale=2))
    assert render(doc, "svg")  # the same drawing is fine as SVG


def test_shape_count_limit() -> None:
    with pytest.raises(RenderLimitExceeded):
        render({"shapes": [{"type": "rectangle"}] * 2001}, "svg")


def test_time_budget_stops_the_render() -> None:
    with pytest.raises(RenderLimitExceeded, match="budget"):
        render(FLOW, "svg", RenderOptions(time_budget_s=1e-9))


def test_falls_back_to_second_engine_when_primary_crashes(monkeypatch) -> None:
    real = engine._call
    calls: list[str] = []

    def flaky(source: str, backend: str) -> str:
        calls.append(backend)
        if backend == engine.PRIMARY:
            raise engine.EngineError("layout panicked", backend, parse=False)
        return real(source, backend)

    monkeypatch.setattr(engine, "_call", flaky)
    monkeypatch.setenv("AUTOGRAPH_RENDER_ISOLATION", "inline")  # the patch lives in this process
    out = render(FLOW, "svg")
    assert calls == [engine.PRIMARY, engine.SECONDARY]
    assert b"Alpha" in out and b"Beta" in out
    root = svg_root(out)  # the rs engine's opaque white background is removed
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("fill", "").upper() == "#FFFFFF"
                and r.get("x") == "0" and r.get("y") == "0"]


def test_parse_errors_do_not_fall_back() -> None:
    # mermaid-rs-renderer accepts this, but Mermaid's grammar (merman) does not.
    assert engine.try_render("flowchart TD\n A-->B\n B-->>C\n", engine.SECONDARY)[1] is None
    from autograph.render import InvalidDiagram

    with pytest.raises(InvalidDiagram):
        render("flowchart TD\n A-->B\n B-->>C\n", "svg")


def test_png_text_renders_with_empty_font_directory(tmp_path) -> None:
    empty = tmp_path / "fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<fontconfig><dir>{empty}</dir><cachedir>{tmp_path}</cachedir>"
                    "</fontconfig>")
    code = (
        "import sys; from autograph.render import render, RenderOptions\n"
        "doc = {'shapes': [{'type': 'text', 'x': 0, 'y': 0, 'w': 300, 'text': sys.argv[1],"
        " 'style': {'font_size': 30}}]}\n"
        "sys.stdout.buffer.write(render(doc, 'png', RenderOptions(background='#ffffff')))\n"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "FONTCONFIG_PATH": str(tmp_path),
           "XDG_DATA_HOME": str(empty), "HOME": str(tmp_path),
           "PYTHONPATH": os.pathsep.join(sys.path)}

    def dark_pixels(text: str) -> int:
        png = subprocess.run([sys.executable, "-c", code, text], env=env, check=True,
                             capture_output=True).stdout
        gray = png_image(png).convert("L")
        return sum(gray.histogram()[:128])

    assert dark_pixels("Hello fonts") > 200  # glyphs were drawn...
    assert dark_pixels(" ") == 0  # ...and they are the only dark pixels


def test_pdf_page_sizes() -> None:
    import io

    from pypdf import PdfReader

    def box(**kw) -> tuple[float, float]:
        page = PdfReader(io.BytesIO(render(FLOW, "pdf", RenderOptions(**kw)))).pages[0]
        return float(page.mediabox.width), float(page.mediabox.height)

    root = svg_root(render(FLOW, "svg"))
    width_pt = float(root.get("width")) * 0.75  # CSS px -> pt
    assert box()[0] == pytest.approx(width_pt, rel=0.01)
    assert sorted(box(page="a4")) == pytest.approx([595.28, 841.89], abs=0.1)
    assert sorted(box(page="letter")) == pytest.approx([612, 792], abs=0.1)


def test_cli_render_and_validate(tmp_path, capsys) -> None:
    out = tmp_path / "d.png"
    src = FIXTURES / "mermaid" / "pie.mmd"
    assert main([str(src), "-o", str(out), "--scale", "2", "--background", "#FFFFFF"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    canvas = tmp_path / "c.json"
    canvas.write_text(json.dumps(canvas_doc("arrow")))
    assert main([str(canvas), "-o", str(tmp_path / "c.pdf")]) == 0
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    assert main(["--validate", str(src)]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
    bad = tmp_path / "bad.mmd"
    bad.write_text("flowchart TD\n  A-->B\n  B-->>C\n")
    assert main(["--validate", str(bad)]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["line"] == 3
    assert main([str(bad), "-o", str(tmp_path / "x.svg")]) == 1


def test_cli_reads_stdin() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-m", "autograph.render", "-", "-o", "-",
                             "--format", "svg"], input=mermaid_source("state").encode(),
                            env=env, capture_output=True, check=True)
    assert b"Published" in result.stdout
