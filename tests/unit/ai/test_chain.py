"""The provider chain against fake OpenAI-compatible, Anthropic and Bedrock Converse servers."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
from autograph.ai import chain, providers
from autograph.ai.breaker import Breaker, MemoryBreakerStore
from autograph.ai.providers import Anthropic, Bedrock, OpenAICompatible

from tests.fakes.llm import FakeLLM

KEY = "sk-test-SECRET-7f3a9"
GOOD = "flowchart TD\n  a[\"Order placed\"] --> b[\"Order shipped\"]\n"
BAD = "flowchart TD\n  a -->\n"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "load_key", lambda name: KEY)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def _run(chain_providers: list, breaker: Breaker | None = None, *, timeout: float = 5, retries: int = 1,
         task: chain.Task | None = None) -> chain.Outcome:
    breaker = breaker or Breaker(MemoryBreakerStore(), threshold=3, cooldown=60)
    task = task or chain.Task("generate", "flowchart", prompt="order placed then shipped")
    return chain.run(task, chain_providers, breaker, deadline=time.monotonic() + 20, call_timeout=timeout,
                     retries=retries, max_repairs=2)


def _openai(fake: FakeLLM) -> OpenAICompatible:
    return OpenAICompatible(fake.url, "gpt-test", "secret-name")


def test_openai_good_answer_and_wire_format(fake: FakeLLM) -> None:
    fake.script({"text": GOOD})
    out = _run([_openai(fake)])
    assert (out.provider, out.model, out.mermaid) == ("openai", "gpt-test", GOOD)
    assert [a["outcome"] for a in out.attempts] == ["ok"]
    assert out.usage == [("openai", "gpt-test", 100, 50)]
    req = fake.requests[0]
    assert req["path"] == "/chat/completions" and req["headers"]["Authorization"] == f"Bearer {KEY}"
    assert req["body"]["messages"][0]["role"] == "system"
    assert "<description>" in req["body"]["messages"][1]["content"]  # the prompt travels as data


def test_answer_in_prose_and_fence_is_extracted_and_cleaned(fake: FakeLLM) -> None:
    fake.script({"text": "Sure! Here it is:\n```mermaid\n%%{init: {'theme': 'dark'}}%%\n" + GOOD +
                 "click a callback\n```\nHope that helps."})
    out = _run([_openai(fake)])
    assert out.mermaid == GOOD and out.validation["valid"]


def test_invalid_then_fixed_on_repair(fake: FakeLLM) -> None:
    fake.script({"text": BAD}, {"text": GOOD})
    out = _run([_openai(fake)])
    assert [a["outcome"] for a in out.attempts] == ["invalid", "repaired"]
    repair = fake.requests[1]["body"]["messages"]
    assert repair[-2]["role"] == "assistant" and "line 2" in repair[-1]["content"]


def test_always_invalid_falls_through_to_the_next_provider_then_offline(fake: FakeLLM) -> None:
    fake.script({"text": BAD}, {"text": BAD}, {"text": BAD}, {"text": "not a diagram"}, {"text": BAD}, {"text": BAD})
    out = _run([_openai(fake), Anthropic(fake.url, "claude-test", "secret-name")])
    assert [(a["provider"], a["outcome"]) for a in out.attempts] == [
        ("openai", "invalid")] * 3 + [("anthropic", "invalid")] * 3 + [("offline", "ok")]
    assert out.provider == "offline" and out.validation["valid"]
    assert len(fake.requests) == 6  # exactly two repairs per provider


def test_anthropic_wire_format(fake: FakeLLM) -> None:
    fake.script({"text": GOOD})
    out = _run([Anthropic(fake.url, "claude-test", "secret-name")])
    req = fake.requests[0]
    assert req["path"] == "/v1/messages" and req["headers"]["x-api-key"] == KEY
    assert req["headers"]["anthropic-version"] == "2023-06-01" and "system" in req["body"]
    assert out.usage == [("anthropic", "claude-test", 120, 60)]


def test_bedrock_converse_through_boto3(fake: FakeLLM) -> None:
    fake.script({"text": "```\n" + GOOD + "```"})
    out = _run([Bedrock("anthropic.claude-test", fake.url)])
    assert out.provider == "bedrock" and out.mermaid == GOOD
    assert fake.requests[0]["path"] == "/model/anthropic.claude-test/converse"
    assert out.usage == [("bedrock", "anthropic.claude-test", 90, 40)]


def test_slower_than_the_timeout_moves_on(fake: FakeLLM) -> None:
    fake.script({"sleep": 1.5, "text": GOOD}, {"sleep": 1.5, "text": GOOD})
    out = _run([_openai(fake)], timeout=0.5, retries=0)
    assert [(a["provider"], a["outcome"]) for a in out.attempts] == [("openai", "timeout"), ("offline", "ok")]


def test_500_is_retried_then_answers(fake: FakeLLM) -> None:
    fake.script({"status": 500, "retry_after": "0"}, {"text": GOOD})
    out = _run([_openai(fake)], retries=1)
    assert out.provider == "openai" and len(fake.requests) == 2


def test_429_honours_retry_after(fake: FakeLLM) -> None:
    fake.script({"status": 429, "retry_after": "0"}, {"status": 429, "retry_after": "0"})
    out = _run([_openai(fake)], retries=1)
    assert [(a["provider"], a["outcome"]) for a in out.attempts] == [("openai", "throttled"), ("offline", "ok")]
    assert len(fake.requests) == 2


def test_bedrock_throttling_is_classified(fake: FakeLLM) -> None:
    fake.script({"status": 429, "retry_after": "0"})
    out = _run([Bedrock("m1", fake.url)], retries=0)
    assert out.attempts[0]["outcome"] == "throttled"


def test_breaker_opens_after_consecutive_failures_and_recovers() -> None:
    clock = [1000.0]
    breaker = Breaker(MemoryBreakerStore(), threshold=2, cooldown=30, clock=lambda: clock[0])
    server = FakeLLM().start()
    try:
        p = _openai(server)
        server.script({"status": 500}, {"status": 500})
        _run([p], breaker, retries=0)
        _run([p], breaker, retries=0)
        assert breaker.state("openai") == "open"
        server.script({"text": GOOD})
        out = _run([p], breaker)
        assert out.attempts[0] == {"provider": "openai", "model": "gpt-test", "outcome": "skipped",
                                   "error": "circuit open", "ms": 0}
        assert server.requests == []  # an open breaker makes no call
        clock[0] += 31  # cool-down over: one probe; its success closes the breaker
        assert breaker.state("openai") == "half-open"
        out = _run([p], breaker)
        assert out.provider == "openai" and breaker.state("openai") == "closed"
    finally:
        server.stop()


def test_only_one_caller_probes_a_half_open_breaker() -> None:
    clock = [0.0]
    store = MemoryBreakerStore()
    breaker = Breaker(store, threshold=1, cooldown=10, clock=lambda: clock[0])
    breaker.record("p", ok=False)
    clock[0] = 11
    assert [breaker.allow("p") for _ in range(3)] == [True, False, False]


def test_no_key_in_logs_or_answers(fake: FakeLLM, caplog: pytest.LogCaptureFixture,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    fake.script({"status": 401}, {"text": GOOD})
    out = _run([_openai(fake), Anthropic(fake.url, "c", "s")])
    captured = capsys.readouterr()
    assert out.attempts[0]["outcome"] == "client"
    assert KEY not in caplog.text + captured.out + captured.err + json.dumps(out.attempts)


def test_refine_through_a_provider(fake: FakeLLM) -> None:
    fake.script({"text": GOOD.replace("shipped", "delivered")})
    task = chain.Task("refine", "auto", source=GOOD, instruction="rename shipped to delivered")
    out = _run([_openai(fake)], task=task)
    assert "delivered" in out.mermaid and "Order shipped" in fake.requests[0]["body"]["messages"][1]["content"]


def test_a_missing_key_secret_or_a_crashing_provider_moves_the_chain_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_secret(name: str) -> str:
        raise providers.ProviderError("config", "could not read the key secret (GetParameterError)")

    class Broken:
        name, model = "anthropic", "x"

        def complete(self, *args: object) -> None:
            raise KeyError("surprise")

    monkeypatch.setattr(providers, "load_key", no_secret)
    breaker = Breaker(MemoryBreakerStore(), threshold=1, cooldown=60)
    out = _run([OpenAICompatible("http://127.0.0.1:9", "m", "missing"), Broken()], breaker)
    assert [a["outcome"] for a in out.attempts] == ["config", "error", "ok"]
    assert breaker.state("openai") == "closed"  # configuration is not an outage
    assert breaker.state("anthropic") == "open"


def test_raw_html_and_handlers_never_served(fake: FakeLLM) -> None:
    fake.script({"text": 'flowchart TD\n  a["<img src=x onerror=alert(1)>Start"] --> b["<script>x()</script>End"]\n'
                 '  click a href "javascript:alert(1)"\n'})
    out = _run([_openai(fake)])
    assert out.provider == "openai" and out.validation["valid"]
    for bad in ("<img", "onerror", "<script", "javascript:", "click"):
        assert bad not in out.mermaid
