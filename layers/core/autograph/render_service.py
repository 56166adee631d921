"""The public render/validate service: options from JSON, a cache in the exports bucket keyed by
the render cache key, and render errors mapped to problem details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import render as engine
from .aws import client
from .config import get_settings
from .errors import PayloadTooLarge, ValidationFailed

# API Gateway + Lambda return at most 6 MB, and binary goes out base64-encoded (4/3 larger).
MAX_INLINE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str
    cached: bool
    not_modified: bool = False


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
    s3 = client("s3")
    bucket = get_settings().exports_bucket
    try:
        body = s3.get_object(Bucket=bucket, Key=_cache_object(key, fmt))["Body"].read()
        return Rendered(body, ctype, key, cached=True)
    except s3.exceptions.NoSuchKey:
        pass
    body = render_bytes(source_or_canvas, fmt, options)
    if len(body) > MAX_INLINE_BYTES:
        raise PayloadTooLarge(f"The {fmt.upper()} is {len(body)} bytes, over the {MAX_INLINE_BYTES}-byte limit "
                              "of a synchronous render; lower the scale or use an export job.")
    s3.put_object(Bucket=bucket, Key=_cache_object(key, fmt), Body=body, ContentType=ctype)
    return Rendered(body, ctype, key, cached=False)


def render_bytes(source_or_canvas: str | dict[str, Any], fmt: str, options: engine.RenderOptions) -> bytes:
    try:
        return engine.render(source_or_canvas, fmt, options)
    except engine.InvalidDiagram as exc:
        first = (exc.result.get("errors") or [{}])[0]
        where = f"line {first['line']}: " if first.get("line") else ""
        raise ValidationFailed(f"The diagram is not valid: {where}{first.get('message', '')}",
                               extra={"validation": exc.result}) from exc
    except engine.RenderLimitExceeded as exc:
        raise PayloadTooLarge(str(exc)) from exc
    except engine.RenderInputError as exc:
        raise ValidationFailed(str(exc)) from exc


def validate(source: str) -> dict[str, Any]:
    return engine.validate(source)
