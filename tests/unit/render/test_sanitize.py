"""Hostile input never reaches the SVG we return."""

from __future__ import annotations

import re

import pytest
from autograph.render import render, sanitize_svg
from render_helpers import svg_root

HOSTILE_SVG = [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect onclick="x()"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    '<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a href="  JaVa&#x09;Script:alert(1)">x</a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a href="https://evil.example/">x</a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/'
    '1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);'
    ' rect{fill:url(https://evil.example/a.svg#p);behavior:url(x.htc)}</style></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(\'https://e.example/\')"/>'
    '<use href="https://evil.example/sprite.svg#a"/><image href="data:image/svg+xml;base64,'
    'PHN2Zz48L3N2Zz4="/></svg>',
    '<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>ok</text></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onmouseover" to="alert(1)"/>'
    '<animate attributeName="href" to="javascript:alert(1)"/></svg>',
]
BAD = re.compile(r"<script|\son\w+=|javascript:|<foreignObject|<image|<set|<animate|@import|"
                 r"https?://evil|e\.example|data:|behavior|<div|<!ENTITY", re.IGNORECASE)


@pytest.mark.parametrize("svg", HOSTILE_SVG)
def test_sanitize_svg_strips_hostile_constructs(svg: str) -> None:
    out = sanitize_svg(svg)
    svg_root(out.encode())
    # The namespace declaration is the one allowed absolute URL.
    assert not BAD.search(out.replace('xmlns="http://www.w3.org/2000/svg"', "")), out


def test_sanitize_keeps_internal_references() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><defs><marker id="m"/></defs>'
           '<path d="M0,0L1,1" marker-end="url(#m)" style="fill:url(#g)"/></svg>')
    out = sanitize_svg(svg)
    assert 'marker-end="url(#m)"' in out and "url(#g)" in out


HOSTILE_MERMAID = [
    'flowchart TD\n  A["<script>alert(1)</script>"] --> B\n  click A "javascript:alert(1)"\n',
    'flowchart TD\n  A[x] --> B\n  click A callback "tip"\n  click B href "javascript:void(0)"\n',
    'flowchart TD\n  A["<img src=x onerror=alert(1)>"] --> B["<a href=javascript:x>k</a>"]\n',
    'flowchart TD\n  A["#lt;script#gt;alert(1)#lt;/script#gt;"] --> B\n',
    'flowchart TD\n  A["&lt;script&gt;alert(1)&lt;/script&gt;"] --> B\n',
    'flowchart TD\n  A --> B\n  style A fill:url(https://evil.example/x)\n',
    'sequenceDiagram\n  Alice->>Bob: <svg onload=alert(1)>\n'
    '  link Alice: X @ javascript:alert(1)\n',
    'classDiagram\n  class A\n  click A href "javascript:alert(1)"\n  link A "https://evil.example"\n',
]


@pytest.mark.parametrize("source", HOSTILE_MERMAID)
@pytest.mark.parametrize("backend", ["merman", "mermaid-rs-renderer"])
def test_mermaid_output_is_sanitized_for_both_engines(source: str, backend: str,
                                                      monkeypatch) -> None:
    from autograph.render import engine

    if backend != engine.PRIMARY:  # force the fallback engine to produce the SVG
        real = engine._call

        def primary_crashes(src: str, name: str) -> str:
            if name == engine.PRIMARY:
                raise engine.EngineError("panicked", name, parse=False)
            return real(src, name)

        monkeypatch.setattr(engine, "_call", primary_crashes)
        monkeypatch.setenv("AUTOGRAPH_RENDER_ISOLATION", "inline")  # the patch lives in this process
    out = render(source, "svg").decode()
    svg_root(out.encode())
    markup = re.sub(r">[^<]*<", "><", out)  # text content may *show* "<script>", escaped
    assert not re.search(r"<script|<foreignObject|<a[\s>]|<img|\son\w+=", markup, re.I)
    assert not re.search(r"javascript:|evil\.example", markup, re.I)
    assert "<script" not in out and "<img" not in out


def test_label_text_survives_escaped() -> None:
    out = render('flowchart TD\n  A["a < b & c"] --> B\n', "svg").decode()
    assert "a &lt; b &amp; c" in out
