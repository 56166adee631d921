"""Offline refinement: the edits a person asks for most, applied to Mermaid source without a model.

Understood: add a step after/before X, remove X, rename X to Y, connect X to Y, change the
direction, add an attribute to an entity (ER) or a member to a class. Anything else is a clear
422 naming what is understood (a configured model handles free-form instructions).
"""

from __future__ import annotations

import re

from ...errors import ValidationFailed
from .text import capitalize, ident, key, label, pascal, strip_articles, upper_snake

UNDERSTOOD = ("add a step X after Y (or before Y)", "remove X", "rename X to Y", "connect X to Y",
              "change the direction to left-to-right (or top-down)", "add an attribute X to entity Y")
_OPEN = r"\[\[|\[\(|\(\[|\(\(|\[/|\[\\\\|\{\{|\[|\(|\{|>"
_DEF = re.compile(rf"\b(?P<id>[A-Za-z_][\w-]*)\s*(?P<o>{_OPEN})\s*"
                  rf"(?:\"(?P<ql>[^\"]*)\"|(?P<label>[^\"\]\)\}}]*?))\s*"
                  r"(?:\]\]|\)\]|\]\)|\)\)|/\]|\\\]|\}\}|\]|\)|\})")
_EDGE = re.compile(rf"^\s*(?P<a>[A-Za-z_][\w-]*)(?:\s*(?:{_OPEN})[^\n]*?"
                   rf"(?:\]\]|\)\]|\]\)|\)\)|/\]|\\\]|\}}\}}|\]|\)|\}}))?"
                   r"\s*(?P<arrow>-->|-\.->|==>|---|-\.-|===)\s*(?:\|(?P<lab>[^|]*)\|)?\s*"
                   rf"(?P<b>[A-Za-z_][\w-]*)(?:\s*(?:{_OPEN}).*)?\s*$")
_DIRS = {"left to right": "LR", "left-to-right": "LR", "horizontal": "LR", "lr": "LR", "right to left": "RL",
         "rl": "RL", "top to bottom": "TD", "top-down": "TD", "top down": "TD", "vertical": "TD", "td": "TD",
         "tb": "TD", "bottom to top": "BT", "bt": "BT", "sideways": "LR"}


def _unquote(text: str) -> str:
    return strip_articles(text.strip().strip("\"'`").strip())


def _is_flowchart(source: str) -> bool:
    return bool(re.match(r"^\s*(?:%%.*\n\s*)*(?:flowchart|graph)\b", source))


def _nodes(source: str) -> dict[str, str]:
    body = "\n".join(line for line in source.splitlines()[1:] if not line.strip().startswith(("subgraph", "%%")))
    found: dict[str, str] = {}
    for m in _DEF.finditer(body):
        found.setdefault(m.group("id"), (m.group("ql") if m.group("ql") is not None else m.group("label")).strip())
    for m in re.finditer(r"(?:^|-->|---|==>|-\.->|\|)\s*([A-Za-z_][\w-]*)\b", body, re.MULTILINE):
        found.setdefault(m.group(1), m.group(1))
    return {k: v for k, v in found.items() if k not in ("end", "subgraph", "style", "classDef", "class", "click")}


def _find(nodes: dict[str, str], text: str) -> str | None:
    want = key(text)
    for nid, lab in nodes.items():
        if want in (key(lab), key(nid)):
            return nid
    for nid, lab in nodes.items():
        if want and want in key(lab):
            return nid
    return None


def _require(nodes: dict[str, str], text: str) -> str:
    nid = _find(nodes, text)
    if nid is None:
        raise ValidationFailed(f"instruction: the diagram has no step called {text!r}.")
    return nid


def _new_id(nodes: dict[str, str]) -> str:
    i = len(nodes) + 1
    while f"n{i}" in nodes:
        i += 1
    return f"n{i}"


def _add_step(source: str, name: str, where: str, anchor: str) -> str:
    nodes = _nodes(source)
    at = _require(nodes, anchor)
    new = _new_id(nodes)
    lines = source.rstrip("\n").split("\n")
    outgoing = [m for m in map(_EDGE.match, lines) if m and m.group("a") == at]
    if where == "after" and len(outgoing) == 1 and outgoing[0].group("lab"):
        # X -->|yes| Y becomes X -->|yes| new --> Y: the branch's answer stays on the decision's edge
        edge = outgoing[0]
        out = [ln for ln in lines if ln != edge.string]
        out += [f'  {new}["{capitalize(label(name))}"]', f"  {at} {edge.group('arrow')}|{edge.group('lab')}| {new}",
                f"  {new} --> {edge.string[edge.start('b'):].strip()}"]  # keeps Y's definition
        return "\n".join(out) + "\n"
    out = []
    for line in lines:
        m = _EDGE.match(line)
        if m and where == "after" and m.group("a") == at:
            line = line.replace(m.group("a"), new, 1) if line.lstrip().startswith(at + " ") or \
                line.lstrip().startswith(at + "-") else line
        elif m and where == "before" and m.group("b") == at:
            head, _, tail = line.rpartition(at)
            line = head + new + tail
        out.append(line)
    out.append(f'  {new}["{capitalize(label(name))}"]')
    out.append(f"  {at} --> {new}" if where == "after" else f"  {new} --> {at}")
    return "\n".join(out) + "\n"


def _remove(source: str, text: str) -> str:
    if not _is_flowchart(source):
        return _remove_lines(source, text)
    nodes = _nodes(source)
    gone = _require(nodes, text)
    preds: list[tuple[str, str | None]] = []
    succs: list[str] = []
    out: list[str] = []
    for line in source.rstrip("\n").split("\n"):
        if not re.search(rf"\b{re.escape(gone)}\b", line):
            out.append(line)
            continue
        m = _EDGE.match(line)
        if m and m.group("b") == gone:
            preds.append((m.group("a"), m.group("lab")))
        elif m and m.group("a") == gone:
            succs.append(m.group("b"))
        # keep the definitions of the other nodes on a dropped line (ids outside quoted labels only)
        for d in _DEF.finditer(line):
            outside = line[:d.start()].count('"') % 2 == 0
            if outside and d.group("id") != gone:
                out.append(f"  {d.group()}")
    for a, lab in preds:
        for b in succs:
            if a != b:
                out.append(f"  {a} -->|{lab}| {b}" if lab else f"  {a} --> {b}")
    return "\n".join(out) + "\n"


def _remove_lines(source: str, text: str) -> str:
    """Other diagram types: drop every line naming `text`, with the block ({ ... }) or the deeper
    indented children (mindmap) it opens."""
    lines = source.rstrip("\n").split("\n")
    wants = {text.lower(), upper_snake(text).lower()}
    kept, skip_block, skip_indent, skip_to_end = [lines[0]], False, None, None
    for line in lines[1:]:
        indent = len(line) - len(line.lstrip())
        if skip_block:
            skip_block = line.strip() != "}"
            continue
        if skip_to_end is not None:  # a sequence block (loop/alt/...) goes with its `end`
            if indent == skip_to_end and line.strip() == "end":
                skip_to_end = None
            continue
        if skip_indent is not None and indent > skip_indent:
            continue
        skip_indent = None
        low = line.lower()
        if any(re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", low) for w in wants):
            skip_block = line.rstrip().endswith("{")
            opens = re.match(r"\s*(?:loop|alt|opt|par|critical|rect|box|break|subgraph)\b", line)
            skip_to_end = indent if opens else None
            skip_indent = None if opens else indent
            continue
        kept.append(line)
    if len(kept) == len(lines):
        raise ValidationFailed(f"instruction: the diagram does not mention {text!r}.")
    if len(kept) <= 1 or ("root((" in source and not any("root((" in k for k in kept)):
        raise ValidationFailed(f"instruction: removing {text!r} would leave nothing to draw.")
    return "\n".join(kept) + "\n"


def _rename(source: str, old: str, new: str) -> str:
    if _is_flowchart(source):
        nodes = _nodes(source)
        nid = _find(nodes, old)
        if nid is not None and nodes[nid] != nid:
            return source.replace(nodes[nid], capitalize(label(new)), 1)
    if source.startswith("erDiagram") and upper_snake(old) in source:
        return re.sub(rf"\b{re.escape(upper_snake(old))}\b", upper_snake(new), source)
    pattern = re.compile(re.escape(old), re.IGNORECASE)
    if not pattern.search(source.split("\n", 1)[-1]):
        raise ValidationFailed(f"instruction: the diagram does not mention {old!r}.")
    head, _, body = source.partition("\n")
    return head + "\n" + pattern.sub(label(new), body)


def _connect(source: str, a: str, b: str, text: str | None) -> str:
    nodes = _nodes(source)
    lines = source.rstrip("\n").split("\n")
    ids = []
    for name in (a, b):
        nid = _find(nodes, name)
        if nid is None:
            nid = _new_id(nodes)
            nodes[nid] = name
            lines.append(f'  {nid}["{capitalize(label(name))}"]')
        ids.append(nid)
    lines.append(f'  {ids[0]} -->|"{label(text, 30)}"| {ids[1]}' if text else f"  {ids[0]} --> {ids[1]}")
    return "\n".join(lines) + "\n"


def _direction(source: str, direction: str) -> str:
    return re.sub(r"^(\s*(?:flowchart|graph))(?:\s+\w+)?", rf"\1 {direction}", source, count=1)


def _add_attribute(source: str, attr: str, owner: str) -> str:
    lines = source.rstrip("\n").split("\n")
    if source.startswith("erDiagram"):
        name, member = upper_snake(owner), f"    string {ident(attr)}"
    elif source.startswith("classDiagram"):
        name, member = pascal(owner), f"    +{ident(attr)}"
    else:
        raise ValidationFailed("instruction: attributes belong to entities (ER) or classes; this diagram has neither.")
    for i, line in enumerate(lines):
        if re.match(rf"^\s*(?:class\s+)?{re.escape(name)}\s*\{{\s*$", line):
            lines.insert(i + 1, member)
            return "\n".join(lines) + "\n"
    if not re.search(rf"\b{re.escape(name)}\b", source):
        raise ValidationFailed(f"instruction: the diagram has no entity {owner!r}.")
    prefix = "  class " if source.startswith("classDiagram") else "  "
    lines += [f"{prefix}{name} {{", member, "  }"]
    return "\n".join(lines) + "\n"


def refine(source: str, instruction: str) -> str:
    """The source changed as the instruction asks; 422 when the instruction is not understood."""
    text = instruction.strip().rstrip(".!")
    flow = _is_flowchart(source)
    m = re.search(r"(?:direction|layout|orientation|flow|draw it|make it|lay it out)\b.*?\b(?P<d>" +
                  "|".join(sorted(map(re.escape, _DIRS), key=len, reverse=True)) + r")\b", text, re.IGNORECASE)
    if m and flow:
        return _direction(source, _DIRS[m.group("d").lower()])
    m = re.match(r"^add (?:an? |the )?(?:attribute|field|column|property|member)s?\s+(?P<x>.+?)\s+(?:to|on)\s+"
                 r"(?:the\s+)?(?:entity\s+|class\s+|table\s+)?(?P<y>.+)$", text, re.IGNORECASE)
    if m:
        return _add_attribute(source, _unquote(m.group("x")), _unquote(m.group("y")))
    m = re.match(r"^(?:add|insert)\s+(?:an? |the )?(?:new )?(?:step|node|box|stage)?\s*(?:called |named )?"
                 r"(?P<x>.+?)\s+(?P<w>after|before)\s+(?P<y>.+)$", text, re.IGNORECASE)
    if m and flow:
        return _add_step(source, _unquote(m.group("x")), m.group("w").lower(), _unquote(m.group("y")))
    m = re.match(r"^(?:rename|change|relabel)\s+(?P<x>.+?)\s+(?:to|into|as)\s+(?P<y>.+)$", text, re.IGNORECASE)
    if m:
        return _rename(source, _unquote(m.group("x")), _unquote(m.group("y")))
    m = re.match(r"^(?:connect|link|join|add an? (?:edge|arrow|link|connection) from)\s+(?P<x>.+?)\s+(?:to|with|and)\s+"
                 r"(?P<y>.+?)(?:\s+(?:labell?ed|with label|saying)\s+(?P<l>.+))?$", text, re.IGNORECASE)
    if m and flow:
        return _connect(source, _unquote(m.group("x")), _unquote(m.group("y")), m.group("l") and _unquote(m.group("l")))
    m = re.match(r"^(?:remove|delete|drop|take out)\s+(?:the\s+)?(?:step|node|box|stage|task|slice|participant)?\s*"
                 r"(?P<x>.+)$", text, re.IGNORECASE)
    if m:
        return _remove(source, _unquote(m.group("x")))
    raise ValidationFailed("instruction: the offline generator understands: " + "; ".join(UNDERSTOOD) +
                           ". Configure an AI provider for other changes.")
