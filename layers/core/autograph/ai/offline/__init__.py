"""The offline generator: plain words to a Mermaid first draft with no model, key or network.

Deterministic and fast (a few milliseconds): the type is the caller's or detected from the
prompt (detect.py); the content comes from the prompt's own words (one builder per type).
It is the last link of every provider chain, and the whole chain when nothing is configured.
"""

from __future__ import annotations

import importlib
import re

from .detect import TYPES, detect
from .text import clauses, label

__all__ = ["TYPES", "detect", "generate", "title_for"]


def title_for(prompt: str, dtype: str) -> str:
    head, sep, _ = prompt.partition(":")
    text = head if sep and len(head) < 120 else (clauses(prompt) or [prompt])[0]
    text = re.sub(r"^\s*(?:please\s+)?(?:draw|create|make|show|generate|build|design|give me|i need)\s+(?:me\s+)?"
                  r"(?=an?\s|the\s|simple\s|flow|sequence|class|state|er\s|entity|gantt|timeline|mind|pie|"
                  r"architecture|diagram|chart)(?:an?\s+|the\s+)?", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^(?:simple\s+)?(?:flow\s*chart|sequence diagram|class diagram|state (?:diagram|machine)|"
                  r"er diagram|entity[- ]relationship diagram|gantt(?: chart)?|timeline|mind\s*map|pie chart|"
                  r"architecture(?: diagram)?|diagram|chart)\s*(?:of|for|about|showing|on)?\s*", "", text,
                  flags=re.IGNORECASE)
    text = label(text, 48)
    return (text[:1].upper() + text[1:]) if text and text != "Step" else dtype.capitalize()


# type -> (module, builder, whether the builder takes the title); modules load on first use
_BUILDERS = {
    "flowchart": ("graphs", "flowchart", False), "architecture": ("graphs", "architecture", False),
    "sequence": ("interactions", "sequence", False), "state": ("interactions", "state", False),
    "class": ("models", "class_diagram", False), "er": ("models", "er", False),
    "gantt": ("charts", "gantt", True), "timeline": ("charts", "timeline", True),
    "mindmap": ("charts", "mindmap", False), "pie": ("charts", "pie", True),
}


def generate(prompt: str, diagram_type: str = "auto") -> tuple[str, str, str]:
    """(diagram_type, title, mermaid source) for a prompt."""
    dtype = detect(prompt) if diagram_type in ("auto", "", None) else diagram_type
    if dtype not in _BUILDERS:
        raise ValueError(f"unknown diagram type {dtype!r}")
    title = title_for(prompt, dtype)
    module, name, takes_title = _BUILDERS[dtype]
    build = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    source = build(prompt, title) if takes_title else build(prompt)
    return dtype, title, source
