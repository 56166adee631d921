"""Render benchmark: median / p95 ms per Mermaid family (and canvas shapes) for SVG, PNG@2x
and PDF, side by side with mermaid-cli (mmdc) when it is installed.

    python bench/render.py [--runs 20] [--mmdc PATH] [--core PATH] [--rasterizers]

SVG, PNG and PDF are timed in turn (not one block after another), so a machine shared with
other jobs slows them alike and the png/svg ratio holds. A `--mmdc` that does not exist skips
the mermaid-cli column. `--core` measures another copy of `layers/core` (e.g. `git archive
HEAD layers/core | tar -x -C /tmp/before`) for a before/after table on the same machine.
`--rasterizers` times the PNG stage alone, ours (novasvg) against resvg-py (the rasterizer
before; a test-only dependency now), in-process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "unit" / "render" / "fixtures"


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _time(funcs: list, runs: int) -> list[tuple[float, float]]:
    """Median/p95 ms of each function, sampled in turn (svg, png, pdf, svg, ...) so that a
    machine shared with other jobs slows all of them alike and their ratio holds."""
    for func in funcs:
        func()  # warm-up (imports, font registration, worker start)
    samples: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for index, func in enumerate(funcs):
            start = time.perf_counter()
            func()
            samples[index].append((time.perf_counter() - start) * 1000)
    return [_stats(s) for s in samples]


def _mmdc(path: str | None) -> str | None:
    if path:  # a path that is not there (or not runnable) skips the baseline, it does not crash
        found = shutil.which(path)
        if not found:
            print(f"mermaid-cli not found at {path}: skipping the mmdc column", file=sys.stderr)
        return found
    return shutil.which("mmdc") or (
        str(ROOT / "node_modules/.bin/mmdc") if (ROOT / "node_modules/.bin/mmdc").exists()
        else None)


def _puppeteer_config(tmp: str) -> list[str]:
    """Point puppeteer at the system Chromium (its own browser download is not possible here)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return []
    path = Path(tmp) / "puppeteer.json"
    path.write_text(json.dumps({"executablePath": chromium, "args": [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]}))
    return ["-p", str(path)]


def _time_mmdc(mmdc: str, source: Path, runs: int) -> tuple[float, float] | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.svg"
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            try:
                done = subprocess.run([mmdc, "-i", str(source), "-o", str(out), "-q", *_puppeteer_config(tmp)],
                                      capture_output=True, timeout=120, check=False)
            except (OSError, subprocess.TimeoutExpired):
                return None
            if done.returncode != 0:
                return None
            samples.append((time.perf_counter() - start) * 1000)
    return _stats(samples)


def _rasterizers(runs: int) -> int:
    """The PNG stage alone, ours against resvg-py's (what PNG used before), so that a shared
    machine's load cancels out of the ratio."""
    import resvg_py  # test-only dependency (requirements-dev.txt)
    from autograph.render import RenderOptions
    from autograph.render.budget import Budget
    from autograph.render.core import render_svg_text
    from autograph.render.fonts import FAMILY, font_files
    from autograph.render.raster import png_size, svg_to_png

    opts = RenderOptions(scale=2, background="#ffffff")
    print(f"{'family':<18}{'svg':>8}{'png novasvg':>13}{'png resvg':>11}{'novasvg/svg':>13}{'resvg/svg':>11}")
    for path in sorted((FIXTURES / "mermaid").glob("*.mmd")):
        source = path.read_text(encoding="utf-8")
        svg, (w, h), _ = render_svg_text(source, opts, Budget(30))
        px_w, px_h = png_size(w, h, 2)

        def old(svg: str = svg, px_w: int = px_w, px_h: int = px_h) -> bytes:
            return bytes(resvg_py.svg_to_bytes(
                svg_string=svg, width=px_w, height=px_h, skip_system_fonts=True, font_files=font_files(),
                font_family=FAMILY, sans_serif_family=FAMILY, serif_family=FAMILY))

        (t_svg, _), (t_new, _), (t_old, _) = _time([
            lambda s=source: render_svg_text(s, opts, Budget(30)),
            lambda s=source, svg=svg, w=w, h=h: render_svg_text(s, opts, Budget(30)) and svg_to_png(svg, w, h, 2),
            lambda s=source: render_svg_text(s, opts, Budget(30)) and old()], runs)
        print(f"{path.stem:<18}{t_svg:>8.1f}{t_new:>13.1f}{t_old:>11.1f}{t_new / t_svg:>12.1f}x{t_old / t_svg:>10.1f}x")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--mmdc", help="path to mermaid-cli's mmdc")
    parser.add_argument("--mmdc-runs", type=int, default=3)
    parser.add_argument("--core", type=Path, default=ROOT / "layers" / "core")
    parser.add_argument("--docs", action="store_true",
                        help="also the diagrams taken from Mermaid's syntax pages (fixtures/docs)")
    parser.add_argument("--rasterizers", action="store_true",
                        help="in-process, per family: SVG vs PNG@2x by novasvg (ours) vs resvg-py (before), "
                             "timed in turn on the same final SVG")
    args = parser.parse_args()
    sys.path.insert(0, str(args.core))
    if args.rasterizers:
        return _rasterizers(args.runs)
    from autograph.render import RenderOptions, render

    mmdc = _mmdc(args.mmdc)
    png2x = RenderOptions(scale=2, background="#ffffff")
    inputs: list[tuple[str, object, Path | None]] = []
    for path in sorted((FIXTURES / "mermaid").glob("*.mmd")):
        inputs.append((path.stem, path.read_text(encoding="utf-8"), path))
    for path in sorted((FIXTURES / "docs").glob("*.mmd")) if args.docs else []:
        inputs.append((f"docs:{path.stem}", path.read_text(encoding="utf-8"), path))
    for path in sorted((FIXTURES / "canvas").glob("*.json")):
        inputs.append((f"canvas:{path.stem}", json.loads(path.read_text()), None))
    header = f"{'family':<18}{'svg med/p95':>16}{'png@2x med/p95':>18}{'png/svg':>9}{'pdf med/p95':>16}"
    header += f"{'mmdc svg med':>14}{'ratio':>9}" if mmdc else ""
    print(header)
    ratios: list[float] = []
    for name, source, path in inputs:
        svg, png, pdf = _time([lambda s=source: render(s, "svg"), lambda s=source: render(s, "png", png2x),
                               lambda s=source: render(s, "pdf")], args.runs)
        # The target: PNG@2x median at most 3x the SVG median of the same diagram.
        if path is not None:  # Mermaid only: canvas SVGs take ~1 ms, so their ratio says little
            ratios.append(png[0] / svg[0])
        row = (f"{name:<18}{svg[0]:>8.1f}/{svg[1]:<7.1f}{png[0]:>10.1f}/{png[1]:<7.1f}"
               f"{png[0] / svg[0]:>8.1f}x{pdf[0]:>8.1f}/{pdf[1]:<7.1f}")
        if mmdc and path is not None:
            base = _time_mmdc(mmdc, path, args.mmdc_runs)
            row += (f"{base[0]:>14.0f}{base[0] / svg[0]:>8.0f}x" if base
                    else f"{'failed':>14}")
        print(row)
    print(f"\nPNG@2x / SVG over {len(ratios)} Mermaid diagrams: median {statistics.median(ratios):.1f}x, "
          f"worst {max(ratios):.1f}x, {sum(r <= 3 for r in ratios)} of {len(ratios)} at most 3x")
    if not mmdc and not args.mmdc:
        print("\nmermaid-cli (mmdc) is not installed: no baseline column. Install it with "
              "`npm install @mermaid-js/mermaid-cli` (PUPPETEER_SKIP_DOWNLOAD=1 and a puppeteer "
              "config pointing at Debian's chromium) and pass --mmdc.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
