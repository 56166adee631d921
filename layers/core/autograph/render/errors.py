"""Exceptions raised by autograph.render (all subclass RenderError)."""

from __future__ import annotations

from typing import Any


class RenderError(Exception):
    """Base class for every error this package raises on purpose."""


class RenderInputError(RenderError, ValueError):
    """Bad options, unknown format or malformed canvas document."""


class InvalidDiagram(RenderError):
    """The Mermaid source does not parse; `.result` is the validate() dict."""

    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result
        errors = result.get("errors") or [{}]
        first = errors[0]
        where = f"line {first.get('line')}: " if first.get("line") else ""
        super().__init__(f"invalid diagram: {where}{first.get('message', 'unknown error')}")


class WorkerBusy(RenderError):
    """Every render worker is busy and none freed up within the budget (a 503, not the input's fault)."""


class RenderLimitExceeded(RenderError):
    """Input or output over a limit (size, nodes, pixels, time budget)."""


class RenderTooComplex(RenderLimitExceeded):
    """Too many nodes/edges or too slow to lay out within the budget: the caller's problem (422).

    `limit` names what was exceeded, `maximum` its value and `actual` what this input needs."""

    def __init__(self, message: str, *, limit: str, maximum: float | None,
                 actual: float | None, unit: str = "") -> None:
        super().__init__(message)
        self.limit, self.maximum, self.actual, self.unit = limit, maximum, actual, unit

    def details(self) -> dict[str, Any]:
        return {"limit": self.limit, "maximum": self.maximum, "actual": self.actual, "unit": self.unit}
