"""The offline generator: plain words to a Mermaid first draft with no model, key or network.

Deterministic and fast (a few milliseconds): the type is the caller's or detected from the
prompt (detect.py); the content comes from the prompt's own words (one builder per type).
It is the last link of every provider chain, and the whole chain when nothing is configured.
"""

from __future__ import annotations

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


def generate(prompt: str, diagram_type: str = "auto") -> tuple[str, str, str]:
    """(diagram_type, title, mermaid source) for a prompt."""
    dtype = detect(prompt) if diagram_type in ("auto", "", None) else diagram_type
    title = title_for(prompt, dtype)
    if dtype == "flowchart":
        from .graphs import flowchart

        source = flowchart(prompt)
    elif dtype == "architecture":
        from .graphs import architecture

        source = architecture(prompt)
    elif dtype == "sequence":
        from .interactions import sequence

        source = sequence(prompt)
    elif dtype == "state":
        from .interactions import state

        source = state(prompt)
    elif dtype == "class":
        from .models import class_diagram

        source = class_diagram(prompt)
    elif dtype == "er":
        from .models import er

        source = er(prompt)
    elif dtype == "gantt":
        from .charts import gantt

        source = gantt(prompt, title)
    elif dtype == "timeline":
        from .charts import timeline

        source = timeline(prompt, title)
    elif dtype == "mindmap":
        from .charts import mindmap

        source = mindmap(prompt)
    elif dtype == "pie":
        from .charts import pie

        source = pie(prompt, title)
    else:
        raise ValueError(f"unknown diagram type {dtype!r}")
    return dtype, title, source
