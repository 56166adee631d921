"""AI configuration from the environment (template parameters in AWS, nothing set locally).

Keys are never here: only the *names* of Secrets Manager secrets that hold them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class AiSettings:
    providers: tuple[str, ...] = ("offline",)
    bedrock_model: str = ""  # one model: the template grants bedrock:InvokeModel on it alone
    bedrock_endpoint: str | None = None  # tests point boto3 at a fake Converse server
    openai_base_url: str = "https://api.openai.com/v1"
    openai_model: str = ""  # "default,other,...": the first is the default, the rest may be asked for
    openai_key_secret: str = ""
    anthropic_base_url: str = "https://api.anthropic.com"
    anthropic_model: str = ""
    anthropic_key_secret: str = ""
    call_timeout: float = 20.0  # one provider call
    deadline: float = 25.0  # the whole request, inside API Gateway's 30 s
    retries: int = 2  # per call, on 429/5xx/timeouts
    max_repairs: int = 2
    breaker_threshold: int = 3
    breaker_cooldown: int = 60
    rate_per_minute: int = 20
    daily_token_budget: int = 200_000
    max_tokens: int = 2048
    # USD per million tokens: {"model id": [input, output]}
    prices: dict[str, list[float]] = field(default_factory=dict)


@lru_cache(maxsize=1)
def get() -> AiSettings:
    chain = tuple(p.strip().lower() for p in _env("AI_PROVIDERS", "offline").split(",") if p.strip())
    if "offline" not in chain:
        chain += ("offline",)  # always the last link
    chain = (*tuple(p for p in chain if p != "offline"), "offline")
    return AiSettings(
        providers=chain,
        bedrock_model=_env("AI_BEDROCK_MODEL_ID"),
        bedrock_endpoint=_env("AI_BEDROCK_ENDPOINT_URL") or None,
        openai_base_url=_env("AI_OPENAI_BASE_URL", "https://api.openai.com/v1").rstrip("/"),
        openai_model=_env("AI_OPENAI_MODEL"),
        openai_key_secret=_env("AI_OPENAI_KEY_SECRET"),
        anthropic_base_url=_env("AI_ANTHROPIC_BASE_URL", "https://api.anthropic.com").rstrip("/"),
        anthropic_model=_env("AI_ANTHROPIC_MODEL"),
        anthropic_key_secret=_env("AI_ANTHROPIC_KEY_SECRET"),
        call_timeout=float(_env("AI_CALL_TIMEOUT_SECONDS", "20")),
        deadline=float(_env("AI_DEADLINE_SECONDS", "25")),
        retries=int(_env("AI_RETRIES", "2")),
        max_repairs=int(_env("AI_MAX_REPAIRS", "2")),
        breaker_threshold=int(_env("AI_BREAKER_THRESHOLD", "3")),
        breaker_cooldown=int(_env("AI_BREAKER_COOLDOWN_SECONDS", "60")),
        rate_per_minute=int(_env("AI_RATE_PER_MINUTE", "20")),
        daily_token_budget=int(_env("AI_DAILY_TOKEN_BUDGET", "200000")),
        prices=json.loads(_env("AI_PRICES", "{}") or "{}"),
    )


def models(settings: AiSettings, provider: str) -> tuple[str, ...]:
    """The models a provider offers (first = default); empty when the provider is not set up."""
    raw = {"bedrock": settings.bedrock_model, "openai": settings.openai_model,
           "anthropic": settings.anthropic_model}.get(provider, "")
    if provider == "bedrock":
        return (raw.strip(),) if raw.strip() else ()
    return tuple(m.strip() for m in raw.split(",") if m.strip())


def reset() -> None:
    get.cache_clear()
