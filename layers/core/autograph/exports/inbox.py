"""S3-triggered exports: files dropped in the uploads bucket's `inbox/` become files in the
exports bucket's `outbox/`.

- `inbox/<path>/<name>.mmd` (Mermaid), `.json` (a canvas document or an exported diagram) or
  `.md` (Markdown; each ```mermaid fence is rendered) -> `outbox/<path>/<name>.<fmt>` for each
  format in the object's metadata `formats` (default svg,png); `scale`, `theme`, `background`
  come from metadata too. Markdown yields `<name>-1.<fmt>`, `<name>-2.<fmt>`, ... and `<name>.md`
  with the fences replaced by image links.
- Invalid input writes `outbox/<path>/<name>.error.json` (the validation, with lines) and nothing
  else: every output is built in memory first and written only when all of them succeeded.
- `inbox/<user_id>/<job_id>/<file>` is an upload made through `POST /v1/uploads`: the job (with
  its formats and options) is claimed and finished like any export job.
- Records are parsed defensively (moto's lack fields strict models require; keys are URL-encoded,
  moto even encodes `/`). `s3:TestEvent` is ignored. A redelivered record for an object version
  already processed renders nothing (a marker item per bucket/key/version).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from .. import clock
from .. import render as engine
from ..config import get_settings
from ..store import blobs
from ..store import jobs as store
from . import formats, objects, worker

EXTENSIONS = ("mmd", "json", "md")
DEFAULT_FORMATS = ("svg", "png")
MAX_INPUT_BYTES = 1024 * 1024
MARKER_TTL_SECONDS = 8 * 24 * 3600  # outlives the inbox lifecycle (7 days)
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*mermaid[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                    re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    version: str


@dataclass(frozen=True)
class Output:
    name: str
    data: bytes
    content_type: str


def records(message: dict[str, Any]) -> list[S3Object]:
    """ObjectCreated records, parsed defensively; anything else is skipped."""
    out = []
    for record in message.get("Records") or []:
        if not isinstance(record, dict) or not str(record.get("eventName") or "").startswith("ObjectCreated"):
            continue
        s3 = record.get("s3") or {}
        bucket = str((s3.get("bucket") or {}).get("name") or "")
        obj = s3.get("object") or {}
        key = unquote_plus(str(obj.get("key") or ""))  # as AWS documents; also undoes moto's %2F
        if bucket and key:
            version = str(obj.get("versionId") or obj.get("eTag") or obj.get("sequencer") or "")
            out.append(S3Object(bucket, key, version))
    return out


def handle_s3_event(message: dict[str, Any], *, receive_count: int) -> str:
    if message.get("Event") == "s3:TestEvent":
        return "ignored"
    outcomes = [process(obj) for obj in records(message)]
    return outcomes[-1] if len(outcomes) == 1 else ("done" if outcomes else "ignored")


def _parse_formats(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else str(raw or "").split(",")
    fmts = [str(f).strip().lower() for f in items if str(f).strip()]
    bad = [f for f in fmts if f not in formats.PICTURE_FORMATS]
    if bad:
        raise worker.UserError({"type": "validation", "detail": f"Unknown format(s) {', '.join(bad)}; "
                                f"use {', '.join(formats.PICTURE_FORMATS)}."})
    return list(dict.fromkeys(fmts)) or list(DEFAULT_FORMATS)


def _options_from(meta: dict[str, str]) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    for name in ("scale", "theme", "background", "padding"):
        value = meta.get(name)
        if value:
            opts[name] = int(value) if name in ("scale", "padding") and value.isdigit() else value
    return opts


def _user_error(exc: Exception, line_offset: int = 0) -> dict[str, Any]:
    error = worker.user_error(exc)
    if error is None:
        raise exc
    if line_offset and error.get("line"):
        error["line"] += line_offset
        error["detail"] = re.sub(r"line \d+", f"line {error['line']}", error["detail"], count=1)
    return error


def _pictures(source: Any, stem: str, fmts: list[str], options: dict[str, Any], line_offset: int = 0) -> list[Output]:
    out = []
    for fmt in fmts:
        try:
            data, _ = worker.render_cached(source, fmt, options)
        except Exception as exc:
            raise worker.UserError(_user_error(exc, line_offset)) from exc
        out.append(Output(f"{stem}.{fmt}", data, engine.content_type(fmt)))
    return out


def _json_picture(text: str) -> Any:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise worker.UserError({"type": "validation", "detail": f"Not JSON: {exc}",
                                "line": getattr(exc, "lineno", None), "column": getattr(exc, "colno", None)}) from exc
    if isinstance(data, dict) and isinstance(data.get("shapes"), list):
        return data  # a canvas document
    if isinstance(data, dict) and isinstance(data.get("content"), dict) and data.get("type"):
        try:
            return formats.picture_input(str(data["type"]), data["content"])
        except formats.NoPicture as exc:
            raise worker.UserError({"type": "validation", "detail": str(exc)}) from exc
    raise worker.UserError({"type": "validation", "detail": "Expected a canvas document {\"shapes\": [...]} or an "
                            "exported diagram {\"schema\", \"type\", \"content\", ...}."})


def _markdown(text: str, stem: str, fmts: list[str], options: dict[str, Any]) -> list[Output]:
    outputs: list[Output] = []
    pieces: list[str] = []
    last = 0
    for number, match in enumerate(_FENCE.finditer(text), start=1):
        offset = text.count("\n", 0, match.start("body"))  # the fence body's first line is offset + 1
        outputs += _pictures(match.group("body"), f"{stem}-{number}", fmts, options, line_offset=offset)
        pieces += [text[last:match.start()], f"![Diagram {number}]({stem}-{number}.{fmts[0]})"]
        last = match.end()
    pieces.append(text[last:])
    outputs.append(Output(f"{stem}.md", "".join(pieces).encode(), formats.CONTENT_TYPES["md"]))
    return outputs


def build(ext: str, text: str, stem: str, fmts: list[str], options: dict[str, Any]) -> list[Output]:
    """Every output of one inbox file, in memory; raises worker.UserError for bad input."""
    try:
        engine.RenderOptions.from_dict(options)
    except engine.RenderInputError as exc:
        raise worker.UserError({"type": "validation", "detail": f"Bad option: {exc}"}) from exc
    if ext == "mmd":
        return _pictures(text, stem, fmts, options)
    if ext == "json":
        return _pictures(_json_picture(text), stem, fmts, options)
    return _markdown(text, stem, fmts, options)


def _api_job(path: str) -> dict[str, Any] | None:
    """The job of an upload made through POST /v1/uploads (inbox/<user>/<job>/...)."""
    parts = path.split("/")
    if len(parts) != 2:
        return None
    job = store.get(parts[1])
    if job and job["kind"] == "inbox" and job["owner_id"] == parts[0]:
        return job
    return None


def process(obj: S3Object) -> str:
    if obj.bucket != get_settings().uploads_bucket or not obj.key.startswith("inbox/"):
        return "ignored"
    path, _, file_name = obj.key[len("inbox/"):].rpartition("/")
    stem, dot, ext = file_name.rpartition(".")
    out_prefix = f"outbox/{path}/" if path else "outbox/"
    marker = hashlib.sha256(f"{obj.bucket}\n{obj.key}\n{obj.version}".encode()).hexdigest()
    if store.inbox_processed(marker):
        return "duplicate"
    job = _api_job(path)
    claim = None
    if job is not None:
        now_ms = int(clock.now() * 1000)
        claim = store.claim(job["id"], job["owner_id"], now_ms=now_ms, started_at=clock.iso(now_ms / 1000),
                            lease_until=now_ms + 120_000)
        if claim is None:
            return "duplicate"
    try:
        outputs = _outputs(obj, stem if dot else file_name, ext.lower() if dot else "", claim)
    except worker.UserError as exc:
        error = {k: v for k, v in exc.error.items() if v is not None}
        objects.put(f"{out_prefix}{stem or file_name}.error.json",
                    json.dumps({"source": obj.key, "error": error}, indent=2).encode(), "application/json")
        if claim:
            worker.fail(claim, error, claim["attempt"])
        store.mark_inbox_processed(marker, 0, int(clock.now()) + MARKER_TTL_SECONDS)
        return "failed"
    except Exception:
        if claim:
            store.release(claim["id"], claim["owner_id"], claim["attempt"])
        raise
    for out in outputs:
        objects.put(out_prefix + out.name, out.data, out.content_type)
    store.mark_inbox_processed(marker, len(outputs), int(clock.now()) + MARKER_TTL_SECONDS)
    if claim:
        _finish(claim, out_prefix, outputs)
    return "done"


def _outputs(obj: S3Object, stem: str, ext: str, job: dict[str, Any] | None) -> list[Output]:
    if ext not in EXTENSIONS:
        raise worker.UserError({"type": "validation", "detail": f"Unsupported file type {ext or '(none)'!r}; "
                                "drop .mmd, .json or .md files."})
    try:
        got = blobs.get(obj.bucket, obj.key, max_bytes=MAX_INPUT_BYTES)
    except blobs.BlobTooLarge as exc:
        raise worker.UserError({"type": "limit", "detail": f"The file exceeds {MAX_INPUT_BYTES // 1024} KB."}) from exc
    if got is None:  # deleted since the notification: let SQS retry, then the DLQ shows it
        raise FileNotFoundError(f"s3://{obj.bucket}/{obj.key} is gone")
    try:
        text = got.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise worker.UserError({"type": "validation", "detail": "The file is not UTF-8 text."}) from exc
    meta = got.metadata
    if job is not None:  # an API upload: formats and options were given to POST /v1/uploads
        spec = job.get("spec") or {}
        return build(ext, text, stem, _parse_formats(spec.get("formats")), job.get("options") or {})
    return build(ext, text, stem, _parse_formats(meta.get("formats")), _options_from(meta))


def _finish(job: dict[str, Any], prefix: str, outputs: list[Output]) -> None:
    first = outputs[0]
    spec = dict(job.get("spec") or {})
    spec["outputs"] = [{"key": prefix + o.name, "file_name": o.name, "content_type": o.content_type,
                        "size_bytes": len(o.data), "sha256": hashlib.sha256(o.data).hexdigest()} for o in outputs]
    started = job.get("started_ms") or job.get("created_ms") or 0
    store.finish(job["id"], job["owner_id"], "succeeded", attempt=job["attempt"], finished_at=clock.iso(),
                 expires_at=int(clock.now()) + store.FINISHED_TTL_SECONDS, fields={
                     "queue_ms": max(0, started - (job.get("created_ms") or started)),
                     "size_bytes": len(first.data), "sha256": hashlib.sha256(first.data).hexdigest(),
                     "file_name": first.name, "object_key": prefix + first.name,
                     "content_type": first.content_type, "spec_json": json.dumps(spec, sort_keys=True)})
