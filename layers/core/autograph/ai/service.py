"""AI use cases: generate (optionally saved as a diagram), refine a diagram as a new version,
the provider list, usage and history. Limits: 20 generations a minute per user and a daily
token budget (429 with Retry-After); a per-request deadline inside API Gateway's 30 s."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from .. import clock, ratelimit
from ..diagrams import access, diff, folders, service, versions
from ..diagrams import content as content_mod
from ..diagrams.schema import DiagramCreate, VersionPatch
from ..errors import TooManyRequests, ValidationFailed
from ..observability import count, metrics
from ..store import ai as store
from . import chain, providers
from . import settings as ai_settings
from .breaker import Breaker
from .offline import title_for
from .schema import GenerateIn

_breaker_store: Any = None


def breaker() -> Breaker:
    global _breaker_store
    s = ai_settings.get()
    if _breaker_store is None:
        _breaker_store = store.DynamoBreakerStore()
    return Breaker(_breaker_store, s.breaker_threshold, s.breaker_cooldown)


def _metric(name: str, provider: str) -> None:
    count(f"{name}_{provider}")


def _latency(attempts: list[dict[str, Any]]) -> None:
    """Per-provider latency metric of every call made (EMF; off on the local stack)."""
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() == "true":
        return
    for a in attempts:
        if a["outcome"] != "skipped":
            metrics.add_metric(name=f"AiLatency_{a['provider']}", unit=MetricUnit.Milliseconds, value=a["ms"])


def _day(ts: float | None = None) -> str:
    return datetime.fromtimestamp(ts if ts is not None else clock.now(), UTC).strftime("%Y-%m-%d")


def check_limits(user_id: str) -> None:
    s = ai_settings.get()
    ratelimit.hit("ai", user_id, limit=s.rate_per_minute, window_seconds=60)
    used = store.tokens_on(user_id, _day())
    if used >= s.daily_token_budget:
        t = clock.now()
        midnight = datetime.fromtimestamp(t, UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        raise TooManyRequests(f"Your daily AI budget of {s.daily_token_budget} tokens is used up "
                              f"({used} used today); it resets at midnight UTC.",
                              retry_after=int(midnight.timestamp() - t) + 1)


def cost_micros(model: str, input_tokens: int, output_tokens: int) -> int:
    price = ai_settings.get().prices.get(model)
    if not price:
        return 0
    return round(input_tokens * float(price[0]) + output_tokens * float(price[1]))  # USD/Mtok -> micro-USD


def _chain_for(provider: str | None, model: str | None = None) -> list[Any]:
    s = ai_settings.get()
    if model and provider is None:  # the first provider offering the model starts the chain
        provider = next((p for p in s.providers if model in ai_settings.models(s, p)), None)
    configured = providers.configured({provider: model} if provider and model else None)
    if provider is None:
        return configured
    if provider == "offline":
        return []
    names = [p.name for p in configured]
    if provider not in names:
        return configured  # _run records it as skipped ("not configured") and takes the chain
    return configured[names.index(provider):]


def _run(task: chain.Task, provider: str | None, model: str | None = None) -> chain.Outcome:
    s = ai_settings.get()
    links = _chain_for(provider, model)
    out = chain.run(task, links, breaker(), deadline=time.monotonic() + s.deadline, call_timeout=s.call_timeout,
                    retries=s.retries, max_repairs=s.max_repairs, metric=_metric)
    if provider not in (None, "offline") and provider not in [p.name for p in links]:
        out.attempts.insert(0, {"provider": provider, "model": model or "", "outcome": "skipped",
                                "error": "not configured", "ms": 0})
    elif model and model != "offline" and model not in [p.model for p in links]:
        out.attempts.insert(0, {"provider": provider or "", "model": model, "outcome": "skipped",
                                "error": "model not offered; the provider's default answered", "ms": 0})
    _latency(out.attempts)
    return out


def _account(user_id: str, out: chain.Outcome) -> dict[str, Any]:
    expires = int(clock.now()) + store.USAGE_TTL
    total_in = total_out = total_cost = 0
    for provider, model, tin, tout in out.usage:
        cost = cost_micros(model, tin, tout)
        store.add_usage(user_id, _day(), provider, model, tin, tout, cost, expires)
        total_in, total_out, total_cost = total_in + tin, total_out + tout, total_cost + cost
    return {"input_tokens": total_in, "output_tokens": total_out, "estimated_cost_usd": total_cost / 1_000_000}


def _history(user_id: str, kind: str, text: str, out: dict[str, Any]) -> None:
    store.add_history(user_id, {
        "id": secrets.token_hex(8), "created_at": clock.iso(), "kind": kind,
        "prompt_sha256": hashlib.sha256(text.encode()).hexdigest(), "prompt_start": text[:200],
        "diagram_type": out["diagram_type"], "provider": out["provider"], "model": out["model"],
        "outcome": "fallback" if len(out["attempts"]) > 1 else "ok",
        "diagram_id": (out.get("diagram") or {}).get("id")}, int(clock.now()) + store.HISTORY_TTL)


def _shape(out: chain.Outcome, requested: str, usage: dict[str, Any], title: str | None) -> dict[str, Any]:
    dtype = requested if requested != "auto" else (out.diagram_type or out.validation.get("diagram_type")
                                                   or "flowchart")
    v = out.validation
    return {"mermaid": out.mermaid, "diagram_type": dtype, "provider": out.provider, "model": out.model,
            "title": title or out.title or dtype.capitalize(),
            "attempts": out.attempts, "usage": usage,
            "validation": {"valid": bool(v.get("valid")), "errors": v.get("errors") or [],
                           "warnings": v.get("warnings") or []}}


def generate(user_id: str, body: GenerateIn, *, limited: bool = True) -> dict[str, Any]:
    if limited:
        check_limits(user_id)
    if body.save and body.folder_id is not None:
        folders.require_folder(user_id, body.folder_id, field="folder_id")
    out = _run(chain.Task("generate", body.diagram_type, prompt=body.prompt), body.provider, body.model)
    title = body.title or out.title or title_for(body.prompt, out.diagram_type or body.diagram_type)
    result = _shape(out, body.diagram_type, _account(user_id, out), title)
    if body.save:
        result["diagram"] = save_new(user_id, title, out.mermaid, body.folder_id)
    _history(user_id, "generate", body.prompt, result)
    return result


def save_new(user_id: str, title: str, mermaid: str, folder_id: str | None) -> dict[str, Any]:
    diagram = service.create(user_id, DiagramCreate(title=title, type="mermaid", content={"mermaid": mermaid},
                                                    folder_id=folder_id))
    versions.annotate(user_id, diagram["id"], 1, VersionPatch(comment="generated from prompt"))
    return diagram


def refine(user_id: str, diagram_id: str, instruction: str, if_match: str | None, *,
           limited: bool = True) -> dict[str, Any]:
    item, _role = access.require(diagram_id, user_id, "editor")
    expected = service.parse_if_match(if_match, required=False)
    if item.dtype != "mermaid":
        raise ValidationFailed(f"The diagram is a {item.dtype} diagram; AI refinement changes Mermaid diagrams.")
    before = content_mod.load(item.content_inline, item.content_key)
    source = before.get("mermaid") or ""
    if not source.strip():
        raise ValidationFailed("The diagram is empty; generate one first (POST /v1/ai/generate).")
    if limited:
        check_limits(user_id)
    out = _run(chain.Task("refine", "auto", source=source, instruction=instruction), None)
    after = dict(before, mermaid=out.mermaid)
    saved = service.apply_update(item, expected, user_id, content=after)
    versions.annotate(user_id, diagram_id, int(saved["version"]), VersionPatch(comment=instruction[:2000]))
    result = _shape(out, out.validation.get("diagram_type") or "flowchart", _account(user_id, out), item.title)
    result["diagram"] = saved
    result["diff"] = diff.diff(before, after)
    _history(user_id, "refine", instruction, result)
    return result


def provider_list() -> dict[str, Any]:
    s = ai_settings.get()
    configured = providers.configured()
    b = breaker()
    items = [{"name": p.name, "models": list(ai_settings.models(s, p.name)), "breaker": b.state(p.name),
              "default": i == 0} for i, p in enumerate(configured)]
    items.append({"name": "offline", "models": ["offline"], "breaker": "closed", "default": not configured})
    return {"chain": [i["name"] for i in items], "default": items[0]["name"], "providers": items,
            "limits": {"per_minute": s.rate_per_minute, "daily_tokens": s.daily_token_budget}}


def usage(user_id: str, first: str | None, last: str | None) -> dict[str, Any]:
    last = last or _day()
    first = first or (datetime.strptime(last, "%Y-%m-%d") - timedelta(days=29)).strftime("%Y-%m-%d")
    if first > last:
        raise ValidationFailed("from: must not be after to.")
    rows = store.usage_between(user_id, first, last)
    return {"from": first, "to": last, "items": rows,
            "total_tokens": sum(r["input_tokens"] + r["output_tokens"] for r in rows),
            "estimated_cost_usd": round(sum(r["estimated_cost_usd"] for r in rows), 6)}
