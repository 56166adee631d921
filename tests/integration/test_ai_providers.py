"""The AI function with a configured provider, end to end: the key from Secrets Manager (moto),
a fake OpenAI-compatible server on 127.0.0.1, usage and cost recorded, the circuit breaker's state
in DynamoDB visible in /v1/ai/providers, the daily token budget, and no key in any log."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from autograph.ai import settings as ai_settings

from tests.fakes.llm import FakeLLM
from tests.helpers import assert_problem

GOOD = "flowchart TD\n  a[\"Cart\"] --> b[\"Checkout\"]\n"


@pytest.fixture
def provider(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    from autograph.aws import client
    from autograph.store.ai import DynamoBreakerStore

    fake = FakeLLM().start()
    key = "sk-live-" + secrets.token_hex(12)
    name = f"autograph/ai/openai-{secrets.token_hex(4)}"
    client("secretsmanager").create_secret(Name=name, SecretString=key)
    for var, value in {"AI_PROVIDERS": "openai", "AI_OPENAI_BASE_URL": fake.url, "AI_OPENAI_MODEL": "gpt-fake,gpt-big",
                       "AI_OPENAI_KEY_SECRET": name, "AI_PRICES": '{"gpt-fake": [2.5, 10]}', "AI_RETRIES": "0",
                       "AI_BREAKER_THRESHOLD": "2"}.items():
        monkeypatch.setenv(var, value)
    ai_settings.reset()
    DynamoBreakerStore().success("openai")
    yield {"fake": fake, "key": key}
    DynamoBreakerStore().success("openai")
    monkeypatch.undo()
    ai_settings.reset()
    fake.stop()


def test_generation_goes_through_the_provider_and_records_usage(api: httpx.Client, register: Any,
                                                                provider: dict[str, Any],
                                                                capfd: pytest.CaptureFixture[str]) -> None:
    user, fake = register(), provider["fake"]
    fake.script({"text": "Here you go:\n```mermaid\n" + GOOD + "```"})
    resp = api.post("/v1/ai/generate", headers=user["headers"], json={"prompt": "cart then checkout"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["provider"], body["model"], body["mermaid"]) == ("openai", "gpt-fake", GOOD)
    assert body["usage"] == {"input_tokens": 100, "output_tokens": 50, "estimated_cost_usd": 0.00075}
    assert fake.requests[0]["headers"]["Authorization"] == f"Bearer {provider['key']}"
    usage = api.get("/v1/ai/usage", headers=user["headers"]).json()
    assert [(r["provider"], r["model"], r["input_tokens"], r["output_tokens"], r["estimated_cost_usd"])
            for r in usage["items"]] == [("openai", "gpt-fake", 100, 50, 0.00075)]
    out = capfd.readouterr()
    assert provider["key"] not in out.out + out.err + resp.text


def test_failures_open_the_shared_breaker_and_the_answer_stays_valid(api: httpx.Client, register: Any,
                                                                     provider: dict[str, Any]) -> None:
    user, fake = register(), provider["fake"]
    fake.script({"status": 500}, {"status": 500})
    for _ in range(2):
        body = api.post("/v1/ai/generate", headers=user["headers"], json={"prompt": "a, then b"}).json()
        assert [a["outcome"] for a in body["attempts"]] == ["server", "ok"] and body["provider"] == "offline"
        assert body["validation"]["valid"]
    listed = api.get("/v1/ai/providers", headers=user["headers"]).json()
    assert listed["chain"] == ["openai", "offline"]
    assert listed["providers"][0]["breaker"] == "open"
    fake.script({"text": GOOD})
    body = api.post("/v1/ai/generate", headers=user["headers"], json={"prompt": "a, then b"}).json()
    assert body["attempts"][0]["outcome"] == "skipped" and body["attempts"][0]["error"] == "circuit open"
    assert fake.requests == []  # no call while open


def test_daily_token_budget_is_a_429(api: httpx.Client, register: Any, provider: dict[str, Any],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AI_DAILY_TOKEN_BUDGET", "120")
    ai_settings.reset()
    user, fake = register(), provider["fake"]
    fake.script({"text": GOOD}, {"text": GOOD})
    assert api.post("/v1/ai/generate", headers=user["headers"], json={"prompt": "x then y"}).status_code == 200
    resp = api.post("/v1/ai/generate", headers=user["headers"], json={"prompt": "x then y"})
    problem = assert_problem(resp, 429)
    assert "budget" in problem["detail"] and int(resp.headers["Retry-After"]) >= 1
    assert len(fake.requests) == 1  # the refused request cost nothing


def test_dynamodb_breaker_lets_one_caller_probe(stack: Any) -> None:
    from autograph.store.ai import DynamoBreakerStore

    store, name = DynamoBreakerStore(), f"p-{secrets.token_hex(4)}"
    store.failure(name, 0, threshold=2, cooldown=10)
    assert store.read(name)["open_until"] is None
    store.failure(name, 0, threshold=2, cooldown=10)
    assert store.read(name)["open_until"] == 10
    assert [store.claim_probe(name, 11, 10) for _ in range(3)] == [True, False, False]
    store.success(name)
    assert store.read(name) == {"failures": 0, "open_until": None}


def test_a_request_picks_one_of_the_offered_models(api: httpx.Client, register: Any,
                                                   provider: dict[str, Any]) -> None:
    user, fake = register(), provider["fake"]
    listed = api.get("/v1/ai/providers", headers=user["headers"]).json()
    assert listed["providers"][0]["models"] == ["gpt-fake", "gpt-big"]
    fake.script({"text": GOOD}, {"text": GOOD})
    body = api.post("/v1/ai/generate", headers=user["headers"], json={"prompt": "a then b", "model": "gpt-big"}).json()
    assert body["model"] == "gpt-big" and fake.requests[0]["body"]["model"] == "gpt-big"
    body = api.post("/v1/ai/generate", headers=user["headers"],
                    json={"prompt": "a then b", "provider": "openai", "model": "gpt-nope"}).json()
    assert body["attempts"][0]["outcome"] == "skipped" and body["attempts"][0]["model"] == "gpt-nope"
    assert body["model"] == "gpt-fake" and fake.requests[1]["body"]["model"] == "gpt-fake"
