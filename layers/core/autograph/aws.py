"""The one place that knows which AWS we talk to: moto, LocalStack or the real thing.

Everything else asks this module for clients; endpoint selection is configuration only.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from .config import get_settings

_lock = threading.Lock()


def endpoint_url() -> str | None:
    """The endpoint override for the configured target (None for real AWS)."""
    settings = get_settings()
    if settings.aws_target == "moto":
        return settings.endpoint_url
    if settings.aws_target == "localstack":
        if settings.endpoint_url:
            return settings.endpoint_url
        import localstack_client.config  # lazy: only users of LocalStack pay for this import

        return localstack_client.config.get_service_endpoint("dynamodb")
    return None


@cache
def _client(service: str, endpoint: str | None, region: str) -> Any:
    import boto3  # lazy: ~200 ms, paid by the first client, not by every importer of this module
    from botocore.config import Config  # lazy: as boto3

    cfg = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=3, read_timeout=10)
    kwargs: dict[str, Any] = {"region_name": region, "config": cfg}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
        if service == "s3":
            cfg = cfg.merge(Config(s3={"addressing_style": "path"}))
            kwargs["config"] = cfg
    with _lock:  # boto3's default session is not thread-safe while creating clients
        return boto3.session.Session().client(service, **kwargs)


def client(service: str) -> Any:
    """A cached boto3 client for the configured target."""
    settings = get_settings()
    return _client(service, endpoint_url(), settings.region)


def reset_clients() -> None:
    _client.cache_clear()
