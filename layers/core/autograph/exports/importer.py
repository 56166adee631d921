"""`POST /v1/diagrams/import`: a JSON export document, raw Mermaid text (`text/plain`), or a `.mmd`
/ `.json` file upload (`multipart/form-data`) becomes a new diagram. Mermaid is validated first:
invalid input is a 422 with the validation's line numbers, and nothing is stored.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
from typing import Any

from pydantic import ValidationError

from .. import render_service
from ..diagrams import service
from ..diagrams.schema import DiagramCreate
from ..errors import DiagramInvalid, ValidationFailed
from . import formats

# Every rejection of an import is about the diagram it carries (no JSON schema can say whether
# Mermaid parses or a document hangs together), so each is an `invalid-diagram` 422.
Invalid = DiagramInvalid

DEFAULT_TITLE = "Imported diagram"
MAX_IMPORT_BYTES = 6 * 1024 * 1024
_FRONT_TITLE = re.compile(r"\A---\s*\n(?:.*\n)*?\s*title:\s*(?P<title>[^\n]+)\n(?:.*\n)*?---\s*\n", re.MULTILINE)


def _mermaid_errors(source: str) -> None:
    result = render_service.validate(source)
    if not result["valid"]:
        first = (result.get("errors") or [{}])[0]
        where = f"line {first['line']}: " if first.get("line") else ""
        raise Invalid(f"The Mermaid source is not valid: {where}{first.get('message', '')}",
                               extra={"validation": result})


def _title_from(source: str, fallback: str | None) -> str:
    if fallback:
        return fallback[:200]
    match = _FRONT_TITLE.match(source)
    if match:
        return match.group("title").strip().strip("'\"")[:200] or DEFAULT_TITLE
    return DEFAULT_TITLE


def from_mermaid(source: str, title: str | None) -> dict[str, Any]:
    if not source.strip():
        raise Invalid("The Mermaid source is empty.")
    _mermaid_errors(source)
    return {"title": _title_from(source, title), "type": "mermaid", "content": {"mermaid": source}}


def from_document(data: Any, title: str | None = None) -> dict[str, Any]:
    """An exported diagram document (schema autograph.diagram/1) -> a DiagramCreate body."""
    if not isinstance(data, dict):
        raise Invalid("Expected a JSON object: an AutoGraph export document.")
    schema = data.get("schema")
    if schema is not None and schema != formats.SCHEMA:
        raise Invalid(f"Unsupported schema {schema!r}; this server reads {formats.SCHEMA!r}.")
    body = {"title": title or data.get("title") or DEFAULT_TITLE, "type": data.get("type"),
            "content": data.get("content") or {}, "tags": data.get("tags") or []}
    mermaid = (body["content"] or {}).get("mermaid") if isinstance(body["content"], dict) else None
    if isinstance(mermaid, str) and mermaid.strip():
        _mermaid_errors(mermaid)
    return body


def _multipart(raw: bytes, content_type: str) -> tuple[str, str]:
    """(file name, text) of the first file part of a multipart/form-data body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_filename()
        if name:
            payload = part.get_payload(decode=True) or b""
            try:
                return name, payload.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Invalid("The uploaded file is not UTF-8 text.") from exc
    raise Invalid("The multipart body has no file part; send the .mmd or .json file as `file`.")


def parse(raw: bytes, content_type: str, title: str | None) -> dict[str, Any]:
    """The request body -> a DiagramCreate-shaped dict (validated; raises 422)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise Invalid(f"The import exceeds {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    media = content_type.split(";")[0].strip().lower()
    if media == "multipart/form-data":
        name, text = _multipart(raw, content_type)
        stem, _, ext = name.rpartition(".")
        if ext.lower() == "json":
            return parse(text.encode(), "application/json", title or stem or None)
        if ext.lower() not in ("mmd", "mermaid", "txt"):
            raise Invalid("Upload a .mmd (Mermaid) or .json (export document) file.")
        return from_mermaid(text, title or stem or None)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid("The body is not UTF-8 text.") from exc
    if media in ("application/json", ""):
        try:
            data = json.loads(text)
        except ValueError as exc:
            if media:
                raise Invalid(f"The body is not valid JSON: {exc}") from exc
            return from_mermaid(text, title)  # no content type: treat as Mermaid text
        return from_document(data, title)
    if media in ("text/plain", "text/vnd.mermaid", "application/octet-stream"):
        return from_mermaid(text, title)
    raise Invalid("Send application/json (an export document), text/plain (Mermaid) or "
                           "multipart/form-data (a .mmd or .json file).")


def create(user_id: str, raw: bytes, content_type: str, title: str | None) -> dict[str, Any]:
    body = parse(raw, content_type, title)
    try:
        model = DiagramCreate.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise Invalid(f"The document is not a valid diagram: {where}: {first.get('msg')}",
                               extra={"errors": json.loads(exc.json(include_url=False))}) from exc
    try:
        return service.create(user_id, model)
    except ValidationFailed as exc:
        if type(exc) is not ValidationFailed:
            raise  # a semantic type of its own already
        raise Invalid(exc.detail, extra=exc.extra) from exc
