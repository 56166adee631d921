"""Bring back Markdown emphasis the engine flattens.

merman draws Markdown labels (flowchart "`...`" strings, mindmap nodes) as plain text:
`**Bold** and *italic*` arrives as "Bold and italic". We read the emphasis from the
source and split such labels into bold/italic tspans again.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .geometry import tag

_FALLBACK = "merman-foreignobject-fallback-text"
_MARK = re.compile(r"\*\*|__|\*|_")
Run = tuple[int, int, bool, bool]  # start, end (in plain text), bold, italic


def _opens(text: str, i: int, mark: str) -> bool:
    """An opening marker is followed by a letter or digit (`[*]`, `* ` are not emphasis)."""
    after = text[i + len(mark): i + len(mark) + 1]
    before = text[i - 1: i] if i else " "
    if not after or not after.isalnum():
        return False
    return not before.isalnum() or (mark[0] == "*" and len(mark) == 2)  # snake_case is not emphasis


def _closes(text: str, i: int, mark: str) -> bool:
    """A closing marker follows a letter, digit or closing punctuation."""
    before = text[i - 1: i] if i else ""
    after = text[i + len(mark): i + len(mark) + 1]
    if not before or not (before.isalnum() or before in ".,!?)'\""):
        return False
    return not after.isalnum()


def plain_runs(source: str) -> tuple[str, list[Run]]:
    """Source with emphasis markers removed, and the emphasised spans in that text."""
    out: list[str] = []
    runs: list[Run] = []
    open_at: dict[str, int] = {}
    pos = 0
    length = 0
    for match in _MARK.finditer(source):
        i, mark = match.start(), match.group(0)
        if i < pos:
            continue
        key = "b" if len(mark) == 2 else "i"
        if key in open_at and _closes(source, i, mark):
            out.append(source[pos:i])
            length += i - pos
            start = open_at.pop(key)
            runs.append((start, length, key == "b", key == "i"))
            pos = i + len(mark)
        elif key not in open_at and _opens(source, i, mark) and \
                source.find(mark, i + len(mark)) > 0:
            out.append(source[pos:i])
            length += i - pos
            open_at[key] = length
            pos = i + len(mark)
    out.append(source[pos:])
    return "".join(out), runs


def _style_at(runs: list[Run], index: int) -> tuple[bool, bool]:
    bold = any(s <= index < e and b for s, e, b, _ in runs)
    italic = any(s <= index < e and it for s, e, _, it in runs)
    return bold, italic


def restore(root: ET.Element, source: str) -> int:
    """Split flattened Markdown labels into styled tspans; returns how many changed."""
    if not _MARK.search(source):
        return 0
    plain, runs = plain_runs(source)
    if not runs:
        return 0
    changed = 0
    for el in root.iter():
        if tag(el) != "text" or _FALLBACK not in (el.get("class") or "") or len(el):
            continue
        text = el.text or ""
        if not text.strip():
            continue
        found = plain.find(text)
        while found >= 0 and not any(s < found + len(text) and e > found for s, e, _, _ in runs):
            found = plain.find(text, found + 1)
        if found < 0:
            continue
        pieces: list[tuple[str, bool, bool]] = []
        for offset, ch in enumerate(text):
            style = _style_at(runs, found + offset)
            if pieces and (pieces[-1][1], pieces[-1][2]) == style:
                pieces[-1] = (pieces[-1][0] + ch, *style)
            else:
                pieces.append((ch, *style))
        el.text = None
        ns = el.tag.rpartition("}")[0] + "}" if el.tag.startswith("{") else ""
        for content, bold, italic in pieces:
            span = ET.SubElement(el, f"{ns}tspan")
            span.text = content
            if bold:
                span.set("font-weight", "bold")
            if italic:
                span.set("font-style", "italic")
        changed += 1
    return changed
