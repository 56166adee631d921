"""What novasvg (raster.py) does not compute itself, written out before it draws.

* `currentColor`, CSS `transform` (+ `transform-origin`) and `opacity`: resolved with the
  stylesheet's own cascade (pdfstyle.resolve, shared with the PDF path) - the Gantt grid lines,
  milestones and section bands. Opacity is folded into fill/stroke-opacity of the shapes
  (novasvg drops an opacity group whose content has an empty box, e.g. a vertical tick line).
* Per-glyph font fallback: novasvg draws a text run with one font, so characters Liberation
  Sans lacks (✓ ❤ ⇒ ...) are wrapped in tspans naming the fallback font that has them; the
  tspans flow on from the text before them, so nothing moves.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .fonts import FAMILY, fallback_family, fallback_index
from .geometry import tag
from .pdfstyle import resolve
from .sanitize import SVG_NS, parse_xml


def _pieces(text: str) -> list[tuple[str, int | None]]:
    pieces: list[tuple[str, int | None]] = []
    for ch in text:
        font = fallback_index(ch)
        if pieces and pieces[-1][1] == font:
            pieces[-1] = (pieces[-1][0] + ch, font)
        else:
            pieces.append((ch, font))
    return pieces


def _span(text: str, font: int) -> ET.Element:
    span = ET.Element(f"{{{SVG_NS}}}tspan", {"font-family": fallback_family(font)})
    span.text = text
    return span


def _split(text: str | None) -> tuple[str, list[ET.Element]] | None:
    """(plain lead, following spans) when `text` has a character only a fallback font has."""
    if not text or all(fallback_index(ch) is None for ch in text):
        return None
    pieces = _pieces(text)
    lead = pieces[0][0] if pieces[0][1] is None else ""
    spans: list[ET.Element] = []
    for chunk, font in pieces[1:] if lead else pieces:
        if font is None:  # plain text after a fallback run rides on that span's tail
            spans[-1].tail = (spans[-1].tail or "") + chunk
        else:
            spans.append(_span(chunk, font))
    return lead, spans


def wrap_fallback_glyphs(root: ET.Element) -> int:
    """Wrap runs of fallback-font characters in tspans naming their font; returns how many."""
    made: set[int] = set()
    for el in list(root.iter()):
        if tag(el) not in ("text", "tspan") or id(el) in made:
            continue
        split = _split(el.text)
        if split is not None:
            el.text = split[0]
            for offset, span in enumerate(split[1]):
                el.insert(offset, span)
                made.add(id(span))
        for child in [c for c in el if tag(c) == "tspan"]:
            split = _split(child.tail)
            if split is None:
                continue
            child.tail = split[0]
            position = list(el).index(child) + 1
            for offset, span in enumerate(split[1]):
                el.insert(position + offset, span)
                made.add(id(span))
    return len(made)


def prepare(svg: str) -> str:
    root = parse_xml(svg)
    resolve(root, raster=True)
    wrap_fallback_glyphs(root)
    root.set("font-family", root.get("font-family") or FAMILY)  # text with no family of its own
    return ET.tostring(root, encoding="unicode")
