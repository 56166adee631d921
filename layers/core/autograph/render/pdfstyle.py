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

from .geometry import tag

_COLOR_DECL = re.compile(r"\b(fill|stroke|color|stop-color)(\s*:\s*)([A-Za-z]+)\b")
_RGBA_ALPHA = re.compile(r"rgba\(\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*([\d.]+)\s*\)", re.I)
_SHAPES = {"rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text", "tspan"}
_WANTED = ("opacity", "transform", "transform-origin", "fill", "stroke", "fill-opacity",
           "stroke-opacity", "color")
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


def _matcher(root: ET.Element):
    import cssselect2
    import tinycss2

    matcher = cssselect2.Matcher()
    found = False
    for style in root.iter():
        if tag(style) != "style" or not style.text:
            continue
        for rule in tinycss2.parse_stylesheet(style.text, skip_whitespace=True, skip_comments=True):
            if rule.type != "qualified-rule":
                continue
            decls = {}
            for decl in tinycss2.parse_declaration_list(rule.content, skip_whitespace=True,
                                                        skip_comments=True):
                if decl.type == "declaration" and decl.lower_name in _WANTED:
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


def resolve(root: ET.Element) -> None:
    """Write opacity (as fill/stroke-opacity), CSS transforms and colours inline."""
    import cssselect2

    matcher = _matcher(root)
    if matcher is None:
        return
    wrapper = cssselect2.ElementWrapper.from_xml_root(root)

    def walk(node, inherited_opacity: float, color: str) -> None:
        el: ET.Element = node.etree_element
        cascaded: dict[str, str] = {}
        for _spec, _order, _pseudo, decls in sorted(matcher.match(node) or [], key=lambda m: (m[0], m[1])):
            cascaded.update(decls)
        cascaded.update({k: v for k, v in _inline(el).items() if k in _WANTED})
        color = cascaded.get("color") or el.get("color") or color
        for attr in ("fill", "stroke"):  # svglib leaves currentColor unpainted
            if el.get(attr) == "currentColor":
                el.set(attr, color)
        opacity = _number(cascaded.get("opacity", el.get("opacity")), 1.0) * inherited_opacity
        if "transform" in cascaded and cascaded["transform"] not in ("none", ""):
            origin = _origin(cascaded.get("transform-origin") or el.get("transform-origin") or "")
            css = cascaded["transform"]
            if origin:
                css = f"translate({origin[0]},{origin[1]}) {css} translate({-origin[0]},{-origin[1]})"
            el.set("transform", css)  # CSS transform replaces the attribute, as in browsers
        el.attrib.pop("transform-origin", None)
        if tag(el) in _SHAPES and opacity < 1.0:
            style = _inline(el)
            fill = cascaded.get("fill", el.get("fill"))
            stroke = cascaded.get("stroke", el.get("stroke"))
            fill_op = _number(cascaded.get("fill-opacity", el.get("fill-opacity")), _alpha(fill))
            stroke_op = _number(cascaded.get("stroke-opacity", el.get("stroke-opacity")), _alpha(stroke))
            style["fill-opacity"] = f"{fill_op * opacity:.4g}"
            style["stroke-opacity"] = f"{stroke_op * opacity:.4g}"
            el.set("style", ";".join(f"{k}:{v}" for k, v in style.items()))
        if tag(el) in ("text", "tspan"):
            return
        for child in node.iter_children():
            walk(child, opacity if tag(el) not in _SHAPES else inherited_opacity, color)

    walk(wrapper, 1.0, "#000000")
    for style in root.iter():  # applied above; svglib would re-apply them without origin
        if tag(style) == "style" and style.text:
            style.text = _CSS_TRANSFORM.sub("", style.text)
