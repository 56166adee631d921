"""PNG output: novasvg rasterizes, we encode.

Why not resvg (resvg-py) any more: resvg-py only returns finished PNG bytes, and its encoding
(zlib's default level) was most of every PNG: a blank 1.1-megapixel canvas (a typical diagram
at 2x) took 60 ms, the pie fixture 135 ms against 2.5 ms for its SVG. novasvg (MIT; the
rasterizer mmdr, our Mermaid engine, depends on, so it is in the layer anyway) hands back the
pixels (~3-7 ms for a fixture at 2x), and we deflate them with zlib-ng (level 2, filter 0:
~4 ms for 1.1 MP, where stdlib zlib needs 14 ms at level 1; files 1.5-2x resvg's). Its pixels
match resvg's to within anti-aliasing (mean difference < 1 level of 255 on every fixture, a
test) once rasterprep.py has written out what it does not compute itself (currentColor, CSS
transforms, group opacity, brightness(), per-glyph fallback fonts).

Fonts are registered once per process, by family name: Liberation Sans (4 faces) for every
label (svgpost.py names it on every element and on the root) and each fallback font under the
name rasterprep.py gives the runs it draws, so no system font is ever chosen for our text.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

from .errors import RenderLimitExceeded
from .fonts import BOLD, BOLD_ITALIC, FAMILY, ITALIC, REGULAR, fallback_family, fallback_files
from .options import MAX_PIXELS
from .rasterprep import prepare

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FILTER_NONE = b"\x00"  # each scanline's filter type
ZLIB_LEVEL = 2  # zlib-ng: level 1 is 30 % faster but makes 1.3-2x larger files; 6 is 2x slower


def png_size(width: float, height: float, scale: int) -> tuple[int, int]:
    return max(1, round(width * scale)), max(1, round(height * scale))


@lru_cache(maxsize=4)
def _register_fonts(fallbacks: tuple[str, ...]) -> None:
    """Once per process and fallback list (AUTOGRAPH_EXTRA_FONT_DIR may add fonts)."""
    import novasvg.fonts  # lazy: only PNG needs it

    for bold, italic, path in ((False, False, REGULAR), (True, False, BOLD), (False, True, ITALIC),
                               (True, True, BOLD_ITALIC)):
        novasvg.fonts.add_font_face_from_file(FAMILY, bold, italic, str(path))
    for index, path in enumerate(fallbacks):
        for bold in (False, True):
            for italic in (False, True):  # a bold or italic label's ✓ finds its face too
                novasvg.fonts.add_font_face_from_file(fallback_family(index), bold, italic, str(path))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(rgba: bytes | memoryview, width: int, height: int, stride: int) -> bytes:
    """Straight (not premultiplied) RGBA rows -> PNG bytes (filter 0, deterministic)."""
    row = width * 4
    view = memoryview(rgba).cast("B")  # novasvg exposes (height, width, 4): make it flat
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    from zlib_ng import zlib_ng  # lazy: only PNG needs it

    # Rows go straight into the compressor, each after its filter byte: building the filtered
    # image first (12 MB at 3 MP, page faults included) cost as much as deflating it.
    deflate = zlib_ng.compressobj(ZLIB_LEVEL)
    out = []
    for y in range(height):  # (`FILTER_NONE + row` would copy each row through a slow path)
        out += (deflate.compress(FILTER_NONE), deflate.compress(view[y * stride:y * stride + row]))
    out.append(deflate.flush())
    return (PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(out))
            + _chunk(b"IEND", b""))


def svg_to_png(svg: str, width: float, height: float, scale: int) -> bytes:
    px_w, px_h = png_size(width, height, scale)
    if px_w * px_h > MAX_PIXELS:
        raise RenderLimitExceeded(
            f"PNG would be {px_w}x{px_h} px ({px_w * px_h / 1e6:.1f} MP), over the "
            f"{MAX_PIXELS / 1e6:.0f} MP limit; lower scale or set max_width/max_height"
        )
    import novasvg  # lazy: only PNG needs it

    _register_fonts(tuple(str(p) for p in fallback_files()))
    document = novasvg.Document.load_from_data(prepare(svg))
    bitmap = document.render_to_bitmap(px_w, px_h, 0)  # 0: transparent (its default is opaque black)
    if bitmap.is_null() or bitmap.width != px_w or bitmap.height != px_h:
        raise ValueError(f"the rasterizer drew {bitmap.width}x{bitmap.height}, not {px_w}x{px_h}")
    bitmap.convert_to_rgba()  # premultiplied ARGB32 -> straight RGBA, in place
    return encode_png(memoryview(bitmap), px_w, px_h, bitmap.stride)
