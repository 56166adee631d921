"""Domain errors. Each carries the HTTP status it maps to, so handlers stay thin.

The http layer renders them as RFC 9457 problem details; the type URI is derived from `slug`.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status = 500
    title = "Internal Server Error"
    slug = "internal"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequest(AppError):
    status, title, slug = 400, "Bad Request", "bad-request"


class Unauthorized(AppError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class Forbidden(AppError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(AppError):
    status, title, slug = 404, "Not Found", "not-found"


class Conflict(AppError):
    status, title, slug = 409, "Conflict", "conflict"


class Gone(AppError):
    status, title, slug = 410, "Gone", "gone"


class PreconditionFailed(AppError):
    status, title, slug = 412, "Precondition Failed", "precondition-failed"


class PayloadTooLarge(AppError):
    status, title, slug = 413, "Payload Too Large", "payload-too-large"


class ValidationFailed(AppError):
    status, title, slug = 422, "Unprocessable Content", "validation-error"


class PreconditionRequired(AppError):
    status, title, slug = 428, "Precondition Required", "precondition-required"


class TooManyRequests(AppError):
    status, title, slug = 429, "Too Many Requests", "rate-limited"

    def __init__(self, detail: str | None = None, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = max(1, int(retry_after))


class RenderTooComplex(AppError):
    """A diagram too large or too slow to lay out within the render budget: the caller's problem
    (422), not a payload size. `extra` names the limit, its maximum and what the input needs."""

    status, title, slug = 422, "Render Too Complex", "render-too-complex"


class RenderBusy(AppError):
    """Every render worker is busy; the client should retry shortly."""

    status, title, slug = 503, "Service Unavailable", "unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after)))})


class DiagramInvalid(ValidationFailed):
    """Well-formed request, but the diagram itself does not parse or hangs together: a semantic
    422 of its own type, since no JSON schema can express Mermaid's grammar."""

    slug = "invalid-diagram"


class WeakPassword(ValidationFailed):
    """A password the policy refuses (a common one, or the e-mail address): semantic, own type."""

    slug = "weak-password"


class UnknownReference(ValidationFailed):
    """A body names an id that does not exist (a folder, a template): the request is wrong, not
    the URL, so 422, with a type of its own, since no schema can list which ids exist."""

    slug = "unknown-reference"


class IdempotencyKeyReused(ValidationFailed):
    """The same Idempotency-Key with another request body: semantic, so a type of its own."""

    slug = "idempotency-key-reused"
