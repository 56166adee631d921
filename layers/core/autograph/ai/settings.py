"""AI configuration: the AI_* variables (config.AiChain, template parameters in AWS) shaped for the chain.

Keys are never here: only the *names* of Secrets Manager secrets that hold them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..config import get_settings, reset_settings


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
    env = get_settings()  # AI_* variables, validated by config.AiChain
    chain = tuple(p.strip().lower() for p in env.ai_providers.split(",") if p.strip())
    chain = (*tuple(p for p in chain if p != "offline"), "offline")  # offline is always the last link
    return AiSettings(
        providers=chain,
        bedrock_model=env.ai_bedrock_model_id,
        bedrock_endpoint=env.ai_bedrock_endpoint_url or None,
        openai_base_url=env.ai_openai_base_url.rstrip("/"),
        openai_model=env.ai_openai_model,
        openai_key_secret=env.ai_openai_key_secret,
        anthropic_base_url=env.ai_anthropic_base_url.rstrip("/"),
        anthropic_model=env.ai_anthropic_model,
        anthropic_key_secret=env.ai_anthropic_key_secret,
        call_timeout=env.ai_call_timeout_seconds,
        deadline=env.ai_deadline_seconds,
        retries=env.ai_retries,
        max_repairs=env.ai_max_repairs,
        breaker_threshold=env.ai_breaker_threshold,
        breaker_cooldown=env.ai_breaker_cooldown_seconds,
        rate_per_minute=env.ai_rate_per_minute,
        daily_token_budget=env.ai_daily_token_budget,
        prices=env.ai_prices,
    )


def models(settings: AiSettings, provider: str) -> tuple[str, ...]:
    """The models a provider offers (first = default); empty when the provider is not set up."""
    raw = {"bedrock": settings.bedrock_model, "openai": settings.openai_model,
           "anthropic": settings.anthropic_model}.get(provider, "")
    if provider == "bedrock":
        return (raw.strip(),) if raw.strip() else ()
    return tuple(m.strip() for m in raw.split(",") if m.strip())


def reset() -> None:
    """Forget the settings (tests change AI_* variables)."""
    reset_settings()
    get.cache_clear()
