"""Render budget benchmark: time-to-answer of render (SVG) and validate for chains and branching
graphs of 100 .. 6,500 nodes, against the 10 s synchronous budget, beside mermaid-cli (mmdc)
when it is installed. Every answer is either the picture or a 422 "render too complex".

    PYTHONPATH=layers/core python bench/render_budget.py [--sizes 100,250,...] [--mmdc PATH]
                                                         [--mmdc-max 500] [--budget 10]

Exits non-zero when any answer took longer than the budget plus a 0.5 s margin.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "core"))

from autograph.render import RenderError, RenderOptions, RenderTooComplex, render_detailed, validate  # noqa: E402
from autograph.render.budget import estimate, fallback_seconds  # noqa: E402

MARGIN_S = 0.5
SIZES = (100, 250, 500, 1_000, 2_000, 4_000, 6_500)


def chain(n: int) -> str:
    # Short ids keep a 6,500-node chain under the 100 KB source limit, as an attacker would.
    return "flowchart TD\n" + "\n".join(f"n{i}-->n{i + 1}" for i in range(n - 1))


def branching(n: int) -> str:
    return "flowchart TD\n" + "\n".join(f"n{(i - 1) // 2}-->n{i}" for i in range(1, n))


def wide(n: int) -> str:
    # Ten parallel lanes with cross links: wide ranks, the fallback engine's worst case.
    return "flowchart LR\n" + "\n".join(
        f"n{i}-->n{i + 10}" + (f"\nn{i}-->n{i + 11}" if i % 10 != 9 else "") for i in range(n - 10))


SHAPES: dict[str, Callable[[int], str]] = {"chain": chain, "branching": branching, "wide": wide}


def _timed(call: Callable[[], object]) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        result = call()
        outcome = f"ok ({result.engine})" if hasattr(result, "engine") else (
            "valid" if isinstance(result, dict) and result.get("valid") else "invalid")
    except RenderTooComplex as exc:
        outcome = f"422 {exc.details()['limit']}"
    except RenderError as exc:
        outcome = f"error {type(exc).__name__}"
    return time.perf_counter() - start, outcome


def _mmdc(path: str | None) -> str | None:
    return path or shutil.which("mmdc")


def _time_mmdc(mmdc: str, source: str, timeout: float) -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.mmd", Path(tmp) / "out.svg"
        src.write_text(source)
        extra: list[str] = []
        if chromium:
            config = Path(tmp) / "puppeteer.json"
            config.write_text(f'{{"executablePath": "{chromium}", "args": ["--no-sandbox", "--disable-gpu"]}}')
            extra = ["-p", str(config)]
        start = time.perf_counter()
        try:
            done = subprocess.run([mmdc, "-i", str(src), "-o", str(out), "-q", *extra],
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return f">{timeout:.0f}s"
        took = time.perf_counter() - start
        return f"{took:.2f}s" if done.returncode == 0 else f"fail {took:.1f}s"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--shapes", default="chain,branching")
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--mmdc", help="path to mermaid-cli's mmdc (default: on PATH)")
    parser.add_argument("--mmdc-max", type=int, default=500, help="largest size given to mmdc")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    mmdc = _mmdc(args.mmdc)
    options = RenderOptions(time_budget_s=args.budget)
    validate("flowchart LR\n a-->b")  # start the worker: a cold start is not a size effect
    print(f"budget {args.budget:g} s (+{MARGIN_S} s margin); times are wall-clock time-to-answer")
    print(f"{'shape':10}{'nodes':>7}{'edges':>7}{'KB':>6}{'fallback est':>14}"
          f"{'render':>9}  {'outcome':22}{'validate':>9}  {'outcome':22}" + (f"{'mmdc':>10}" if mmdc else ""))
    worst = 0.0
    for shape in args.shapes.split(","):
        for n in sizes:
            source = SHAPES[shape](n)
            found = estimate(source)
            r_time, r_out = _timed(lambda s=source: render_detailed(s, "svg", options))
            v_time, v_out = _timed(lambda s=source: validate(s, args.budget))
            worst = max(worst, r_time, v_time)
            line = (f"{shape:10}{found.nodes:>7}{found.edges:>7}{len(source) / 1024:>6.0f}"
                    f"{fallback_seconds(found):>13.1f}s{r_time:>8.2f}s  {r_out:22}{v_time:>8.2f}s  {v_out:22}")
            if mmdc:
                line += f"{_time_mmdc(mmdc, source, 120) if n <= args.mmdc_max else '-':>10}"
            print(line, flush=True)
    ok = worst <= args.budget + MARGIN_S
    print(f"\nslowest answer {worst:.2f} s; budget {args.budget:g} s + {MARGIN_S} s: {'HOLDS' if ok else 'BROKEN'}")
    if not mmdc:
        print("mermaid-cli (mmdc) is not installed: no baseline column.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
