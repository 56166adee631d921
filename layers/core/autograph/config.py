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
    )


def reset_settings() -> None:
    """Forget cached settings (the local runner and tests change the environment)."""
    get_settings.cache_clear()
