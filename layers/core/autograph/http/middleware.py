"""ASGI middleware: request id / correlation id, and the request body size limit."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from ..observability import logger
from .problems import PROBLEM_MEDIA_TYPE, problem_body

Scope = dict[str, Any]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def send_problem(send: Any, status: int, detail: str, rid: str | None,
                       extra: dict[str, Any] | None = None) -> None:
    """A problem+json response written at the ASGI level (outside FastAPI's handlers)."""
    body = json.dumps(problem_body(status, detail, request_id=rid, extra=extra)).encode()
    headers = [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    if rid:
        headers.append((b"x-request-id", rid.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def request_id_for(scope: Scope) -> str:
    """API Gateway's request id when behind it; else the client's X-Request-Id; else a new one."""
    event = scope.get("aws.event") or {}
    rid = (event.get("requestContext") or {}).get("requestId")
    return rid or _header(scope, b"x-request-id") or str(uuid.uuid4())


class RequestContextMiddleware:
    """Sets request.state.request_id, the logger's correlation id, and X-Request-Id on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_for(scope)
        scope.setdefault("state", {})["request_id"] = rid
        logger.set_correlation_id(rid)

        started = False

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                drop = {b"x-request-id"}
                if message.get("status") in (204, 304):  # no body, so no Content-Type (RFC 9110)
                    drop |= {b"content-type", b"content-length"}
                headers = [h for h in message.get("headers", []) if h[0].lower() not in drop]
                headers.append((b"x-request-id", rid.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Anything unhandled: log the trace, answer a bare 500 problem, never the trace itself.
            logger.exception("unhandled error")
            if started:
                return
            await send_problem(send, 500, "An unexpected error occurred.", rid)


# A JSON escape of a UTF-16 surrogate (\\ud800-\\udfff); only then is a full check worth it.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def lone_surrogate(body: bytes) -> list[str] | None:
    """Where a JSON body holds a string with a lone UTF-16 surrogate ("\\udfff"), else None.
    Such a string is not Unicode text: it cannot be stored, logged or rendered, so it is a 422."""
    if not _SURROGATE_ESCAPE.search(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # not JSON: request validation reports that
    return _surrogate_path(data, ["body"])


def _surrogate_path(value: Any, path: list[str]) -> list[str] | None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _surrogate_path(key, [*path, "<key>"]) or _surrogate_path(item, [*path, str(key)])
        if found:
            return found
    return None


class BodyLimitMiddleware:
    """Answers 413 problem+json before the app reads a body over `max_bytes`."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, scope: Scope, send: Any) -> None:
        rid = (scope.get("state") or {}).get("request_id")
        await send_problem(send, 413, f"The request body exceeds the limit of {self.max_bytes} bytes.", rid)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, send)
            return
        # Mangum hands the whole body in one message; read it all and check the real size too.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(scope, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        where = lone_surrogate(body)
        if where is not None:
            rid = (scope.get("state") or {}).get("request_id")
            field = ".".join(where[1:]) or "body"
            message = "holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape); send valid Unicode text"
            await send_problem(send, 422, f"{field}: {message}", rid,
                               extra={"errors": [{"loc": where, "field": field, "message": message}]})
            return
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
