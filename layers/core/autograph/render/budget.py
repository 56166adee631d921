"""Time budget: native engines cannot be interrupted, so each stage runs in a worker
thread and we stop waiting (and fail clearly) once the budget is spent."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from .errors import RenderError, RenderLimitExceeded

T = TypeVar("T")
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="autograph-render")


class Budget:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self, stage: str) -> None:
        if self.remaining() <= 0:
            raise RenderLimitExceeded(f"render exceeded its {self.seconds:g} s budget ({stage})")

    def run(self, stage: str, func: Callable[..., T], *args: object) -> T:
        """Run func(*args) within the remaining budget (the worker may outlive us)."""
        self.check(stage)
        future = _POOL.submit(func, *args)
        try:
            return future.result(timeout=self.remaining())
        except FutureTimeout:
            raise RenderLimitExceeded(
                f"render exceeded its {self.seconds:g} s budget ({stage})"
            ) from None
        except RenderError:
            raise
        except Exception as exc:  # a converter bug must surface as our error, not a 500 trace
            raise RenderError(f"{stage} failed: {exc}") from exc
