"""Settings: what each function needs from its environment, validated at cold start.

- Variables come in small groups (one resource, or one feature's knobs). Each function declares
  exactly the ones it needs as a Pydantic model composed of groups (`AuthSettings`, ...), and its
  `app.py` calls `load(ThatModel)` at import: a missing or invalid variable fails the cold start
  with an error naming it, instead of surfacing as a confusing call to a bucket named "".
- template.yaml passes each function exactly its model's variables (a contract test checks it,
  and that every field read by a module the function imports is declared in its model).
- Resource names have no defaults here: the local runner (infra/local) derives them from the
  template, tests from their fixtures. Tunables have product defaults the template restates.
- Domain code reads every value through one accessor, `get_settings().<field>`; a value is
  validated from the environment on first read and kept for the container's life
  (`reset_settings()` forgets them when a test or the local runner changes the environment).
"""

from __future__ import annotations

import os
import threading
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, Json, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo


class SettingsError(RuntimeError):
    """The environment lacks a variable a function needs, or holds an invalid value."""


def env(var: str, default: Any = ..., **constraints: Any) -> Any:
    """A field read from the environment variable `var` (required unless a default is given)."""
    if "default_factory" in constraints:
        return Field(alias=var, **constraints)
    return Field(default, alias=var, **constraints)


class _Group(BaseModel):
    # Read from os.environ, which holds much else: ignore it; never write settings back.
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=False, defer_build=True)


# Variables no template lists: the Lambda runtime sets AWS_REGION; AUTOGRAPH_ENDPOINT_URL and
# AI_BEDROCK_ENDPOINT_URL point clients at a stand-in (moto, LocalStack, a fake) off AWS.
RUNTIME_VARIABLES = frozenset({"AWS_REGION", "AUTOGRAPH_ENDPOINT_URL", "AI_BEDROCK_ENDPOINT_URL"})


# ------------------------------------------------------------------ groups
class Runtime(_Group):
    """Which AWS the clients talk to (every function; AUTOGRAPH_AWS comes from Globals)."""
    aws_target: Literal["aws", "moto", "localstack"] = env("AUTOGRAPH_AWS")
    region: str = env("AWS_REGION", min_length=1)
    endpoint_url: str | None = env("AUTOGRAPH_ENDPOINT_URL", None)


class AppTable(_Group):
    table_name: str = env("TABLE_NAME", min_length=3)


class IdempotencyTable(_Group):
    idempotency_table_name: str = env("IDEMPOTENCY_TABLE_NAME", min_length=3)


class DiagramsBucket(_Group):
    diagrams_bucket: str = env("DIAGRAMS_BUCKET", min_length=3)


class ExportsBucket(_Group):
    exports_bucket: str = env("EXPORTS_BUCKET", min_length=3)


class UploadsBucket(_Group):
    uploads_bucket: str = env("UPLOADS_BUCKET", min_length=3)


class RenderQueue(_Group):
    render_queue_url: str = env("RENDER_QUEUE_URL", min_length=1)


class AiQueue(_Group):
    ai_queue_url: str = env("AI_QUEUE_URL", min_length=1)


class AccountPurgeQueue(_Group):
    account_purge_queue_url: str = env("ACCOUNT_PURGE_QUEUE_URL", min_length=1)


class SigningKey(_Group):
    signing_key_secret: str = env("SIGNING_KEY_SECRET", min_length=1)


class Mail(_Group):
    mail_sender: str = env("MAIL_SENDER", min_length=3)


class PublicLinks(_Group):
    # Empty PUBLIC_BASE_URL (no custom domain) means: read the API's URL from the SSM parameter.
    public_base_url: str = env("PUBLIC_BASE_URL")
    public_base_url_parameter: str = env("PUBLIC_BASE_URL_PARAMETER", min_length=1)


class RefreshTokens(_Group):
    # A rotated refresh token presented again within this many seconds gets the same successor
    # (two tabs refreshing at once); later it is reuse and revokes the family.
    refresh_reuse_grace_seconds: int = env("REFRESH_REUSE_GRACE_SECONDS", 10, ge=0, le=300)


class SignInThrottle(_Group):
    # Failed sign-ins per source IP in the login window, across every e-mail (password spraying).
    login_ip_max_failures: int = env("LOGIN_IP_MAX_FAILURES", 100, ge=1)


class SessionState(_Group):
    # How long a container trusts its copy of a user's "sessions valid after".
    auth_state_cache_seconds: int = env("AUTH_STATE_CACHE_SECONDS", 10, ge=0, le=300)


class RenderDeadLetters(_Group):
    render_dlq_url: str = env("RENDER_DLQ_URL", min_length=1)  # poison messages go straight here


class ExportJobs(_Group):
    # The render queue's maxReceiveCount: on the last receive a failing job is marked failed.
    render_max_receives: int = env("RENDER_MAX_RECEIVES", 5, ge=1)
    # The export worker's render budget (synchronous routes keep RenderOptions' 10 s).
    export_render_budget_s: float = env("EXPORT_RENDER_BUDGET_SECONDS", 60.0, gt=0, le=60)


class AiChain(_Group):
    """The AI provider chain (read by autograph.ai.settings); keys live in Secrets Manager."""
    ai_providers: str = env("AI_PROVIDERS", "offline")
    ai_bedrock_model_id: str = env("AI_BEDROCK_MODEL_ID", "")
    ai_bedrock_endpoint_url: str | None = env("AI_BEDROCK_ENDPOINT_URL", None)
    ai_openai_base_url: str = env("AI_OPENAI_BASE_URL", "https://api.openai.com/v1")
    ai_openai_model: str = env("AI_OPENAI_MODEL", "")
    ai_openai_key_secret: str = env("AI_OPENAI_KEY_SECRET", "")
    ai_anthropic_base_url: str = env("AI_ANTHROPIC_BASE_URL", "https://api.anthropic.com")
    ai_anthropic_model: str = env("AI_ANTHROPIC_MODEL", "")
    ai_anthropic_key_secret: str = env("AI_ANTHROPIC_KEY_SECRET", "")
    ai_call_timeout_seconds: float = env("AI_CALL_TIMEOUT_SECONDS", 20.0, gt=0)
    ai_deadline_seconds: float = env("AI_DEADLINE_SECONDS", 25.0, gt=0)
    ai_retries: int = env("AI_RETRIES", 2, ge=0)
    ai_max_repairs: int = env("AI_MAX_REPAIRS", 2, ge=0)
    ai_breaker_threshold: int = env("AI_BREAKER_THRESHOLD", 3, ge=1)
    ai_breaker_cooldown_seconds: int = env("AI_BREAKER_COOLDOWN_SECONDS", 60, ge=0)
    ai_rate_per_minute: int = env("AI_RATE_PER_MINUTE", 20, ge=1)
    ai_daily_token_budget: int = env("AI_DAILY_TOKEN_BUDGET", 200_000, ge=0)
    # USD per million tokens: {"model id": [input, output]}
    ai_prices: Json[dict[str, list[float]]] = env("AI_PRICES", default_factory=dict)


# ------------------------------------------------------------------ one model per function
# Each declares what any module its app imports can read (tests/contract/test_settings.py
# computes that from the import graph), so some carry a group for a path they rarely take.
class AuthorizerSettings(Runtime, AppTable, SigningKey, SessionState):
    pass


class AuthSettings(Runtime, AppTable, IdempotencyTable, SigningKey, Mail, PublicLinks, RefreshTokens,
                   SignInThrottle, SessionState, AccountPurgeQueue, DiagramsBucket, ExportsBucket):
    pass  # the buckets: a small account is purged within DELETE /v1/auth/me


class DiagramsSettings(Runtime, AppTable, IdempotencyTable, DiagramsBucket, ExportsBucket, RenderQueue,
                       PublicLinks, SigningKey, Mail, RefreshTokens, SignInThrottle, SessionState):
    pass  # the auth groups: collaborators are found through autograph.auth.accounts


class ExportsSettings(Runtime, AppTable, IdempotencyTable, DiagramsBucket, ExportsBucket, UploadsBucket,
                      RenderQueue):
    pass  # DiagramsBucket: a job checks the diagram through autograph.diagrams.access


class ExportWorkerSettings(Runtime, AppTable, DiagramsBucket, ExportsBucket, UploadsBucket, RenderQueue,
                           ExportJobs, RenderDeadLetters):
    pass


class AiFunctionSettings(Runtime, AppTable, IdempotencyTable, DiagramsBucket, ExportsBucket, RenderQueue, AiQueue,
                 AiChain):
    pass  # saving a generated diagram stores content and queues its thumbnail


class AiWorkerSettings(Runtime, AppTable, DiagramsBucket, ExportsBucket, RenderQueue, AiQueue, AiChain):
    pass


class AccountPurgeSettings(Runtime, AppTable, DiagramsBucket, ExportsBucket, AccountPurgeQueue,
                           SignInThrottle, SessionState):
    pass  # SignInThrottle, SessionState: autograph.auth.deletion imports the sign-in rules


class PlatformSettings(Runtime, AppTable, DiagramsBucket, RenderQueue):
    pass  # what GET /v1/health checks


FUNCTION_MODELS: tuple[type[_Group], ...] = (
    AuthorizerSettings, AuthSettings, DiagramsSettings, ExportsSettings, ExportWorkerSettings,
    AiFunctionSettings, AiWorkerSettings, AccountPurgeSettings, PlatformSettings)


# ------------------------------------------------------------------ fixed rules (not configuration)
class Policy:
    """The same in every environment, so not variables; read through the same accessor."""
    access_token_ttl = 3600
    refresh_token_ttl = 30 * 24 * 3600
    reset_token_ttl = 3600
    login_max_failures = 5  # per (e-mail, source IP) in the window
    login_window_seconds = 15 * 60
    share_password_max_failures = 10  # per share link, per window
    share_password_ip_max_failures = 30  # per source IP across links, per window
    share_password_window_seconds = 15 * 60


# ------------------------------------------------------------------ loading and the accessor
M = TypeVar("M", bound=_Group)
_FIELDS: dict[str, FieldInfo] = {
    name: info for group in _Group.__subclasses__() for name, info in group.model_fields.items()}
_values: dict[str, Any] = {}
_lock = threading.Lock()


def variables(model: type[_Group]) -> set[str]:
    """The environment variables a settings model reads."""
    return {str(info.alias) for info in model.model_fields.values()}


def _problem(model_name: str, exc: ValidationError) -> SettingsError:
    lines = []
    for err in exc.errors():
        var = str(err["loc"][0]) if err["loc"] else "?"  # the alias: the variable's name
        if err["type"] == "missing":
            lines.append(f"{var} is not set")
        else:
            lines.append(f"{var}={err.get('input')!r} is invalid: {err['msg']}")
    return SettingsError(f"{model_name}: " + "; ".join(lines))


def load(model: type[M]) -> M:
    """Validate a function's settings from the environment (call at cold start); every problem
    is named in one SettingsError. The validated values back `get_settings()`."""
    try:
        loaded = model.model_validate(dict(os.environ))
    except ValidationError as exc:
        raise _problem(model.__name__, exc) from None
    with _lock:
        _values.update({name: getattr(loaded, name) for name in model.model_fields})
    return loaded


def _read(name: str) -> Any:
    info = _FIELDS[name]
    var = str(info.alias)
    raw = os.environ.get(var)
    if raw is None:
        if info.is_required():
            raise SettingsError(f"{var} is not set (read as settings.{name}); the function's settings "
                                "model must declare it and the template must pass it")
        return info.get_default(call_default_factory=True)
    try:
        return _adapter(name).validate_python(raw)
    except ValidationError as exc:
        raise SettingsError(f"{var}={raw!r} is invalid: {exc.errors()[0]['msg']}") from None


_adapters: dict[str, TypeAdapter[Any]] = {}


def _adapter(name: str) -> TypeAdapter[Any]:
    if name not in _adapters:
        info = _FIELDS[name]
        # The field's type with its constraints (ge, min_length, ...), as the model validates it.
        annotated = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        _adapters[name] = TypeAdapter(annotated)
    return _adapters[name]


class Settings(Policy):
    """The accessor's view: fixed rules as attributes, every variable validated on first read."""

    def __getattr__(self, name: str) -> Any:
        if name not in _FIELDS:
            raise AttributeError(f"no setting {name!r}")
        with _lock:
            if name not in _values:
                _values[name] = _read(name)
            return _values[name]


_SETTINGS = Settings()


def get_settings() -> Settings:
    return _SETTINGS


def reset_settings() -> None:
    """Forget values read so far (the local runner and tests change the environment)."""
    with _lock:
        _values.clear()
