"""Each events/ai-*.json invokes its function's handler inside the local stack, as `sam local invoke
-e` would; the worker's SQS event runs a real job and a redelivery produces no second result."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

EVENTS = Path(__file__).resolve().parents[2] / "events"
EXPECTED = {"ai-generate": 200, "ai-generate-async": 202, "ai-refine": 200, "ai-job-get": 200,
            "ai-providers": 200, "ai-usage": 200, "ai-history": 200}


def _swap(event: dict[str, Any], placeholder: str, value: str) -> dict[str, Any]:
    return json.loads(json.dumps(event).replace(placeholder, value))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_ai_event_invokes_its_handler(name: str, stack: Any, api: Any, register: Any) -> None:
    user = register()
    event = copy.deepcopy(json.loads((EVENTS / f"{name}.json").read_text()))
    event["requestContext"]["authorizer"]["lambda"].update(user_id=user["user"]["id"], email=user["email"])
    if name == "ai-refine":
        made = api.post("/v1/ai/generate", headers=user["headers"], json={
            "prompt": "Log in, enter the code, open the dashboard", "save": True}).json()
        event = _swap(event, "DIAGRAM_ID", made["diagram"]["id"])
    if name == "ai-job-get":
        job = api.post("/v1/ai/generate?async=true", headers=user["headers"], json={"prompt": "a, then b"}).json()
        event = _swap(event, "JOB_ID", job["id"])
    method, path = event["routeKey"].split(" ", 1)
    route, _ = stack.api.match(method, event["rawPath"])
    assert route is not None and route.path == path and route.function.logical_id == "AiFunction"
    result = route.function.invoke(event)
    assert result["statusCode"] == EXPECTED[name], result.get("body")
    body = json.loads(result["body"])
    if name == "ai-refine":
        assert "Send an SMS" in body["mermaid"] and body["diagram"]["version"] == 2
    if name == "ai-generate":
        assert body["diagram_type"] == "sequence" and body["validation"]["valid"]


def test_every_ai_event_file_is_covered() -> None:
    files = {p.stem for p in EVENTS.glob("ai-*.json")}
    assert files == set(EXPECTED) | {"ai-worker-sqs"}


def test_worker_event_runs_a_job_once(stack: Any, register: Any) -> None:
    from autograph.clock import iso
    from autograph.store import ai as store

    user = register()
    job = store.put_job("evtjob" + user["user"]["id"][:10], user["user"]["id"], "generate",
                        {"prompt": "Monthly budget: rent 40%, food 60%", "diagram_type": "auto"}, iso())
    event = _swap(json.loads((EVENTS / "ai-worker-sqs.json").read_text()), "JOB_ID", job["id"])
    worker = stack.functions["AiWorkerFunction"]
    assert worker.invoke(event) == {"batchItemFailures": []}
    done = store.get_job(job["id"])
    assert done["status"] == "succeeded" and done["result"]["diagram_type"] == "pie"
    assert worker.invoke(event) == {"batchItemFailures": []}  # redelivered: nothing runs again
    assert store.get_job(job["id"])["finished_at"] == done["finished_at"]
