"""The only module that touches the Mermaid engine (mmdr: merman + mermaid-rs-renderer).

We load mmdr's compiled extension directly: the `mmdr` package __init__ imports
novasvg (the rasterizer raster.py uses for PNG only), so skipping it keeps SVG and PDF
renders and the cold start from loading it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from functools import lru_cache
from types import ModuleType

from .budget import SELECTOR_CEILING, admit_fallback, plain_labels
from .errors import RenderError
from .frontmatter import configured_source

PRIMARY = "merman"
SECONDARY = "mermaid-rs-renderer"

# Messages by which the engines say "your source is wrong" (vs. "I crashed").
_PARSE_MARKERS = ("Diagram parse error", "No Mermaid diagram type detected", "unexpected token")


class EngineError(RenderError):
    """The engine rejected or failed on the source; .parse tells which."""

    def __init__(self, message: str, backend: str, parse: bool) -> None:
        super().__init__(message)
        self.backend = backend
        self.parse = parse


@lru_cache(maxsize=1)
def _ext() -> ModuleType:
    name = "mmdr._mmdr"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec("mmdr")
    if spec is None or not spec.submodule_search_locations:
        raise RenderError("the Mermaid engine (mmdr) is not installed")
    for folder in spec.submodule_search_locations:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = f"{folder}/_mmdr{suffix}"
            try:
                loader = importlib.machinery.ExtensionFileLoader(name, path)
                ext_spec = importlib.util.spec_from_file_location(name, path, loader=loader)
                if ext_spec is None:
                    continue
                module = importlib.util.module_from_spec(ext_spec)
                loader.exec_module(module)
            except (ImportError, OSError):
                continue
            sys.modules[name] = module
            return module
    raise RenderError("the Mermaid engine extension could not be loaded")


def engine_version() -> str:
    return f"mmdr-{_ext().__version__}"


def backends() -> list[str]:
    return list(_ext().backends())


def themed_source(source: str, theme: str) -> str:
    """Theme + our shipped font merged into the source's own front matter (see frontmatter.py)."""
    return configured_source(source, theme)


def is_parse_error(message: str) -> bool:
    return any(marker in message for marker in _PARSE_MARKERS)


def _call(source: str, backend: str) -> str:
    if backend == SECONDARY:  # slow on large graphs: only when it can finish in time (budget.py)
        admit_fallback(source)
    try:
        return _ext().render(source, backend)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:
        message = str(exc) or type(exc).__name__
        if backend == PRIMARY and SELECTOR_CEILING in message:  # a large graph: merman again, SVG text labels
            try:
                return _ext().render(plain_labels(source), backend)
            except (KeyboardInterrupt, SystemExit, MemoryError):
                raise
            except BaseException:  # noqa: S110 - the first error is the one to report
                pass
        raise EngineError(message, backend, is_parse_error(message)) from exc


def try_render(source: str, backend: str = PRIMARY) -> tuple[str | None, str | None]:
    """(svg, None) when the engine accepts `source`, else (None, its message)."""
    try:
        return _call(source, backend), None
    except EngineError as exc:
        return None, str(exc)


def parse_check(source: str) -> str | None:
    """Return the primary engine's error message for `source`, or None when it parses."""
    return try_render(source)[1]


def render_svg(source: str, theme: str) -> tuple[str, str]:
    """Render Mermaid to raw SVG; returns (svg, backend used).

    merman (Mermaid's own grammar and layouts) decides what is valid. When it
    fails for another reason than a parse error (an unsupported construct in
    its renderer, a panic), mermaid-rs-renderer gets a chance.
    """
    try:
        return _call(themed_source(source, theme), PRIMARY), PRIMARY
    except EngineError as first:
        if first.parse or SECONDARY not in backends():
            raise
        try:
            return _call(source, SECONDARY), SECONDARY
        except EngineError:
            raise first from None
