"""Render benchmark: median / p95 ms per Mermaid family (and canvas shapes) for SVG, PNG@2x
and PDF, side by side with mermaid-cli (mmdc) when it is installed.

    PYTHONPATH=layers/core python bench/render.py [--runs 20] [--mmdc PATH]
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
sys.path.insert(0, str(ROOT / "layers" / "core"))
FIXTURES = ROOT / "tests" / "unit" / "render" / "fixtures"

from autograph.render import RenderOptions, render  # noqa: E402


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _time(func, runs: int) -> tuple[float, float]:
    func()  # warm-up (imports, font registration)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return _stats(samples)


def _mmdc(path: str | None) -> str | None:
    return path or shutil.which("mmdc") or (
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
            done = subprocess.run([mmdc, "-i", str(source), "-o", str(out), "-q", *_puppeteer_config(tmp)],
                                  capture_output=True, timeout=120, check=False)
            if done.returncode != 0:
                return None
            samples.append((time.perf_counter() - start) * 1000)
    return _stats(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--mmdc", help="path to mermaid-cli's mmdc")
    parser.add_argument("--mmdc-runs", type=int, default=3)
    args = parser.parse_args()
    mmdc = _mmdc(args.mmdc)
    png2x = RenderOptions(scale=2, background="#ffffff")
    inputs: list[tuple[str, object, Path | None]] = []
    for path in sorted((FIXTURES / "mermaid").glob("*.mmd")):
        inputs.append((path.stem, path.read_text(encoding="utf-8"), path))
    for path in sorted((FIXTURES / "canvas").glob("*.json")):
        inputs.append((f"canvas:{path.stem}", json.loads(path.read_text()), None))
    header = f"{'family':<18}{'svg med/p95':>16}{'png@2x med/p95':>18}{'png/svg':>9}{'pdf med/p95':>16}"
    header += f"{'mmdc svg med':>14}{'ratio':>9}" if mmdc else ""
    print(header)
    for name, source, path in inputs:
        svg = _time(lambda s=source: render(s, "svg"), args.runs)
        png = _time(lambda s=source: render(s, "png", png2x), args.runs)
        pdf = _time(lambda s=source: render(s, "pdf"), args.runs)
        # The target: PNG@2x median at most 3x the SVG median of the same diagram.
        row = (f"{name:<18}{svg[0]:>8.1f}/{svg[1]:<7.1f}{png[0]:>10.1f}/{png[1]:<7.1f}"
               f"{png[0] / svg[0]:>8.1f}x{pdf[0]:>8.1f}/{pdf[1]:<7.1f}")
        if mmdc and path is not None:
            base = _time_mmdc(mmdc, path, args.mmdc_runs)
            row += (f"{base[0]:>14.0f}{base[0] / svg[0]:>8.0f}x" if base
                    else f"{'failed':>14}")
        print(row)
    if not mmdc:
        print("\nmermaid-cli (mmdc) is not installed: no baseline column. Install it with "
              "`npm install @mermaid-js/mermaid-cli` (PUPPETEER_SKIP_DOWNLOAD=1 and a puppeteer "
              "config pointing at Debian's chromium) and pass --mmdc.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
