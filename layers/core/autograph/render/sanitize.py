"""SVG sanitizer: an allow-list of SVG elements and attributes, applied to a parsed tree.

Everything we return goes through here, engine output included: labels and
`click` lines are user text, and we never trust the engine to have escaped them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .errors import RenderError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

ALLOWED_ELEMENTS = frozenset((
    "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "title", "desc", "marker", "clipPath",
    "mask", "pattern", "linearGradient", "radialGradient", "stop", "filter", "feDropShadow",
    "feGaussianBlur", "feOffset", "feFlood", "feComposite", "feMerge", "feMergeNode",
    "feBlend", "feColorMatrix", "style",
))
# Links are unwrapped into groups (keeping their transform); the rest is dropped whole.
UNWRAP_ELEMENTS = frozenset({"a", "switch"})
_HREF_ATTRS = frozenset({"href", f"{{{XLINK_NS}}}href"})
_FOREIGN_ATTRS_KEPT = frozenset({f"{{{XML_NS}}}space", f"{{{XLINK_NS}}}href"})

_DOCTYPE = re.compile(r"<!DOCTYPE(?:[^\[>]|\[[^\]]*\])*>", re.IGNORECASE)
_BAD_SCHEME = re.compile(r"(?:java|vb|live)script:|data:|expression\(|-moz-binding|behavior:")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*(?!#)[^)]*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_CSS_BAD = re.compile(r"expression\s*\(|javascript:|vbscript:|-moz-binding|behavior\s*:", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _squash(value: str) -> str:
    """Lower-case and drop whitespace/control chars: defeats `java\\tscript:` tricks."""
    return _CONTROL.sub("", value).lower()


def clean_css(css: str) -> str:
    css = _CSS_IMPORT.sub("", css)
    css = _CSS_URL.sub("none", css)
    return _CSS_BAD.sub("", css)


def _safe_url_ref(value: str) -> bool:
    """Only same-document references such as url(#marker) or #id are allowed."""
    refs = re.findall(r"url\(\s*['\"]?\s*([^)'\"]*)", value, re.IGNORECASE)
    return all(ref.strip().startswith("#") for ref in refs)


def _clean_attrs(el: ET.Element) -> None:
    for key in list(el.attrib):
        value = el.attrib[key]
        ns, name = _local(key)
        squashed = _squash(value)
        drop = (
            name.lower().startswith("on")
            or (ns is not None and key not in _FOREIGN_ATTRS_KEPT)
            or name.startswith("data-")
            or (key in _HREF_ATTRS and not value.strip().startswith("#"))
            or bool(_BAD_SCHEME.search(squashed))
            or ("url(" in squashed and not _safe_url_ref(value))
        )
        if drop:
            del el.attrib[key]
        elif name == "style":
            el.attrib[key] = clean_css(value)


def _clean_children(parent: ET.Element) -> None:
    index = 0
    while index < len(parent):
        child = parent[index]
        if not isinstance(child.tag, str):  # comments / processing instructions
            del parent[index]
            continue
        ns, name = _local(child.tag)
        if ns not in (SVG_NS, None):
            del parent[index]
            continue
        if name in UNWRAP_ELEMENTS:
            child.tag = f"{{{SVG_NS}}}g"
            name = "g"
        if name not in ALLOWED_ELEMENTS:
            del parent[index]
            continue
        _clean_attrs(child)
        if name == "style":
            child.text = clean_css(child.text or "")
            for grandchild in list(child):
                child.remove(grandchild)
        else:
            _clean_children(child)
        index += 1


def parse_xml(text: str) -> ET.Element:
    """The one XML parse in this package. The DOCTYPE is removed first, so no entity can
    be declared (no billion laughs, no XXE); expat also refuses external entities."""
    return ET.fromstring(_DOCTYPE.sub("", text))  # noqa: S314 - DTD stripped above


def parse_svg(svg: str) -> ET.Element:
    try:
        root = parse_xml(svg)
    except ET.ParseError as exc:
        raise RenderError(f"engine produced malformed SVG: {exc}") from exc
    if _local(root.tag) != (SVG_NS, "svg"):
        raise RenderError("not an SVG document")
    return root


def sanitize_tree(root: ET.Element) -> ET.Element:
    _clean_attrs(root)
    _clean_children(root)
    return root


def to_string(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def sanitize_svg(svg: str) -> str:
    """Sanitize any SVG string; returns a standalone SVG document string."""
    return to_string(sanitize_tree(parse_svg(svg)))
