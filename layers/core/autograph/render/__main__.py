"""CLI: python -m autograph.render IN.mmd|IN.json|- -o OUT.svg|.png|.pdf [options]
       python -m autograph.render --validate IN.mmd"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import RenderError, RenderOptions, render_detailed, validate
from .errors import InvalidDiagram


def _read(path: str) -> str:
    return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")


def _input(path: str, text: str) -> str | dict[str, Any]:
    stripped = text.lstrip()
    if path.endswith(".json") or (path == "-" and stripped.startswith("{")):
        return json.loads(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograph.render")
    parser.add_argument("input", help="Mermaid .mmd, canvas .json, or - for stdin")
    parser.add_argument("-o", "--output", help="output file (.svg/.png/.pdf) or - for stdout")
    parser.add_argument("--format", choices=("svg", "png", "pdf"))
    parser.add_argument("--theme", default="default")
    parser.add_argument("--background", default="transparent")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--padding", type=int, default=16)
    parser.add_argument("--page", choices=("a4", "letter"))
    parser.add_argument("--validate", action="store_true", help="print validation JSON")
    args = parser.parse_args(argv)
    try:
        text = _read(args.input)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.validate:
        result = validate(text)
        print(json.dumps(result, indent=2))
        return 0 if result["valid"] else 1
    if not args.output:
        parser.error("-o/--output is required unless --validate")
    fmt = args.format or Path(args.output).suffix.lstrip(".").lower() or "svg"
    try:
        options = RenderOptions(theme=args.theme, background=args.background.lower(),
                                scale=args.scale, padding=args.padding, page=args.page)
        done = render_detailed(_input(args.input, text), fmt, options)
        data = done.data
        for warning in done.warnings:  # e.g. the fallback engine drew it, glyphs no font has
            print(f"warning: {warning}", file=sys.stderr)
    except InvalidDiagram as exc:
        print(json.dumps(exc.result, indent=2), file=sys.stderr)
        return 1
    except (RenderError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
