"""YAML front matter: merge our rendering defaults into the diagram's own configuration.

Mermaid reads configuration from a leading `---` block (`title:`, `config:` with `theme`,
`themeVariables`, per-diagram settings such as `gitGraph.mainBranchName`). Anything put in
front of that block stops it being front matter, so instead of prefixing a directive we
rewrite the block itself: the source's explicit settings win over our defaults (theme),
and our font always applies (layout and paint must use the same font).
"""

from __future__ import annotations

import json
import re
from typing import Any

FONT_STACK = "Liberation Sans, Arial, Helvetica, sans-serif"
WRAP_PX = 165

# Mermaid: the block opens on the first line (leading blank lines are tolerated) and
# closes with an un-indented `---`.
_FRONT = re.compile(r"\A(?:[ \t]*\r?\n)*---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def split(source: str) -> tuple[str | None, str, int]:
    """(front matter text or None, the rest, number of lines the block used)."""
    match = _FRONT.match(source)
    if not match:
        return None, source, 0
    return match.group(1), source[match.end():], source[:match.end()].count("\n")


def parse(text: str) -> dict[str, Any] | None:
    """The block as a mapping, or None when it is not valid YAML / not a mapping."""
    import yaml  # lazy: only sources with front matter pay for it

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if data is None:
        return {}
    return data if isinstance(data, dict) else None


def merged_config(own: Any, theme: str) -> dict[str, Any]:
    config = dict(own) if isinstance(own, dict) else {}
    config.setdefault("theme", theme)  # the diagram's own theme wins over the option
    variables = config.get("themeVariables")
    variables = dict(variables) if isinstance(variables, dict) else {}
    variables["fontFamily"] = FONT_STACK  # always ours: the only font we can draw with
    config["themeVariables"] = variables
    config["fontFamily"] = FONT_STACK
    flowchart = config.get("flowchart")
    flowchart = dict(flowchart) if isinstance(flowchart, dict) else {}
    # merman wraps flowchart labels at 120 px of its own (narrow) metrics, Mermaid at 200 px
    # of the drawing font: 165 of merman's is about 200 of Liberation Sans.
    flowchart.setdefault("wrappingWidth", WRAP_PX)
    config["flowchart"] = flowchart
    return config


def configured_source(source: str, theme: str) -> str:
    """Source with one front matter block carrying the merged configuration.

    The block is emitted as JSON (a YAML subset), on one line per key so line numbers in
    engine messages shift by a known amount. Malformed front matter is left as it is:
    the engine reports it.
    """
    text, body, _ = split(source)
    data: dict[str, Any] | None = {} if text is None else parse(text)
    if data is None:
        return source
    data = dict(data)
    data["config"] = merged_config(data.get("config"), theme)
    lines = [f"{json.dumps(str(key), ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False, default=str)}"
             for key, value in data.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def title(source: str) -> str | None:
    """The front matter title, if any (for warnings and checks)."""
    text, _, _ = split(source)
    data = parse(text) if text is not None else None
    value = (data or {}).get("title")
    return str(value) if value is not None else None
