"""A Kroki-compatible API for Mermaid: decoding what Kroki clients encode, and Kroki's answers.

Kroki (https://docs.kroki.io/kroki/setup/usage) takes a diagram as
- `GET /<type>/<format>/<encoded>`, `encoded` = base64url(zlib-deflate(source));
- `POST /<type>/<format>` with the source as the plain-text body (or JSON {diagram_source});
- `POST /<type>` with the format in the `Accept` header;
- `POST /` with JSON {diagram_source, diagram_type, output_format, diagram_options?}.
It answers the image with its content type, and 400 with a plain-text message for an unknown
type or format or a diagram that does not parse. Here the only type is `mermaid`.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

SUPPORTED_TYPES = ("mermaid",)
SUPPORTED_FORMATS = ("svg", "png", "pdf")
ACCEPT_FORMATS = {"image/svg+xml": "svg", "image/png": "png", "application/pdf": "pdf"}
MAX_SOURCE_BYTES = 100 * 1024
# Kroki's diagram options we honour for Mermaid (ours, same names); others are ignored as Kroki does.
OPTION_NAMES = ("theme", "background", "scale", "padding", "page")


class KrokiError(ValueError):
    """A Kroki 400: the message is sent as text/plain."""


def check_type(diagram_type: str) -> str:
    name = (diagram_type or "").strip().lower()
    if name not in SUPPORTED_TYPES:
        raise KrokiError(f"Unsupported diagram type: {diagram_type}. This server supports: "
                         f"{', '.join(SUPPORTED_TYPES)}.")
    return name


def check_format(output_format: str, diagram_type: str = "mermaid") -> str:
    fmt = (output_format or "").strip().lower()
    if fmt == "jpeg" or fmt not in SUPPORTED_FORMATS:
        raise KrokiError(f"Unsupported output format: {output_format} for {diagram_type}. Must be one of "
                         f"{', '.join(SUPPORTED_FORMATS)}.")
    return fmt


def format_from_accept(accept: str | None) -> str:
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in ACCEPT_FORMATS:
            return ACCEPT_FORMATS[media]
    raise KrokiError("Missing or unsupported output format: put it in the path (/mermaid/svg) or send "
                     f"Accept: {', '.join(ACCEPT_FORMATS)}.")


def encode(source: str) -> str:
    """What Kroki clients send (for tests and docs): base64url(zlib.compress(source, 9))."""
    return base64.urlsafe_b64encode(zlib.compress(source.encode("utf-8"), 9)).decode("ascii")


def decode(encoded: str) -> str:
    """base64url (padding optional) -> zlib inflate (raw deflate accepted too) -> UTF-8, with the
    inflated size bounded so a small URL cannot expand into a huge source."""
    text = (encoded or "").strip()
    try:
        padded = (text + "=" * (-len(text) % 4)).translate(str.maketrans("-_", "+/"))
        raw = base64.b64decode(padded, validate=True)  # strict: stray characters are an error
        if not raw:
            raise ValueError("empty")
    except (binascii.Error, ValueError) as exc:
        raise KrokiError("The encoded diagram is not valid base64url.") from exc
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        inflater = zlib.decompressobj(wbits)
        try:
            data = inflater.decompress(raw, MAX_SOURCE_BYTES + 1)
        except zlib.error:
            continue
        if len(data) > MAX_SOURCE_BYTES or inflater.unconsumed_tail:
            raise KrokiError(f"The decoded diagram exceeds {MAX_SOURCE_BYTES // 1024} KB.")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise KrokiError("The decoded diagram is not UTF-8 text.") from exc
    raise KrokiError("The encoded diagram could not be decoded: expected deflate + base64url, as Kroki "
                     "clients encode it.")


def options(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Kroki diagram options (strings, from a query or JSON) -> our render options."""
    out: dict[str, Any] = {}
    for name in OPTION_NAMES:
        value = (raw or {}).get(name)
        if value is None or value == "":
            continue
        if name in ("scale", "padding"):
            try:
                value = int(value)
            except (TypeError, ValueError) as exc:
                raise KrokiError(f"The diagram option {name} must be an integer.") from exc
        out[name] = value
    return out


def check_source(source: str) -> str:
    if not source or not source.strip():
        raise KrokiError("The diagram source is empty.")
    if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise KrokiError(f"The diagram source exceeds {MAX_SOURCE_BYTES // 1024} KB.")
    return source
