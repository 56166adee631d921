"""Fixtures data and parsing helpers for the render tests."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

FIXTURES = Path(__file__).with_name("fixtures")

# Labels each fixture must show (checked in SVG text, and in PDF text).
MERMAID_LABELS = {
    "flowchart": ["Start", "Valid order?", "Charge card", "Reject order", "Warehouse",
                  "Notify customer", "Fulfilment", "yes", "no"],
    "sequence": ["Client", "API Gateway", "DynamoDB", "POST /v1/render", "GetItem cache",
                 "miss", "render in Lambda"],
    "class": ["Diagram", "Shape", "Owner", "contains", "owns"],
    "state": ["Draft", "Review", "Published", "submit", "approve", "reject"],
    "er": ["USER", "DIAGRAM", "REVISION", "owns", "keeps", "email"],
    "gantt": ["Release plan", "Render engine", "HTTP route", "Launch", "Build", "Ship"],
    "gitgraph": ["main", "feature", "init", "render", "docs"],
    "mindmap": ["AutoGraph", "Diagrams", "Mermaid", "Canvas", "Exports", "Sharing"],
    "timeline": ["Product history", "2024", "Prototype", "Canvas editor", "Serverless launch"],
    "pie": ["Export formats", "SVG", "PNG", "PDF"],
}
CANVAS_LABELS = {
    "rectangle": ["Upload service"], "ellipse": ["User"], "diamond": ["Cached?"],
    "text": ["A longer paragraph"], "arrow": ["Client", "Server", "calls"],
    "line": ["route"], "freehand": ["scribble"], "frame": ["Backend frame", "Worker"],
    "note": ["Remember:"],
}


def docs_fixtures() -> list[str]:
    """Diagrams modelled on Mermaid's syntax pages (front matter, Markdown, notes, namespaces,
    concurrent states, subgraphs, classDef/style, unicode, themes), one per file."""
    return sorted(p.stem for p in (FIXTURES / "docs").glob("*.mmd"))


def docs_source(name: str) -> str:
    return (FIXTURES / "docs" / f"{name}.mmd").read_text(encoding="utf-8")


def every_mermaid_fixture() -> list:
    return ([pytest.param(mermaid_source(n), id=f"mermaid-{n}") for n in MERMAID_LABELS]
            + [pytest.param(docs_source(n), id=f"docs-{n}") for n in docs_fixtures()])


def mermaid_source(name: str) -> str:
    return (FIXTURES / "mermaid" / f"{name}.mmd").read_text(encoding="utf-8")


def canvas_doc(name: str) -> dict:
    return json.loads((FIXTURES / "canvas" / f"{name}.json").read_text(encoding="utf-8"))


def all_inputs() -> list:
    cases = [pytest.param(mermaid_source(n), MERMAID_LABELS[n], id=f"mermaid-{n}")
             for n in MERMAID_LABELS]
    cases += [pytest.param(canvas_doc(n), CANVAS_LABELS[n], id=f"canvas-{n}")
              for n in CANVAS_LABELS]
    return cases

SVG = "{http://www.w3.org/2000/svg}"


def svg_root(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own output, in tests


def svg_text(data: bytes) -> str:
    root = svg_root(data)
    parts = [" ".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    return re.sub(r"\s+", " ", " ".join(parts))


def png_image(data: bytes):
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGBA")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
