"""Side by side with mermaid-cli: for a folder of .mmd files, render ours and mermaid-cli's
pictures and write one contact sheet per family, with per-diagram figures:

* labels  - text items in mermaid-cli's SVG (its HTML labels and SVG text)
* missing - of those, the ones whose words do not all appear in our SVG's text
* overflow - our labels sticking out of their node / plate / container / the picture
  (autograph.render.textfit, measured with the fonts we draw with)
* engine  - which engine drew ours (merman, or the fallback mermaid-rs-renderer)
* size    - sqrt(our drawing area / mermaid-cli's), from the two SVGs' viewBoxes

    python bench/fidelity.py [DIR ...] [--out /tmp/fidelity] [--mmdc PATH] [--core PATH]

`--core` points at another copy of `layers/core` (e.g. an older commit unpacked with
`git archive`) to measure "before". Without mermaid-cli only our columns are filled.
mermaid-cli's outputs are cached in OUT/mmdc by source hash (it takes ~2 s per picture).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "unit" / "render" / "fixtures"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PUPPETEER = {"executablePath": "/usr/bin/chromium", "args": [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"]}


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text.replace("\\n", " "))}


def _labels(svg: bytes) -> list[str]:
    """Text items of an SVG: each <text> and each foreignObject (HTML label) as one item."""
    root = ET.fromstring(svg)  # noqa: S314 - local files
    items: list[str] = []

    def walk(el: ET.Element) -> None:
        name = el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""
        if name in ("style", "defs", "marker", "title", "desc"):
            return
        if name in ("text", "foreignObject"):
            content = re.sub(r"\s+", " ", " ".join(el.itertext())).strip()
            if content:
                items.append(content)
            return
        for child in el:
            walk(child)

    walk(root)
    return items


def _view_area(svg: bytes) -> float:
    match = re.search(rb'viewBox="([^"]+)"', svg)
    nums = [float(n) for n in re.findall(rb"[-\d.e]+", match.group(1))] if match else []
    return nums[2] * nums[3] if len(nums) == 4 else 0.0


def _mmdc(mmdc: str, source: str, cache: Path) -> tuple[bytes, bytes] | None:
    key = hashlib.sha256(source.encode()).hexdigest()[:16]
    svg_path, png_path = cache / f"{key}.svg", cache / f"{key}.png"
    if not (svg_path.exists() and png_path.exists()):
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.mmd"
            src.write_text(source, encoding="utf-8")
            config = Path(tmp) / "puppeteer.json"
            config.write_text(json.dumps(_PUPPETEER))
            for out in (svg_path, png_path):
                done = subprocess.run([mmdc, "-i", str(src), "-o", str(out), "-q", "-b", "white",
                                       "-p", str(config)], capture_output=True, timeout=180, check=False)
                if done.returncode != 0:
                    return None
    return svg_path.read_bytes(), png_path.read_bytes()


def _sheet(rows: list[dict], path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font_file = ROOT / "layers/core/autograph/render/fonts/LiberationSans-Regular.ttf"
    font = ImageFont.truetype(str(font_file), 14)
    cell = 520
    tiles = []
    for row in rows:
        pics = []
        for data in (row["ours_png"], row.get("mmdc_png")):
            if data is None:
                pics.append(Image.new("RGB", (cell, 60), "#eeeeee"))
                continue
            img = Image.open(io.BytesIO(data)).convert("RGB")
            factor = min(1.0, cell / img.width, 700 / img.height)
            pics.append(img.resize((max(1, int(img.width * factor)), max(1, int(img.height * factor)))))
        height = max(p.height for p in pics) + 44
        tile = Image.new("RGB", (2 * cell + 30, height), "white")
        draw = ImageDraw.Draw(tile)
        draw.text((10, 4), row["caption"], fill="black", font=font)
        draw.text((10, 22), "ours", fill="#555555", font=font)
        draw.text((cell + 20, 22), "mermaid-cli", fill="#555555", font=font)
        tile.paste(pics[0], (10, 42))
        tile.paste(pics[1], (cell + 20, 42))
        draw.line([(cell + 15, 20), (cell + 15, height)], fill="#cccccc")
        tiles.append(tile)
    sheet = Image.new("RGB", (max(t.width for t in tiles), sum(t.height + 10 for t in tiles)), "#dddddd")
    y = 0
    for tile in tiles:
        sheet.paste(tile, (0, y))
        y += tile.height + 10
    sheet.save(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs="*", type=Path,
                        default=[FIXTURES / "mermaid", FIXTURES / "docs"])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "autograph-fidelity")
    parser.add_argument("--mmdc", help="mermaid-cli's mmdc (default: on PATH)")
    parser.add_argument("--core", type=Path, default=ROOT / "layers" / "core")
    parser.add_argument("--no-sheets", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(args.core))
    from autograph.render import RenderOptions, render, validate
    from autograph.render.sanitize import parse_xml
    from autograph.render.textfit import overflows

    try:
        from autograph.render import render_detailed
    except ImportError:  # an older core: no engine report
        render_detailed = None
    mmdc = args.mmdc or shutil.which("mmdc")
    if mmdc and not Path("/usr/bin/chromium").exists():
        mmdc = None
    args.out.mkdir(parents=True, exist_ok=True)
    families: dict[str, list[dict]] = defaultdict(list)
    totals = defaultdict(int)
    print(f"{'diagram':<30}{'engine':>8}{'labels':>8}{'missing':>9}{'overflow':>10}{'size':>7}")
    for folder in args.dirs:
        for path in sorted(folder.glob("*.mmd")):
            source = path.read_text(encoding="utf-8")
            family = validate(source).get("diagram_type") or path.stem.split("-")[0]
            options = RenderOptions(background="#ffffff")
            if render_detailed is not None:
                result = render_detailed(source, "svg", options)
                svg, engine = result.data, result.engine
            else:
                from autograph.render import engine as _engine

                svg = render(source, "svg", options)
                try:
                    engine = _engine.render_svg(source, options.theme)[1]
                except Exception:
                    engine = "?"
            png = render(source, "png", options)
            over = overflows(parse_xml(svg.decode()))
            row = {"ours_png": png, "name": path.stem, "engine": engine, "overflow": len(over)}
            theirs = _mmdc(mmdc, source, args.out / "mmdc") if mmdc else None
            ours_words = _words(" ".join(_labels(svg)))
            if theirs:
                their_labels = _labels(theirs[0])
                missing = [lab for lab in their_labels if not _words(lab) <= ours_words]
                area = _view_area(theirs[0])
                size = math.sqrt(_view_area(svg) / area) if area else float("nan")
                row.update(mmdc_png=theirs[1], labels=len(their_labels), missing=missing, size=size)
            label_count = row.get("labels", "-")
            missing_n = len(row["missing"]) if "missing" in row else "-"
            size_txt = f"{row['size']:.2f}" if "size" in row else "-"
            row["caption"] = (f"{path.stem}  engine={engine}  labels={label_count}  missing={missing_n}  "
                              f"overflow={len(over)}  size={size_txt}")
            families[family].append(row)
            print(f"{path.stem:<30}{engine[:8]:>8}{label_count!s:>8}{missing_n!s:>9}{len(over):>10}{size_txt:>7}")
            for lab in row.get("missing", [])[:5]:
                print(f"{'':<30}missing: {lab[:70]!r}")
            totals["diagrams"] += 1
            totals["fallback"] += engine == "mermaid-rs-renderer"
            totals["labels"] += row.get("labels", 0)
            totals["missing"] += len(row.get("missing", []))
            totals["overflow"] += len(over)
    if not args.no_sheets:
        for family, rows in sorted(families.items()):
            _sheet(rows, args.out / f"{family}.png")
        print(f"\ncontact sheets: {args.out}/<family>.png")
    print("totals: " + ", ".join(f"{k}={v}" for k, v in totals.items()))
    if not mmdc:
        print("mermaid-cli not found (or no /usr/bin/chromium): only our figures are shown")
    return 0


if __name__ == "__main__":
    sys.exit(main())
