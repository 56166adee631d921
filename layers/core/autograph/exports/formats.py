"""What each export format holds, from a diagram document {type, title, content, tags, version}.

- svg/png/pdf: the picture (Mermaid source, or the canvas; a mixed diagram's Mermaid part first).
- json: the document `POST /v1/diagrams/import` accepts back (with a `schema` version).
- md: title, note, and the Mermaid source as a fenced block (a canvas: its SVG as a data URI).
- html: one standalone page (inline SVG and CSS, print styles, the note from Markdown) that makes
  no external request when opened: raw HTML in the note is escaped and images are not rendered.
"""

from __future__ import annotations

import base64
import html
import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from .. import clock

SCHEMA = "autograph.diagram/1"
PICTURE_FORMATS = ("svg", "png", "pdf")
CONTENT_TYPES = {"json": "application/json", "md": "text/markdown; charset=utf-8",
                 "html": "text/html; charset=utf-8"}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
FILE_STEM_MAX = 100

# A picture renderer: (mermaid source or canvas dict, fmt, options dict) -> bytes.
Renderer = Callable[[Any, str, dict[str, Any]], bytes]


class NoPicture(ValueError):
    """The diagram has nothing to draw (a note, or an empty mixed diagram)."""


def picture_input(dtype: str, content: dict[str, Any]) -> str | dict[str, Any]:
    """What autograph.render draws for this diagram: Mermaid source, else the canvas."""
    mermaid = content.get("mermaid")
    canvas = content.get("canvas")
    if dtype in ("mermaid", "mixed") and mermaid and mermaid.strip():
        return mermaid
    if dtype in ("canvas", "mixed") and canvas is not None and (dtype == "canvas" or canvas.get("shapes")):
        return canvas
    if dtype == "mermaid":
        return mermaid or ""
    raise NoPicture(f"A {dtype} diagram with no Mermaid source or canvas shapes has no picture; "
                    "export it as json, md or html.")


def has_picture(dtype: str) -> bool:
    return dtype != "note"


def safe_stem(title: str | None) -> str:
    """A file name stem safe on Windows, macOS and Linux, made from a title."""
    stem = unicodedata.normalize("NFC", title or "")
    stem = _UNSAFE.sub("-", stem)
    stem = re.sub(r"\s+", " ", stem).strip().strip(".- ")
    stem = stem[:FILE_STEM_MAX].rstrip(". ")
    if not stem or stem.split(".")[0].lower() in _RESERVED:
        stem = f"diagram-{stem}" if stem else "diagram"
    return stem


def document(doc: dict[str, Any]) -> dict[str, Any]:
    return {"schema": SCHEMA, "type": doc["type"], "title": doc["title"], "content": doc.get("content") or {},
            "tags": list(doc.get("tags") or []), "version": doc.get("version"), "exported_at": clock.iso()}


def to_json(doc: dict[str, Any]) -> bytes:
    return json.dumps(document(doc), ensure_ascii=False, indent=2, sort_keys=True).encode()


def _fence(source: str) -> str:
    # A fence longer than any backtick run inside the source, so the block cannot be closed early.
    longest = max((len(m) for m in re.findall(r"`+", source)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}mermaid\n{source.rstrip()}\n{ticks}"


def to_markdown(doc: dict[str, Any], render: Renderer, options: dict[str, Any]) -> bytes:
    content = doc.get("content") or {}
    parts = [f"# {doc['title']}"]
    if content.get("note"):
        parts.append(content["note"].strip())
    mermaid = content.get("mermaid")
    if mermaid and mermaid.strip():
        parts.append(_fence(mermaid))
    elif content.get("canvas") is not None and doc["type"] in ("canvas", "mixed"):
        svg = render(content["canvas"], "svg", options)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
        parts.append(f"![{_md_alt(doc['title'])}]({uri})")
    return ("\n\n".join(parts) + "\n").encode()


def _md_alt(text: str) -> str:
    return re.sub(r"[\[\]\\]", "", text)


def note_html(note: str) -> str:
    """Markdown -> HTML with raw HTML escaped and images off (an <img> would fetch)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").disable("image")
    # A standalone page references nothing outside itself: links keep their text and show the
    # address as text; only in-page anchors stay links.
    pending: list[str] = []

    def link_open(_renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        href = str(tokens[idx].attrGet("href") or "")
        if href.startswith("#"):
            pending.append("</a>")
            return f'<a href="{html.escape(href)}">'
        pending.append(f'</span> <span class="url">({html.escape(href)})</span>' if href else "</span>")
        return '<span class="link">'

    def link_close(_renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        return pending.pop() if pending else ""

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    return md.render(note)


_CSS = """
:root { color-scheme: light; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1f2328; background: #fff; line-height: 1.5; }
h1 { font-size: 1.8rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
figure { margin: 1.5rem 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
.note { margin-top: 1.5rem; }
.note pre, .note code { background: #f6f8fa; border-radius: 4px; font-family: monospace; }
.note pre { padding: .75rem; overflow-x: auto; }
.note table { border-collapse: collapse; }
.note td, .note th { border: 1px solid #d0d7de; padding: .25rem .5rem; }
footer { color: #656d76; font-size: .8rem; margin-top: 2rem; }
@media print {
  body { margin: 0; max-width: none; }
  figure { page-break-inside: avoid; break-inside: avoid; }
  footer { display: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _strip_xml_prolog(svg: str) -> str:
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)


def to_html(doc: dict[str, Any], render: Renderer, options: dict[str, Any]) -> bytes:
    content = doc.get("content") or {}
    title = html.escape(doc["title"])
    body = [f"<h1>{title}</h1>"]
    try:
        picture = picture_input(doc["type"], content)
    except NoPicture:
        picture = None
    if picture is not None and (picture if isinstance(picture, str) else True):
        svg = render(picture, "svg", options).decode()
        body.append(f'<figure role="img" aria-label="{title}">{_strip_xml_prolog(svg)}</figure>')
    if content.get("note"):
        body.append(f'<section class="note">{note_html(content["note"])}</section>')
    body.append(f"<footer>Exported from AutoGraph, version {doc.get('version')}.</footer>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        # No request may leave the page: forbid every fetch except inline styles and data: images.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:\">\n"
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body) + "\n</body>\n</html>\n"
    )
    return page.encode()


def produce(doc: dict[str, Any], fmt: str, options: dict[str, Any], render: Renderer) -> bytes:
    """The export's bytes for the non-picture formats (pictures go through the render cache)."""
    if fmt == "json":
        return to_json(doc)
    if fmt == "md":
        return to_markdown(doc, render, options)
    if fmt == "html":
        return to_html(doc, render, options)
    raise ValueError(f"not a document format: {fmt}")
