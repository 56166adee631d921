"""CSS that svglib ignores, resolved onto the elements before it reads them.

svglib maps fill/stroke (with their -opacity) and fonts, but not `opacity`, CSS
`transform` (+ `transform-origin`) or capitalised colour keywords. Mermaid relies on all
three (Gantt section bands at 0.2 opacity, milestones rotated by CSS, `color:Purple` in
classDef), so we compute them with the stylesheet's own cascade (cssselect2, which svglib
already uses) and write the result inline.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

import cssselect2
import tinycss2
import tinycss2.color3

from .geometry import tag

_COLOR_DECL = re.compile(r"\b(fill|stroke|color|stop-color)(\s*:\s*)([A-Za-z]+)\b")
_RGBA_ALPHA = re.compile(r"rgba\(\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*([\d.]+)\s*\)", re.I)
_SHAPES = {"rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text", "tspan"}
_WANTED = ("opacity", "transform", "transform-origin", "fill", "stroke", "fill-opacity",
           "stroke-opacity", "color", "filter")
_BRIGHTNESS = re.compile(r"^\s*brightness\(\s*([\d.]+)(%?)\s*\)\s*$", re.I)
_CSS_TRANSFORM = re.compile(r"(?<![-\w])transform(?:-origin)?\s*:[^;}]*;?", re.I)


def lower_colors(css: str) -> str:
    """`Purple` -> `purple`: CSS colour keywords are case-insensitive, svglib's are not."""
    return _COLOR_DECL.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3).lower()}"
                           if m.group(3) not in ("none", "currentColor", "inherit") else m.group(0), css)


def _inline(el: ET.Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (el.get("style") or "").split(";"):
        key, _, value = part.partition(":")
        if value.strip():
            out[key.strip().lower()] = value.replace("!important", "").strip()
    return out


def _raster_wanted(root: ET.Element) -> tuple[str, ...]:
    """The properties the PNG path needs resolved: opacity and transforms always, colours only
    when something (currentColor, brightness()) depends on them. Fewer selectors make the
    cascade several times faster (mindmap: 110 -> ~10 ms)."""
    css = "".join(el.text or "" for el in root.iter() if tag(el) == "style")
    wanted = ["opacity", "transform", "transform-origin", "fill-opacity", "stroke-opacity"]
    if "currentColor" in css or any("currentColor" in (el.get("fill", "") + el.get("stroke", ""))
                                    for el in root.iter()):
        wanted.append("color")
    if "brightness(" in css:
        wanted.append("filter")  # fill/stroke: a second matcher, only under such a filter
    return tuple(wanted)


def _matcher(root: ET.Element, wanted: tuple[str, ...] = _WANTED):
    sheets = tuple(style.text for style in root.iter() if tag(style) == "style" and style.text)
    return _compiled(sheets, wanted)


@lru_cache(maxsize=32)
def _compiled(sheets: tuple[str, ...], wanted: tuple[str, ...]):
    """A matcher for the rules declaring `wanted` properties. Cached: Mermaid writes the same
    stylesheet for every diagram of a family and theme, and parsing it is most of the cost."""
    matcher = cssselect2.Matcher()
    found = False
    for text in sheets:
        for rule in tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True):
            if rule.type != "qualified-rule":
                continue
            decls = {}
            for decl in tinycss2.parse_declaration_list(rule.content, skip_whitespace=True,
                                                        skip_comments=True):
                if decl.type == "declaration" and decl.lower_name in wanted:
                    decls[decl.lower_name] = tinycss2.serialize(decl.value).replace("!important", "").strip()
            if not decls:
                continue
            try:
                selectors = cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                continue
            for selector in selectors:
                matcher.add_selector(selector, decls)
                found = True
    return matcher if found else None


def _alpha(color: str | None) -> float:
    match = _RGBA_ALPHA.search(color or "")
    return float(match.group(1)) if match else 1.0


def _number(value: str | None, default: float = 1.0) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


def _origin(value: str) -> tuple[float, float] | None:
    nums = re.findall(r"-?[\d.]+", value or "")
    return (float(nums[0]), float(nums[1])) if len(nums) >= 2 else None


def _brightness(value: str | None) -> float:
    """The factor of a CSS `filter: brightness(120%)` (Mermaid's timeline events), else 1."""
    match = _BRIGHTNESS.match(value or "")
    if not match:
        return 1.0
    return float(match.group(1)) / (100.0 if match.group(2) else 1.0)


def _brighter(color: str | None, factor: float) -> str | None:
    parsed = tinycss2.color3.parse_color(color or "")
    if parsed is None or isinstance(parsed, str):  # none, currentColor, url(#...)
        return None
    r, g, b = (min(255, round(channel * factor * 255)) for channel in parsed[:3])
    return f"rgb({r},{g},{b})" if parsed[3] >= 1 else f"rgba({r},{g},{b},{parsed[3]:.4g})"


def resolve(root: ET.Element, raster: bool = False) -> None:
    """Write opacity (as fill/stroke-opacity), CSS transforms and colours inline.

    `raster=True` (the PNG path): the rasterizer reads rgba() alpha itself, so it is not
    folded in, and each folded `opacity` is set to 1 inline (novasvg sizes an opacity layer
    by its content's box, and a hairline tick has none: the Gantt grid vanished)."""
    wanted = _raster_wanted(root) if raster else _WANTED
    matcher = _matcher(root, wanted)
    if matcher is None:
        return
    wrapper = cssselect2.ElementWrapper.from_xml_root(root)
    paints: list = []  # the fill/stroke matcher, built on the first brightness() met

    def cascade(node, using) -> dict[str, str]:
        found: dict[str, str] = {}
        for _spec, _order, _pseudo, decls in sorted(using.match(node) or [], key=lambda m: (m[0], m[1])):
            found.update(decls)
        return found

    def walk(node, inherited_opacity: float, color: str, brightness: float = 1.0) -> None:
        el: ET.Element = node.etree_element
        cascaded = cascade(node, matcher)
        cascaded.update({k: v for k, v in _inline(el).items() if k in wanted})
        color = cascaded.get("color") or el.get("color") or color
        for attr in ("fill", "stroke"):  # svglib leaves currentColor unpainted
            if el.get(attr) == "currentColor":
                el.set(attr, color)
        opacity = _number(cascaded.get("opacity", el.get("opacity")), 1.0) * inherited_opacity
        # brightness() is a filter neither svglib nor novasvg applies: brighten the colours.
        brightness *= _brightness(cascaded.get("filter"))
        if brightness != 1.0 and tag(el) in _SHAPES:
            if "fill" not in wanted:
                if not paints:
                    paints.append(_matcher(root, ("fill", "stroke")))
                if paints[0] is not None:
                    cascaded = {**cascade(node, paints[0]), **cascaded}
                cascaded.update({k: v for k, v in _inline(el).items() if k in ("fill", "stroke")})
            style = _inline(el)
            for prop in ("fill", "stroke"):
                brighter = _brighter(cascaded.get(prop, el.get(prop)), brightness)
                if brighter:
                    style[prop] = brighter
            el.set("style", ";".join(f"{k}:{v}" for k, v in style.items()))
        if "transform" in cascaded and cascaded["transform"] not in ("none", ""):
            origin = _origin(cascaded.get("transform-origin") or el.get("transform-origin") or "")
            css = cascaded["transform"]
            if origin:
                css = f"translate({origin[0]},{origin[1]}) {css} translate({-origin[0]},{-origin[1]})"
            el.set("transform", css)  # CSS transform replaces the attribute, as in browsers
        el.attrib.pop("transform-origin", None)
        own = _number(cascaded.get("opacity", el.get("opacity")), 1.0)
        if raster and own < 1.0:
            style = _inline(el)
            style["opacity"] = "1"
            el.attrib.pop("opacity", None)
            el.set("style", ";".join(f"{k}:{v}" for k, v in style.items()))
        if tag(el) in _SHAPES and opacity < 1.0:
            style = _inline(el)
            fill = cascaded.get("fill", el.get("fill"))
            stroke = cascaded.get("stroke", el.get("stroke"))
            fill_alpha = 1.0 if raster else _alpha(fill)
            stroke_alpha = 1.0 if raster else _alpha(stroke)
            fill_op = _number(cascaded.get("fill-opacity", el.get("fill-opacity")), fill_alpha)
            stroke_op = _number(cascaded.get("stroke-opacity", el.get("stroke-opacity")), stroke_alpha)
            style["fill-opacity"] = f"{fill_op * opacity:.4g}"
            style["stroke-opacity"] = f"{stroke_op * opacity:.4g}"
            el.set("style", ";".join(f"{k}:{v}" for k, v in style.items()))
        if tag(el) in ("text", "tspan"):
            return
        for child in node.iter_children():
            walk(child, opacity if tag(el) not in _SHAPES else inherited_opacity, color, brightness)

    walk(wrapper, 1.0, "#000000")
    for style in root.iter():  # applied above; svglib would re-apply them without origin
        if tag(style) == "style" and style.text:
            style.text = _CSS_TRANSFORM.sub("", style.text)
