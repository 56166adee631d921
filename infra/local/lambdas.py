"""Loads each function's handler from its CodeUri (as Lambda would) and invokes it in-process
with a Lambda-like context."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .template import ACCOUNT_ID


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int
    timeout_s: float
    region: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        self.invoked_function_arn = (
            f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}")
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class LocalFunction:
    logical_id: str
    name: str
    code_dir: Path
    handler_ref: str
    timeout_s: float
    memory_mb: int
    region: str
    properties: dict[str, Any]
    _handler: Callable[[dict[str, Any], Any], Any] | None = None

    def handler(self) -> Callable[[dict[str, Any], Any], Any]:
        if self._handler is None:
            module_name, _, attr = self.handler_ref.rpartition(".")
            path = self.code_dir / (module_name.replace(".", "/") + ".py")
            # Every function has an app.py: give each its own module name so they do not collide.
            unique = f"_autograph_fn_{self.logical_id}"
            spec = importlib.util.spec_from_file_location(unique, path)
            if spec is None or spec.loader is None:
                raise RuntimeError(f"cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[unique] = module
            spec.loader.exec_module(module)
            self._handler = getattr(module, attr)
        return self._handler

    def invoke(self, event: dict[str, Any], request_id: str | None = None) -> Any:
        context = LambdaContext(self.name, self.memory_mb, self.timeout_s, self.region)
        if request_id:
            context.aws_request_id = request_id
        # Lambda runs handlers on its main thread, where asyncio has a default loop; our request
        # threads have none, and Mangum asks for one. Give this thread its own for the call.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            return self.handler()(event, context)
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def functions_from(template: dict[str, Any], resolver: Any, root: Path) -> dict[str, LocalFunction]:
    globals_fn = (template.get("Globals") or {}).get("Function") or {}
    out = {}
    for logical, spec in (template.get("Resources") or {}).items():
        if spec["Type"] != "AWS::Serverless::Function":
            continue
        props = spec.get("Properties") or {}
        out[logical] = LocalFunction(
            logical_id=logical,
            name=resolver.refs.get(logical, logical),
            code_dir=(root / props["CodeUri"]).resolve(),
            handler_ref=props["Handler"],
            timeout_s=float(props.get("Timeout", globals_fn.get("Timeout", 3))),
            memory_mb=int(props.get("MemorySize", globals_fn.get("MemorySize", 128))),
            region=resolver.region,
            properties=props,
        )
    return out


def function_environment(template: dict[str, Any], resolver: Any, logical: str) -> dict[str, str]:
    """One function's variables (Globals and its own), resolved, as Lambda would give them."""
    globals_fn = (template.get("Globals") or {}).get("Function") or {}
    props = template["Resources"][logical].get("Properties") or {}
    env: dict[str, str] = {}
    for source in (globals_fn, props):
        variables = ((source.get("Environment") or {}).get("Variables")) or {}
        env.update({key: str(value) for key, value in resolver.resolve(variables).items()})
    return env


def environment(template: dict[str, Any], resolver: Any) -> dict[str, str]:
    """The union of Globals and per-function variables, resolved. In-process functions share one
    environment (each function's settings model validates its own part of it when it loads), so
    per-function values (only the service name) are left out."""
    env: dict[str, str] = {}
    globals_fn = (template.get("Globals") or {}).get("Function") or {}
    sources = [globals_fn] + [
        spec.get("Properties") or {} for spec in template["Resources"].values()
        if spec["Type"] == "AWS::Serverless::Function"]
    for source in sources:
        variables = ((source.get("Environment") or {}).get("Variables")) or {}
        for key, value in resolver.resolve(variables).items():
            if key != "POWERTOOLS_SERVICE_NAME":
                env[key] = str(value)
    return env
