"""Settings read from the environment (template.yaml sets them in Lambda; the local runner locally)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    stage: str
    # Which AWS the clients talk to: "moto" (embedded local stack), "localstack" or "aws".
    aws_target: str
    endpoint_url: str | None
    region: str
    table_name: str
    idempotency_table_name: str
    diagrams_bucket: str
    exports_bucket: str
    uploads_bucket: str
    render_queue_url: str
    ai_queue_url: str
    signing_key_secret: str
    mail_sender: str
    public_base_url: str
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 30 * 24 * 3600
    reset_token_ttl: int = 3600
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    max_body_bytes: int = 1024 * 1024
    # --- sessions and shares (issue 10 §4/§5) ---
    # Failed sign-ins per source IP in the login window, across every e-mail (password spraying).
    login_ip_max_failures: int = 100
    # A rotated refresh token presented again within this many seconds gets the same successor
    # (two tabs refreshing at once); later it is reuse and revokes the family.
    refresh_reuse_grace_seconds: int = 10
    # How long an authorizer container trusts its copy of a user's "sessions valid after".
    auth_state_cache_seconds: int = 10
    share_password_max_failures: int = 10  # per share link, per window
    share_password_ip_max_failures: int = 30  # per source IP across links, per window
    share_password_window_seconds: int = 15 * 60
    account_purge_queue_url: str = ""
    # SSM parameter holding the public base URL when PUBLIC_BASE_URL is not set (the API's own URL,
    # which a function cannot reference in its environment without a dependency cycle).
    public_base_url_parameter: str = ""
    # --- exports (issue 7) ---
    render_dlq_url: str = ""  # poison messages go straight here
    # The render queue's maxReceiveCount: on the last receive a failing job is marked failed.
    render_max_receives: int = 5
    # --- render budgets (issue 10 §1) ---
    # The export worker's render budget (synchronous routes keep RenderOptions' 10 s), at most 60.
    export_render_budget_s: float = 60.0


def _default_target() -> str:
    # Inside Lambda the default is real AWS; everywhere else the embedded moto stack.
    return "aws" if _env("AWS_LAMBDA_FUNCTION_NAME") else "moto"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        stage=_env("STAGE", "local"),
        aws_target=_env("AUTOGRAPH_AWS", _default_target()),
        endpoint_url=_env("AUTOGRAPH_ENDPOINT_URL") or None,
        region=_env("AWS_REGION", _env("AWS_DEFAULT_REGION", "us-east-1")),
        table_name=_env("TABLE_NAME", "autograph-local-table"),
        idempotency_table_name=_env("IDEMPOTENCY_TABLE_NAME", "autograph-local-idempotency"),
        diagrams_bucket=_env("DIAGRAMS_BUCKET", "autograph-local-diagrams"),
        exports_bucket=_env("EXPORTS_BUCKET", "autograph-local-exports"),
        uploads_bucket=_env("UPLOADS_BUCKET", "autograph-local-uploads"),
        render_queue_url=_env("RENDER_QUEUE_URL"),
        ai_queue_url=_env("AI_QUEUE_URL"),
        signing_key_secret=_env("SIGNING_KEY_SECRET", "autograph-local-signing-key"),
        mail_sender=_env("MAIL_SENDER", "no-reply@autograph.local"),
        public_base_url=_env("PUBLIC_BASE_URL", "http://127.0.0.1:3000"),
        max_body_bytes=int(_env("MAX_BODY_BYTES", str(1024 * 1024))),
        refresh_reuse_grace_seconds=int(_env("REFRESH_REUSE_GRACE_SECONDS", "10")),
        login_ip_max_failures=int(_env("LOGIN_IP_MAX_FAILURES", "100")),
        auth_state_cache_seconds=int(_env("AUTH_STATE_CACHE_SECONDS", "10")),
        account_purge_queue_url=_env("ACCOUNT_PURGE_QUEUE_URL"),
        public_base_url_parameter=_env("PUBLIC_BASE_URL_PARAMETER"),
        render_dlq_url=_env("RENDER_DLQ_URL"),
        render_max_receives=int(_env("RENDER_MAX_RECEIVES", "5")),
        export_render_budget_s=float(_env("EXPORT_RENDER_BUDGET_SECONDS", "60")),
    )


def reset_settings() -> None:
    """Forget cached settings (the local runner and tests change the environment)."""
    get_settings.cache_clear()
