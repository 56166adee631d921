"""AI generation through the local stack (offline provider: no key, no network)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from autograph import render

from tests.helpers import assert_problem, freeze_clock


def test_generate_and_save_then_refine_as_new_version(api: httpx.Client, register: Any) -> None:
    user = register()
    resp = api.post("/v1/ai/generate", headers=user["headers"], json={
        "prompt": "Log in, enter the code, check whether the code is valid, open the dashboard", "save": True})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["diagram_type"] == "flowchart" and body["provider"] == "offline"
    assert body["validation"]["valid"] and render.validate(body["mermaid"])["valid"]
    assert body["attempts"][-1]["outcome"] == "ok"
    diagram = body["diagram"]
    assert diagram["content"]["mermaid"] == body["mermaid"]
    versions = api.get(f"/v1/diagrams/{diagram['id']}/versions", headers=user["headers"]).json()["items"]
    assert versions[0]["comment"] == "generated from prompt"

    resp = api.post(f"/v1/diagrams/{diagram['id']}/ai", headers={**user["headers"], "If-Match": '"1"'},
                    json={"instruction": "add a step Send an SMS after enter the code"})
    assert resp.status_code == 200, resp.text
    refined = resp.json()
    assert refined["diagram"]["version"] == 2 and "Send an SMS" in refined["mermaid"]
    assert any("Send an SMS" in line for line in refined["diff"]["mermaid"]["added"]) or refined["diff"]["flowchart"]
    latest = api.get(f"/v1/diagrams/{diagram['id']}/versions", headers=user["headers"]).json()["items"][0]
    assert latest["number"] == 2 and latest["comment"] == "add a step Send an SMS after enter the code"
    # a stale If-Match changes nothing
    stale = api.post(f"/v1/diagrams/{diagram['id']}/ai", headers={**user["headers"], "If-Match": '"1"'},
                     json={"instruction": "remove enter the code"})
    assert_problem(stale, 412)

    history = api.get("/v1/ai/history", headers=user["headers"]).json()["items"]
    assert [h["kind"] for h in history[:2]] == ["refine", "generate"]
    assert history[1]["diagram_id"] == diagram["id"]


def test_other_user_cannot_refine(api: httpx.Client, register: Any) -> None:
    owner, other = register(), register()
    made = api.post("/v1/ai/generate", headers=owner["headers"],
                    json={"prompt": "Monthly budget: rent 40%, food 60%", "save": True}).json()
    resp = api.post(f"/v1/diagrams/{made['diagram']['id']}/ai", headers=other["headers"],
                    json={"instruction": "remove rent"})
    assert_problem(resp, 404)
    again = api.get(f"/v1/diagrams/{made['diagram']['id']}", headers=owner["headers"]).json()
    assert again["version"] == 1


def test_bad_input_is_422_and_nothing_is_stored(api: httpx.Client, register: Any) -> None:
    user = register()
    for body in ({"prompt": ""}, {"prompt": "x" * 4001}, {"prompt": "a b", "diagram_type": "venn"},
                 {"prompt": "a b", "unknown": 1}):
        assert_problem(api.post("/v1/ai/generate", headers=user["headers"], json=body), 422)
    assert api.get("/v1/ai/history", headers=user["headers"]).json()["items"] == []
    assert api.get("/v1/diagrams", headers=user["headers"]).json()["items"] == []
    assert_problem(api.post("/v1/ai/generate", json={"prompt": "hello"}), 401)


def test_async_job_round_trip(api: httpx.Client, register: Any) -> None:
    user = register()
    resp = api.post("/v1/ai/generate?async=true", headers=user["headers"],
                    json={"prompt": "History of the web: 1991 first website, 2004 Facebook launched"})
    assert resp.status_code == 202, resp.text
    assert resp.headers["Location"] == f"/v1/ai/jobs/{resp.json()['id']}"
    job = api.get(f"{resp.headers['Location']}?wait=15", headers=user["headers"]).json()
    assert job["status"] == "succeeded", job
    assert job["result"]["diagram_type"] == "timeline" and "1991" in job["result"]["mermaid"]
    other = register()
    assert_problem(api.get(resp.headers["Location"], headers=other["headers"]), 404)


def test_rate_limit_is_429_with_retry_after(api: httpx.Client, register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_clock(monkeypatch)  # 21 requests must never straddle two minute windows
    user = register()
    statuses = [api.post("/v1/ai/generate", headers=user["headers"], json={"prompt": f"step {i}, then done"}
                         ).status_code for i in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    last = api.post("/v1/ai/generate", headers=user["headers"], json={"prompt": "one more"})
    assert_problem(last, 429)
    assert int(last.headers["Retry-After"]) >= 1


def test_providers_and_usage(api: httpx.Client, register: Any) -> None:
    user = register()
    providers = api.get("/v1/ai/providers", headers=user["headers"]).json()
    assert providers["chain"][-1] == "offline" and providers["default"] == "offline"
    usage = api.get("/v1/ai/usage?from=2025-01-01&to=2025-01-31", headers=user["headers"])
    assert usage.status_code == 200 and usage.json()["items"] == []
    assert_problem(api.get("/v1/ai/usage?from=2025-02-01&to=2025-01-01", headers=user["headers"]), 422)


def test_idempotency_key_replays_the_first_generation(api: httpx.Client, register: Any) -> None:
    user = register()
    headers = {**user["headers"], "Idempotency-Key": "gen-once-1"}
    body = {"prompt": "Pie chart of pets: dogs 45, cats 55", "save": True}
    first = api.post("/v1/ai/generate", headers=headers, json=body)
    again = api.post("/v1/ai/generate", headers=headers, json=body)
    assert first.status_code == again.status_code == 200
    assert again.json()["diagram"]["id"] == first.json()["diagram"]["id"]
    assert len(api.get("/v1/diagrams", headers=user["headers"]).json()["items"]) == 1
    assert len(api.get("/v1/ai/history", headers=user["headers"]).json()["items"]) == 1
    changed = api.post("/v1/ai/generate", headers=headers, json={**body, "prompt": "something else"})
    assert_problem(changed, 422)


def test_async_refine_with_an_instruction_offline_cannot_do_fails_the_job(api: httpx.Client, register: Any) -> None:
    user = register()
    made = api.post("/v1/ai/generate", headers=user["headers"],
                    json={"prompt": "Boil water, add pasta, serve", "save": True}).json()
    resp = api.post(f"/v1/diagrams/{made['diagram']['id']}/ai?async=true", headers=user["headers"],
                    json={"instruction": "make it prettier"})
    assert resp.status_code == 202, resp.text
    job = api.get(f"{resp.headers['Location']}?wait=15", headers=user["headers"]).json()
    assert job["status"] == "failed" and job["error"]["status"] == 422
    assert "understands" in job["error"]["detail"]
    assert api.get(f"/v1/diagrams/{made['diagram']['id']}", headers=user["headers"]).json()["version"] == 1
    other = register()  # 404 at once for someone who cannot edit, nothing queued
    assert_problem(api.post(f"/v1/diagrams/{made['diagram']['id']}/ai?async=true", headers=other["headers"],
                            json={"instruction": "remove serve"}), 404)
