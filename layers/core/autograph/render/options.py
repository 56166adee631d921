"""RenderOptions and the limits shared by every format and input kind."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from .errors import RenderInputError

THEMES = ("default", "dark", "forest", "neutral")
FORMATS = ("svg", "png", "pdf")
SCALES = (1, 2, 4)
PAGES = (None, "a4", "letter")

MAX_SOURCE_BYTES = 100 * 1024
MAX_NODES = 2_000
MAX_PIXELS = 50_000_000
DEFAULT_TIME_BUDGET_S = 10.0
MAX_PADDING = 1_000
MAX_DIMENSION = 20_000

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class RenderOptions:
    """Options with the same meaning for every format and both input kinds.

    scale only affects PNG; page only affects PDF; max_width/max_height shrink
    the output (aspect ratio kept), they never enlarge it.
    """

    theme: str = "default"
    background: str = "transparent"
    scale: int = 1
    padding: int = 16
    max_width: int | None = None
    max_height: int | None = None
    page: str | None = None
    time_budget_s: float = DEFAULT_TIME_BUDGET_S

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            raise RenderInputError(f"theme must be one of {', '.join(THEMES)}")
        if self.background != "transparent" and not _HEX.match(str(self.background)):
            raise RenderInputError('background must be "transparent" or "#rrggbb"')
        if isinstance(self.scale, bool) or self.scale not in SCALES:
            raise RenderInputError("scale must be 1, 2 or 4")
        if not _is_int(self.padding) or not 0 <= self.padding <= MAX_PADDING:
            raise RenderInputError(f"padding must be an integer between 0 and {MAX_PADDING}")
        for name in ("max_width", "max_height"):
            value = getattr(self, name)
            if value is not None and (not _is_int(value) or not 1 <= value <= MAX_DIMENSION):
                raise RenderInputError(f"{name} must be an integer between 1 and {MAX_DIMENSION}")
        if self.page not in PAGES:
            raise RenderInputError('page must be null, "a4" or "letter"')
        budget = self.time_budget_s
        if isinstance(budget, bool) or not isinstance(budget, int | float) or not 0 < budget <= 60:
            raise RenderInputError("time_budget_s must be a number in (0, 60]")

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RenderOptions:
        """Build options from untrusted JSON-ish input; unknown keys are errors."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise RenderInputError("options must be an object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RenderInputError(f"unknown option(s): {', '.join(unknown)}")
        clean = {k: v for k, v in data.items() if v is not None or k == "page"}
        if isinstance(clean.get("background"), str):
            clean["background"] = clean["background"].strip().lower()
        if isinstance(clean.get("page"), str):
            clean["page"] = clean["page"].lower()
        return cls(**clean)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def content_type(fmt: str) -> str:
    return CONTENT_TYPES[check_format(fmt)]


def check_format(fmt: str) -> str:
    if not isinstance(fmt, str) or fmt.lower() not in FORMATS:
        raise RenderInputError(f"format must be one of {', '.join(FORMATS)}")
    return fmt.lower()
