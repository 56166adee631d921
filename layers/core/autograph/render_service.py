"""The public render/validate service: options from JSON, a cache in the exports bucket keyed by
the render cache key, and render errors mapped to problem details."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import render as engine
from .config import get_settings
from .errors import DiagramInvalid, PayloadTooLarge, RenderBusy, RenderTooComplex, ValidationFailed
from .observability import count, logger
from .store import blobs

# API Gateway + Lambda return at most 6 MB, and binary goes out base64-encoded (4/3 larger).
MAX_INLINE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str
    cached: bool
    not_modified: bool = False
    engine: str | None = None  # merman, mermaid-rs-renderer (fallback) or canvas; None on 304
    warnings: str | None = None  # JSON list (ASCII-escaped, header-safe) of render warnings


def _options(raw: dict[str, Any]) -> engine.RenderOptions:
    try:
        return engine.RenderOptions.from_dict({k: v for k, v in raw.items() if v is not None})
    except engine.RenderInputError as exc:
        raise ValidationFailed(str(exc)) from exc


def _cache_object(key: str, fmt: str) -> str:
    return f"cache/{key}.{fmt}"


def render_cached(
    source_or_canvas: str | dict[str, Any], fmt: str, raw_options: dict[str, Any], if_none_match: str | None = None,
) -> Rendered:
    """Bytes for this input and options: a 304 costs nothing, a repeat one S3 GET, a miss one render."""
    options = _options(raw_options)
    try:
        key = engine.cache_key(source_or_canvas, fmt, options)
    except engine.RenderInputError as exc:
        raise ValidationFailed(str(exc)) from exc
    ctype = engine.content_type(fmt)
    if if_none_match and key in if_none_match:
        return Rendered(b"", ctype, key, cached=True, not_modified=True)
    bucket = get_settings().exports_bucket
    cached = blobs.get(bucket, _cache_object(key, fmt))
    if cached is not None:
        return Rendered(cached.data, ctype, key, cached=True, engine=cached.metadata.get("render-engine"),
                        warnings=cached.metadata.get("render-warnings"))
    result = render_result(source_or_canvas, fmt, options)
    body = result.data
    if len(body) > MAX_INLINE_BYTES:
        raise PayloadTooLarge(f"The {fmt.upper()} is {len(body)} bytes, over the {MAX_INLINE_BYTES}-byte limit "
                              "of a synchronous render; lower the scale or use an export job.")
    # Warnings (fallback engine, characters no font has) travel with the cached bytes.
    warnings = json.dumps(list(result.warnings))[:1500] if result.warnings else None
    metadata = {"render-engine": result.engine, **({"render-warnings": warnings} if warnings else {})}
    blobs.put(bucket, _cache_object(key, fmt), body, ctype, metadata)
    return Rendered(body, ctype, key, cached=False, engine=result.engine, warnings=warnings)


def render_bytes(source_or_canvas: str | dict[str, Any], fmt: str, options: engine.RenderOptions) -> bytes:
    return render_result(source_or_canvas, fmt, options).data


def render_result(source_or_canvas: str | dict[str, Any], fmt: str, options: engine.RenderOptions) -> Any:
    """engine.render_detailed with errors mapped to problems; a fallback render is logged and
    counted (metric RenderFallback) so a drop in fidelity never goes unnoticed."""
    try:
        result = engine.render_detailed(source_or_canvas, fmt, options)
    except engine.InvalidDiagram as exc:
        first = (exc.result.get("errors") or [{}])[0]
        where = f"line {first['line']}: " if first.get("line") else ""
        raise DiagramInvalid(f"The diagram is not valid: {where}{first.get('message', '')}",
                             extra={"validation": exc.result}) from exc
    except engine.RenderLimitExceeded as exc:
        raise _limit_problem(exc) from exc
    except engine.RenderInputError as exc:  # a canvas whose shapes do not hang together
        raise (DiagramInvalid if isinstance(source_or_canvas, dict) else ValidationFailed)(str(exc)) from exc
    except engine.RenderError as exc:
        raise _render_failure(exc) from exc
    if result.fallback:
        logger.warning("render fell back to the second engine", extra={"render_engine": result.engine})
        count("RenderFallback")
    return result


def validate(source: str) -> dict[str, Any]:
    try:
        return engine.validate(source)
    except engine.RenderLimitExceeded as exc:
        raise _limit_problem(exc) from exc
    except engine.RenderError as exc:
        raise _render_failure(exc) from exc


def _limit_problem(exc: Exception) -> Exception:
    """Too many nodes or edges, or too slow: 422 render-too-complex naming the limit and by how
    much. Only the source's byte size (a payload limit) stays a 413."""
    if isinstance(exc, engine.RenderTooComplex):
        return RenderTooComplex(f"The diagram is too complex to render: {exc}.", extra=exc.details())
    return PayloadTooLarge(str(exc))


def _render_failure(exc: Exception) -> Exception:
    if isinstance(exc, engine.WorkerBusy):
        return RenderBusy(str(exc))
    return exc
