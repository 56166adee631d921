"""Text runs svglib cannot lay out itself, placed explicitly for the PDF.

svglib draws each <tspan> of a centred label from the label's own x (runs overprint), and
uses one font per text element. A label with bold/italic runs (Markdown) or with
characters only a fallback font has (✓, ❤, math) is therefore split into one <text> per
run, each at the x our font metrics give it, each naming the font that has its glyphs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .fonts import CSS_FAMILY, fallback_family, fallback_index, text_width
from .geometry import num, tag
from .textfit import labels

Run = tuple[str, bool, bool, int | None]  # text, bold, italic, fallback font index


def _segments(el: ET.Element, bold: bool, italic: bool) -> list[tuple[str, bool, bool]]:
    out = [(el.text or "", bold, italic)] if el.text else []
    for span in el:
        weight = (span.get("font-weight") or "").lower()
        style = (span.get("font-style") or "").lower()
        span_bold = bold if not weight else weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
        span_italic = italic if not style else style in ("italic", "oblique")
        out.append(("".join(span.itertext()), span_bold, span_italic))
        if span.tail:
            out.append((span.tail, bold, italic))
    return [s for s in out if s[0]]


def _runs(segments: list[tuple[str, bool, bool]]) -> list[Run]:
    runs: list[Run] = []
    for text, bold, italic in segments:
        for ch in text:
            font = fallback_index(ch)
            if runs and runs[-1][1:] == (bold, italic, font):
                runs[-1] = (runs[-1][0] + ch, bold, italic, font)
            else:
                runs.append((ch, bold, italic, font))
    return runs


def _needs_split(el: ET.Element) -> bool:
    spans = [c for c in el if tag(c) == "tspan"]
    if any(s.get("x") is not None or s.get("y") is not None or s.get("dy") or s.get("dx") or len(s)
           for s in spans):
        return False  # multi-line text: svglib positions those lines itself
    text = "".join(el.itertext())
    return bool(spans) or any(fallback_index(ch) is not None for ch in text)


def split_runs(root: ET.Element) -> None:
    parents = {child: parent for parent in root.iter() for child in parent}
    for label in labels(root):
        el = label.element
        if el not in parents or not _needs_split(el):
            continue
        runs = _runs(_segments(el, label.bold, label.italic))
        widths = [text_width(text, label.size, bold) for text, bold, _, _ in runs]
        x = num(el, "x")
        total = sum(widths)
        if label.anchor == "middle":
            x -= total / 2
        elif label.anchor == "end":
            x -= total
        parent = parents[el]
        position = list(parent).index(el)
        parent.remove(el)
        for (text, bold, italic, font), width in zip(runs, widths, strict=True):
            piece = ET.Element(el.tag, dict(el.attrib))
            piece.set("x", f"{x:.3f}")
            family = CSS_FAMILY if font is None else fallback_family(font)
            weight, slant = ("bold" if bold else "normal"), ("italic" if italic else "normal")
            # Inline style wins over attributes and stylesheets: say everything there.
            piece.set("style", f"{el.get('style') or ''};text-anchor:start;font-size:{label.size:g}px;"
                               f"font-weight:{weight};font-style:{slant};font-family:{family}")
            for attr in ("text-anchor", "font-weight", "font-style", "font-family", "font-size"):
                piece.attrib.pop(attr, None)
            piece.text = text
            parent.insert(position, piece)
            position += 1
            x += width
