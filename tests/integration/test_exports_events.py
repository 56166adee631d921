"""events/export-worker-sqs.json invokes the ExportWorker function as `sam local invoke -e` would:
an export job message, an S3 inbox notification (moto-style, URL-encoded key without the fields
strict models require) and an s3:TestEvent, in one batch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

EVENTS = Path(__file__).resolve().parents[2] / "events"


def test_worker_event_processes_a_job_an_inbox_file_and_ignores_the_test_event(
        stack: Any, api: httpx.Client, register: Any) -> None:
    from autograph.aws import client
    from autograph.clock import iso, now
    from autograph.config import get_settings
    from autograph.store import jobs as store

    user = register()
    d = api.post("/v1/diagrams", json={"title": "Event", "type": "mermaid",
                                       "content": {"mermaid": "flowchart LR\n  e[Event] --> f\n"}},
                 headers=user["headers"]).json()
    moment = now()
    job = store.put_new(store.NewJob(job_id=f"evt{int(moment * 1000)}", owner_id=user["user"]["id"], kind="export",
                                     format="svg", options={}, created_at=iso(moment), created_ms=int(moment * 1000),
                                     diagram_id=d["id"], version=1, title="Event"))
    settings = get_settings()
    s3 = client("s3")
    # The bucket's own notification may handle it first: then this record is a duplicate (no failure).
    s3.put_object(Bucket=settings.uploads_bucket, Key="inbox/events/sample flow.mmd",
                  Body=b"flowchart LR\n  s[Sample] --> t\n")
    etag = s3.head_object(Bucket=settings.uploads_bucket, Key="inbox/events/sample flow.mmd")["ETag"].strip('"')
    raw = (EVENTS / "export-worker-sqs.json").read_text()
    raw = raw.replace("JOB_ID", job["id"]).replace("UPLOADS_BUCKET", settings.uploads_bucket).replace("ETAG", etag)
    result = stack.functions["ExportWorkerFunction"].invoke(json.loads(raw))
    assert result == {"batchItemFailures": []}
    done = api.get(f"/v1/exports/{job['id']}", params={"wait": 20}, headers=user["headers"]).json()
    assert done["status"] == "succeeded" and "Event" in httpx.get(done["url"], timeout=10).text
    out = s3.get_object(Bucket=settings.exports_bucket, Key="outbox/events/sample flow.svg")["Body"].read()
    assert b"Sample" in out
