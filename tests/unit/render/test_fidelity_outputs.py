"""PNG and PDF show what the SVG shows: negative/pt stroke widths, the sequence cross,
italic and bold (Markdown) faces, named colours, opacity, CSS transforms, ER `style`,
symbols from the fallback fonts, and a warning for characters no font has."""

from __future__ import annotations

import io
import re

import pytest
from autograph.render import RenderOptions, render, render_detailed, validate
from autograph.render.pdfprep import prepare
from autograph.render.raster import svg_to_png
from autograph.render.svgpost import finish
from render_helpers import (
    CANVAS_LABELS,
    MERMAID_LABELS,
    SVG,
    canvas_doc,
    docs_fixtures,
    docs_source,
    mermaid_source,
    pdf_text,
    png_image,
    svg_root,
    svg_text,
)

WHITE = RenderOptions(background="#ffffff", padding=0)


def _png(body: str, width: int = 120, height: int = 40):
    raw = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}">{body}</svg>')
    svg, _box, (w, h) = finish(raw, WHITE)
    return png_image(svg_to_png(svg, w, h, 1))


def _ink(image, box=None) -> int:
    region = image.crop(box) if box else image
    return sum(1 for px in region.get_flattened_data() if px[0] < 128)


def _pdf_fonts(data: bytes) -> list[str]:
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[0]
    return [str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()]


def _pdf_content(data: bytes) -> str:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")


def test_negative_stroke_width_falls_back_like_a_browser_instead_of_vanishing() -> None:
    image = _png('<style>.deep{stroke-width:-7}</style>'
                 '<path class="deep" d="M0 20 L120 20" stroke="#000000" fill="none"/>')
    assert _ink(image) > 50
    mindmap = render(docs_source("mindmap-docs"), "svg").decode()
    assert not re.search(r"stroke-width\s*:\s*-", mindmap)


def test_a_marker_drawn_with_a_pt_stroke_width_is_painted() -> None:
    image = _png('<defs><marker id="x" markerWidth="15" markerHeight="8" orient="auto" refX="4" '
                 'refY="4.5"><path fill="none" stroke="#000000" stroke-width="1pt" '
                 'd="M 1,2 L 6,7 M 6,2 L 1,7"/></marker></defs>'
                 '<line x1="5" y1="20" x2="80" y2="20" stroke-width="2" stroke="none" marker-end="url(#x)"/>')
    assert _ink(image) > 20


def test_sequence_cross_heads_survive_into_the_png() -> None:
    svg = render(docs_source("sequence-italic"), "svg", WHITE).decode()
    marker = re.search(r'<marker id="merman-crosshead".*?</marker>', svg, re.S).group(0)
    assert "pt" not in re.search(r'stroke-width="([^"]*)"', marker).group(1)
    with_cross = png_image(render(docs_source("sequence-italic"), "png", WHITE))
    without = png_image(render(docs_source("sequence-italic").replace("-x", "->").replace("--x", "-->"),
                               "png", WHITE))
    assert with_cross.size == without.size and with_cross.tobytes() != without.tobytes()


def test_italic_text_uses_an_italic_face_in_png_and_pdf() -> None:
    upright = _png('<text x="5" y="28" style="font-size:20px">Slanted</text>')
    italic = _png('<text x="5" y="28" style="font-size:20px;font-style:italic">Slanted</text>')
    assert upright.tobytes() != italic.tobytes()
    fonts = _pdf_fonts(render(docs_source("class-generics"), "pdf"))
    assert any(name.endswith("LiberationSans-Italic") for name in fonts)


def test_markdown_bold_and_italic_come_back_in_svg_png_and_pdf() -> None:
    data = render(docs_source("flowchart-markdown"), "svg")
    spans = {(s.text, s.get("font-weight"), s.get("font-style")) for s in svg_root(data).iter(f"{SVG}tspan")}
    assert ("is", "bold", None) in spans and ("Markdown", None, "italic") in spans
    mindmap = svg_root(render(docs_source("mindmap-docs"), "svg"))
    assert {s.text for s in mindmap.iter(f"{SVG}tspan") if s.get("font-weight") == "bold"} >= {"Bold"}
    pdf = render(docs_source("flowchart-markdown"), "pdf")
    assert "This is Markdown" in pdf_text(pdf)
    fonts = _pdf_fonts(pdf)
    assert any(n.endswith("LiberationSans-Bold") for n in fonts)
    assert any(n.endswith("LiberationSans-Italic") for n in fonts)


def test_named_css_colours_reach_the_pdf() -> None:
    content = _pdf_content(render(docs_source("flowchart-subgraphs"), "pdf"))
    assert ".501961 0 .501961 rg" in content  # color:Purple on node a1


def test_er_style_statement_renders_in_every_format() -> None:
    source = docs_source("er-style")
    svg = render(source, "svg").decode()
    assert "fill:#f9f;stroke:#333;stroke-width:4px" in svg
    assert "CUSTOMER" in pdf_text(render(source, "pdf"))  # was: "too many values to unpack"


def test_gantt_pdf_keeps_opacity_grid_and_milestone_in_place() -> None:
    svg = render(docs_source("gantt-docs"), "svg").decode()
    prepared = prepare(svg).decode()
    milestone = re.search(r'<rect[^>]*class="task milestone[^"]*"[^>]*>', prepared).group(0)
    assert "rotate(45)" in milestone and "translate(" in milestone  # rotated about its centre
    assert "transform:" not in re.search(r"<style>(.*?)</style>", prepared, re.S).group(1)
    assert 'stroke="currentColor"' not in prepared  # grid lines get a real colour
    from pypdf import PdfReader

    pdf = render(docs_source("gantt-docs"), "pdf")
    states = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/ExtGState"].values()
    assert any(0 < float(s.get("/ca", 1)) < 0.15 for s in states)  # rgba 0.49 x opacity 0.2
    assert "Milestone" in pdf_text(pdf)


def test_symbols_draw_from_the_fallback_fonts_in_png_and_pdf() -> None:
    check = _png('<text x="5" y="30" style="font-size:28px">✓❤</text>')
    box = _png('<text x="5" y="30" style="font-size:28px">\U0001F9EA\U0001F9EA</text>')  # no font has it
    assert _ink(check) > 0 and check.tobytes() != box.tobytes()
    pdf = render(docs_source("unicode-labels"), "pdf")
    text = pdf_text(pdf)
    assert "✓" in text and "❤" in text and "Größe" in text
    assert any("NotoSansSymbols2" in n for n in _pdf_fonts(pdf))


def test_characters_no_font_has_are_warned_about_never_silently_dropped() -> None:
    source = docs_source("unicode-labels")
    result = render_detailed(source, "svg")
    assert any("日" in w and "AUTOGRAPH_EXTRA_FONT_DIR" in w for w in result.warnings)
    assert any("日" in w for w in validate(source)["warnings"])
    assert "日本語のラベル" in svg_text(result.data)
    covered = render_detailed("flowchart LR\n  A[Café ✓] --> B[→ ❤]", "svg")
    assert covered.warnings == ()


def test_hard_drop_shadows_become_shapes_with_the_same_look() -> None:
    import resvg_py

    body = ('<defs><filter id="s" width="130%" height="130%"><feDropShadow dx="4" dy="4" stdDeviation="0" '
            'flood-opacity="0.5" flood-color="#000000"/></filter></defs>'
            '<rect x="10" y="5" width="60" height="25" fill="#ff0000" filter="url(#s)"/>')
    raw = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">'
           f'<rect x="0" y="0" width="120" height="40" fill="#ffffff"/>{body}</svg>')
    with_filter = png_image(bytes(resvg_py.svg_to_bytes(svg_string=raw, width=120, height=40)))
    flattened = _png(body)
    assert "filter=" not in finish(raw, WHITE)[0]
    differing = sum(1 for a, b in zip(with_filter.get_flattened_data(), flattened.get_flattened_data(), strict=True)
                    if max(abs(x - y) for x, y in zip(a, b, strict=True)) > 8)
    assert differing < 40  # antialiased edges at most; the shadow itself is there
    assert flattened.getpixel((72, 32))[:3] != (255, 255, 255)  # below-right of the box: shadow
    sequence = render(docs_source("sequence-notes"), "svg").decode()
    assert "autograph-shadow" in sequence and 'filter="url(#merman-drop-shadow)"' not in sequence


def test_gantt_draws_no_wall_clock_today_line() -> None:
    from datetime import date

    today = date.today().isoformat()
    source = f"gantt\n  dateFormat YYYY-MM-DD\n  section Now\n    Around today :a1, {today}, 3d\n"
    svg = render(source, "svg").decode()
    assert 'class="today"' not in svg and "Around today" in svg_text(svg.encode())


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W_]+", text)}


def test_every_fixture_pdf_has_every_word_its_svg_has() -> None:
    from autograph.render.fonts import missing_glyphs
    from render_helpers import every_mermaid_fixture

    for case in every_mermaid_fixture():
        source = case.values[0]
        svg_words = _words(svg_text(render(source, "svg")))
        pdf_words = _words(pdf_text(render(source, "pdf")))
        # pypdf splits some runs differently; compare words, and demand all of them.
        missing = {w for w in svg_words - pdf_words if not any(w in p for p in pdf_words)
                   and not missing_glyphs(w)}  # no font has those: warned about, drawn as boxes
        assert not missing, f"{case.id}: PDF lacks {sorted(missing)[:10]}"


def test_pdf_prep_maps_bolder_and_numeric_weights_to_bold() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>.a{font-weight:bolder}'
           '.b{font-weight:700}</style><text class="a" style="font-weight:bolder">x</text>'
           '<text font-weight="bolder">y</text></svg>')
    out = prepare(svg).decode()
    assert "bolder" not in out and "700" not in out
    assert out.count("font-weight:bold") >= 3 and 'font-weight="bold"' in out


def test_an_operator_font_folder_covers_scripts_we_do_not_ship(tmp_path, monkeypatch) -> None:
    import shutil
    from pathlib import Path

    import pytest
    from autograph.render import fonts

    system = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # has Armenian; we do not
    if not system.exists():
        pytest.skip("no DejaVu Sans on this machine to stand in for an extra font")
    body = '<text x="5" y="30" style="font-size:28px">ԱԲԳ</text>'
    assert fonts.missing_glyphs("ԱԲԳ") == ["Ա", "Բ", "Գ"]
    boxes = _png(body)
    shutil.copy(system, tmp_path / system.name)
    monkeypatch.setenv(fonts.EXTRA_DIR_ENV, str(tmp_path))
    assert fonts.missing_glyphs("ԱԲԳ") == [] and str(tmp_path / system.name) in fonts.font_files()
    assert _png(body).tobytes() != boxes.tobytes()
    from autograph.render import core  # in this process: a render worker may predate the env

    pdf = core.render(docs_source("flowchart-markers").replace("A o--o B", "A[ԱԲԳ] o--o B"), "pdf")
    assert any("DejaVuSans" in name for name in _pdf_fonts(pdf))


# Dash phase: novasvg starts an ellipse's outline at another point than resvg, so the dashes
# of a dashed ellipse sit elsewhere along it (same dash pattern, same look).
_DASH_PHASE = {"canvas-ellipse"}


@pytest.mark.parametrize("name", sorted([*(f"mermaid-{n}" for n in MERMAID_LABELS),
                                         *(f"docs-{n}" for n in docs_fixtures()),
                                         *(f"canvas-{n}" for n in CANVAS_LABELS)]))
def test_png_pixels_match_resvg_the_reference_rasterizer(name: str) -> None:
    # Our PNG path (novasvg + rasterprep) against resvg on the same final SVG: a missing
    # element (the Gantt grid, a fallback-font glyph, a milestone) moves the mean by > 1.
    import resvg_py
    from autograph.render.budget import Budget
    from autograph.render.core import render_svg_text
    from autograph.render.fonts import FAMILY, font_files
    from PIL import ImageChops, ImageStat

    kind, _, stem = name.partition("-")
    source = canvas_doc(stem) if kind == "canvas" else (
        mermaid_source(stem) if kind == "mermaid" else docs_source(stem))
    svg, (width, height), _ = render_svg_text(source, RenderOptions(background="#ffffff"), Budget(10))
    px_w, px_h = round(width * 2), round(height * 2)  # 2x: glyph anti-aliasing weighs less
    reference = png_image(bytes(resvg_py.svg_to_bytes(
        svg_string=svg, width=px_w, height=px_h, skip_system_fonts=True, font_files=font_files(),
        font_family=FAMILY, sans_serif_family=FAMILY))).convert("RGB")
    ours = png_image(svg_to_png(svg, width, height, 2)).convert("RGB")
    mean = sum(ImageStat.Stat(ImageChops.difference(reference, ours)).mean) / 3
    assert mean < (6.0 if name in _DASH_PHASE else 1.0), f"{name}: mean difference {mean:.2f}"


def test_an_operator_added_font_draws_the_glyphs_ours_lack_in_png(monkeypatch, tmp_path) -> None:
    # AUTOGRAPH_EXTRA_FONT_DIR (docs/render.md): a font we do not ship draws its script in the
    # PNG instead of empty boxes. Any font with glyphs outside our set does; Thai is one.
    import shutil
    from pathlib import Path

    system = Path("/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf")
    if not system.exists():
        pytest.skip("no font outside the bundled set on this machine")
    body = '<text x="5" y="30" style="font-size:28px">สวัสดี</text>'
    boxes = _png(body)
    shutil.copy(system, tmp_path / system.name)
    monkeypatch.setenv("AUTOGRAPH_EXTRA_FONT_DIR", str(tmp_path))
    drawn = _png(body)
    assert drawn.tobytes() != boxes.tobytes() and _ink(drawn) > 0
