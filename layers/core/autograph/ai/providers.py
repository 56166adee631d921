"""Providers behind one interface: `complete(system, messages, timeout) -> Completion`.

- openai: any OpenAI-compatible /chat/completions endpoint (OpenAI, gateways, vLLM, Ollama).
- anthropic: the Messages API.
- bedrock: the Bedrock Runtime Converse API through boto3.
HTTP goes through one shared httpx client (connection reuse). Every call has a timeout and
bounded retries with jittered backoff on 429/5xx, honouring Retry-After, inside the deadline.
Keys come from Secrets Manager through Powertools Parameters (cached) and never reach a log.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from ..aws import client
from ..config import get_settings
from . import settings as ai_settings


@dataclass(frozen=True)
class Completion:
    text: str
    input_tokens: int
    output_tokens: int


class ProviderError(Exception):
    """A call failed: `kind` is timeout | throttled | server | client | config."""

    def __init__(self, kind: str, detail: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(detail)
        self.kind, self.status, self.retry_after = kind, status, retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in ("timeout", "throttled", "server")


class Provider(Protocol):
    name: str
    model: str

    def complete(self, system: str, messages: list[dict[str, str]], timeout: float) -> Completion: ...


def load_key(secret_name: str) -> str:
    """A provider key from Secrets Manager, cached for 5 minutes (Powertools Parameters)."""
    if not secret_name:
        raise ProviderError("config", "no key secret configured")
    try:
        value = _secrets_provider(id(client("secretsmanager"))).get(secret_name, max_age=300)
    except Exception as exc:  # missing secret, no permission: this link is misconfigured, the chain goes on
        raise ProviderError("config", f"could not read the key secret ({type(exc).__name__})") from exc
    return value if isinstance(value, str) else value.decode()


@lru_cache(maxsize=2)
def _secrets_provider(_client_id: int) -> Any:
    from aws_lambda_powertools.utilities import parameters  # lazy: only chains with a keyed provider

    return parameters.SecretsProvider(boto3_client=client("secretsmanager"))


_http: Any = None


def http() -> Any:
    global _http
    if _http is None:
        import httpx  # lazy: only the OpenAI-compatible and Anthropic providers speak HTTP

        _http = httpx.Client(limits=httpx.Limits(max_connections=20, max_keepalive_connections=10))
    return _http


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _post(url: str, headers: dict[str, str], body: dict[str, Any], timeout: float) -> dict[str, Any]:
    import httpx  # lazy: see http()

    try:
        resp = http().post(url, headers=headers, json=body, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise ProviderError("timeout", f"no answer within {timeout:.1f} s") from exc
    except httpx.HTTPError as exc:
        raise ProviderError("server", f"connection failed: {type(exc).__name__}") from exc
    if resp.status_code == 429:
        raise ProviderError("throttled", "rate limited (429)", status=429,
                            retry_after=_retry_after(resp.headers.get("retry-after")))
    if resp.status_code >= 500:
        raise ProviderError("server", f"server error ({resp.status_code})", status=resp.status_code,
                            retry_after=_retry_after(resp.headers.get("retry-after")))
    if resp.status_code >= 400:
        raise ProviderError("client", f"request refused ({resp.status_code})", status=resp.status_code)
    try:
        return resp.json()
    except ValueError as exc:
        raise ProviderError("server", "the answer is not JSON") from exc


def call_with_retries(fn: Any, *, deadline: float, timeout: float, retries: int) -> Completion:
    """fn(timeout) with bounded retries and jittered exponential backoff inside `deadline`
    (a time.monotonic() value)."""
    attempt = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0.2:
            raise ProviderError("timeout", "the request's deadline passed")
        try:
            return fn(min(timeout, remaining))
        except ProviderError as exc:
            attempt += 1
            if not exc.retryable or attempt > retries:
                raise
            wait = exc.retry_after if exc.retry_after is not None else min(4.0, 0.25 * 2 ** attempt)
            wait = wait + random.uniform(0, 0.25 * wait)  # jitter: retries from many callers spread out
            if time.monotonic() + wait >= deadline - 0.2:
                raise
            time.sleep(wait)


class OpenAICompatible:
    name = "openai"

    def __init__(self, base_url: str, model: str, key_secret: str) -> None:
        self.base_url, self.model, self.key_secret = base_url, model, key_secret

    def complete(self, system: str, messages: list[dict[str, str]], timeout: float) -> Completion:
        body = {"model": self.model, "temperature": 0, "max_tokens": ai_settings.get().max_tokens,
                "messages": [{"role": "system", "content": system}, *messages]}
        headers = {"Authorization": f"Bearer {load_key(self.key_secret)}"}
        data = _post(f"{self.base_url}/chat/completions", headers, body, timeout)
        try:
            text = data["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise ProviderError("server", "the answer has no choices[0].message.content") from exc
        usage = data.get("usage") or {}
        return Completion(text, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0))


class Anthropic:
    name = "anthropic"

    def __init__(self, base_url: str, model: str, key_secret: str) -> None:
        self.base_url, self.model, self.key_secret = base_url, model, key_secret

    def complete(self, system: str, messages: list[dict[str, str]], timeout: float) -> Completion:
        body = {"model": self.model, "max_tokens": ai_settings.get().max_tokens, "temperature": 0,
                "system": system, "messages": messages}
        headers = {"x-api-key": load_key(self.key_secret), "anthropic-version": "2023-06-01"}
        data = _post(f"{self.base_url}/v1/messages", headers, body, timeout)
        text = "".join(part.get("text", "") for part in data.get("content") or [] if part.get("type") == "text")
        usage = data.get("usage") or {}
        return Completion(text, int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0))


class Bedrock:
    name = "bedrock"

    def __init__(self, model: str, endpoint: str | None) -> None:
        self.model, self.endpoint = model, endpoint

    def _client(self, timeout: float) -> Any:
        return _bedrock_client(self.endpoint, round(timeout))

    def complete(self, system: str, messages: list[dict[str, str]], timeout: float) -> Completion:
        from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError  # lazy: Bedrock only

        try:
            data = self._client(timeout).converse(
                modelId=self.model, system=[{"text": system}],
                messages=[{"role": m["role"], "content": [{"text": m["content"]}]} for m in messages],
                inferenceConfig={"maxTokens": ai_settings.get().max_tokens, "temperature": 0})
        except ReadTimeoutError as exc:
            raise ProviderError("timeout", f"no answer within {timeout:.0f} s") from exc
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            server = (status or 500) >= 500 or code in ("ServiceUnavailableException", "ModelNotReadyException")
            kind = "throttled" if code == "ThrottlingException" or status == 429 else "server" if server else "client"
            raise ProviderError(kind, f"{code or 'error'} ({status})", status=status) from exc
        except BotoCoreError as exc:
            raise ProviderError("server", type(exc).__name__) from exc
        parts = ((data.get("output") or {}).get("message") or {}).get("content") or []
        usage = data.get("usage") or {}
        return Completion("".join(p.get("text", "") for p in parts), int(usage.get("inputTokens") or 0),
                          int(usage.get("outputTokens") or 0))


@lru_cache(maxsize=8)
def _bedrock_client(endpoint: str | None, timeout: int) -> Any:
    import boto3  # lazy: Bedrock only (boto3 costs ~200 ms to import)
    from botocore.config import Config  # lazy: Bedrock only

    # Our own retries (call_with_retries) honour the deadline; botocore's would not.
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=3,
                 read_timeout=max(1, timeout))
    kwargs: dict[str, Any] = {"region_name": get_settings().region, "config": cfg}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    return boto3.session.Session().client("bedrock-runtime", **kwargs)


def configured(choice: dict[str, str] | None = None) -> list[Any]:
    """The chain's model providers in order (offline is handled by the chain itself). `choice`
    maps a provider to one of its offered models (default: the first it offers)."""
    s = ai_settings.get()
    out: list[Any] = []
    for name in s.providers:
        offered = ai_settings.models(s, name)
        if not offered:
            continue
        model = (choice or {}).get(name) if (choice or {}).get(name) in offered else offered[0]
        if name == "bedrock":
            out.append(Bedrock(model, s.bedrock_endpoint))
        elif name == "openai":
            out.append(OpenAICompatible(s.openai_base_url, model, s.openai_key_secret))
        elif name == "anthropic":
            out.append(Anthropic(s.anthropic_base_url, model, s.anthropic_key_secret))
    return out
