"""The fallback chain: each configured provider in order, every answer validated (and rendered)
by our own engine and repaired at most `max_repairs` times, then the offline generator, which
always answers. `attempts` records the whole path. Nothing invalid is ever returned."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .. import render
from ..errors import ValidationFailed
from . import offline, prompts
from .breaker import Breaker
from .offline.refine import refine
from .offline.text import label
from .providers import Completion, ProviderError, call_with_retries


@dataclass
class Task:
    kind: str  # generate | refine
    diagram_type: str  # requested type ("auto" lets the model or the offline detector pick)
    prompt: str = ""
    source: str = ""  # refine: the current Mermaid
    instruction: str = ""


@dataclass
class Outcome:
    mermaid: str
    provider: str
    model: str
    validation: dict[str, Any]
    diagram_type: str | None = None
    title: str | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    usage: list[tuple[str, str, int, int]] = field(default_factory=list)  # provider, model, in, out


def _validate(source: str) -> dict[str, Any]:
    try:
        return render.validate(source)
    except render.RenderTooComplex as exc:
        return {"valid": False, "errors": [{"line": None, "column": None, "message": str(exc)}], "warnings": []}


def _offline(task: Task) -> tuple[str, str | None, str | None]:
    if task.kind == "refine":
        try:
            return refine(task.source, task.instruction), None, None
        except ValidationFailed:
            raise
        except Exception as exc:  # a source shape the rules do not know: say so, never a 500
            raise ValidationFailed("instruction: the offline generator could not apply this change to this "
                                   "diagram; configure an AI provider or edit it directly.") from exc
    try:
        dtype, title, source = offline.generate(task.prompt, task.diagram_type)
    except Exception:  # the validation step below turns anything unusable into one safe node
        dtype, title, source = (task.diagram_type if task.diagram_type != "auto" else "flowchart"), None, ""
    return source, dtype, title


def run(task: Task, providers: list[Any], breaker: Breaker, *, deadline: float, call_timeout: float,
        retries: int, max_repairs: int, metric: Any = None) -> Outcome:
    """Walk the chain. `deadline` is a time.monotonic() value; `metric(name)` counts events."""
    count = metric or (lambda name, provider: None)
    attempts: list[dict[str, Any]] = []
    usage: list[tuple[str, str, int, int]] = []
    system = prompts.system_prompt(task.diagram_type)
    first = prompts.refine_message(task.source, task.instruction) if task.kind == "refine" \
        else prompts.generate_message(task.prompt)
    for p in providers:
        if time.monotonic() >= deadline - 0.5:
            attempts.append({"provider": p.name, "model": p.model, "outcome": "skipped", "error": "deadline", "ms": 0})
            continue
        if not breaker.allow(p.name):
            attempts.append({"provider": p.name, "model": p.model, "outcome": "skipped",
                             "error": "circuit open", "ms": 0})
            count("AiBreakerSkip", p.name)
            continue
        messages = [{"role": "user", "content": first}]
        for repair in range(max_repairs + 1):
            started = time.monotonic()
            try:
                done: Completion = call_with_retries(lambda t, m=list(messages), p=p: p.complete(system, m, t),
                                                     deadline=deadline, timeout=call_timeout, retries=retries)
            except Exception as exc:  # any failure of one link moves the chain on; never a 500
                if not isinstance(exc, ProviderError):
                    exc = ProviderError("error", f"unexpected {type(exc).__name__}")
                ms = int((time.monotonic() - started) * 1000)
                attempts.append({"provider": p.name, "model": p.model, "outcome": exc.kind, "error": str(exc),
                                 "ms": ms})
                if exc.kind != "config":
                    breaker.record(p.name, ok=False)
                count("AiProviderFailure", p.name)
                break
            ms = int((time.monotonic() - started) * 1000)
            usage.append((p.name, p.model, done.input_tokens, done.output_tokens))
            breaker.record(p.name, ok=True)  # it answered: availability is what the breaker guards
            source = prompts.clean(prompts.extract(done.text))
            result = _validate(source)
            if result.get("valid"):
                attempts.append({"provider": p.name, "model": p.model,
                                 "outcome": "ok" if repair == 0 else "repaired", "ms": ms})
                count("AiProviderSuccess", p.name)
                return Outcome(source, p.name, p.model, result, result.get("diagram_type"), None, attempts, usage)
            first_error = (result.get("errors") or [{}])[0]
            attempts.append({"provider": p.name, "model": p.model, "outcome": "invalid", "ms": ms,
                             "error": f"line {first_error.get('line')}: {first_error.get('message')}"})
            count("AiRepair", p.name)
            messages += [{"role": "assistant", "content": done.text},
                         {"role": "user", "content": prompts.repair_message(result.get("errors") or [])}]
        count("AiFallback", p.name)
    started = time.monotonic()
    source, dtype, title = _offline(task)
    source = prompts.clean(source)
    result = _validate(source)
    if not result.get("valid"):
        if task.kind == "refine":
            first_error = (result.get("errors") or [{}])[0]
            raise ValidationFailed(f"instruction: the change would leave the diagram invalid (line "
                                   f"{first_error.get('line')}: {first_error.get('message')}).")
        # Our own generator's miss: never serve it; one node in the user's words always validates.
        source = f'flowchart TD\n  n1["{label(task.prompt)}"]\n'
        result = _validate(source)
    attempts.append({"provider": "offline", "model": "offline", "outcome": "ok",
                     "ms": int((time.monotonic() - started) * 1000)})
    # No tokenizer offline: the usual ~4 characters a token, at zero cost.
    usage.append(("offline", "offline", max(1, len(task.prompt or task.instruction) // 4), max(1, len(source) // 4)))
    return Outcome(source, "offline", "offline", result, dtype, title, attempts, usage)
