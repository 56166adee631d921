"""S3-triggered exports: drops in the uploads bucket's inbox/ become outbox/ files (through the
real S3 -> SQS notification and the worker), and POST /v1/uploads does the same per user."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem

FLOW = "flowchart LR\n  a[Inbox] --> b[Outbox]\n"


def s3() -> Any:
    from autograph.aws import client

    return client("s3")


def buckets() -> tuple[str, str]:
    from autograph.config import get_settings

    settings = get_settings()
    return settings.uploads_bucket, settings.exports_bucket


def drop(key: str, body: str, **metadata: str) -> None:
    uploads, _ = buckets()
    s3().put_object(Bucket=uploads, Key=key, Body=body.encode(), Metadata=metadata)


def wait_for(key: str) -> bytes:
    """The outbox object once the worker wrote it (S3's own waiter: HEAD until it exists)."""
    _, exports = buckets()
    s3().get_waiter("object_exists").wait(Bucket=exports, Key=key, WaiterConfig={"Delay": 1, "MaxAttempts": 40})
    return s3().get_object(Bucket=exports, Key=key)["Body"].read()


def outbox(prefix: str) -> list[str]:
    _, exports = buckets()
    return sorted(o["Key"] for o in s3().list_objects_v2(Bucket=exports, Prefix=prefix).get("Contents") or [])


@pytest.fixture
def folder(stack: Any) -> str:
    return f"team/{uuid.uuid4().hex[:8]}"


def test_mermaid_drop_yields_each_format_from_metadata(folder: str) -> None:
    from PIL import Image

    drop(f"inbox/{folder}/flow.mmd", FLOW, formats="svg,png,pdf", scale="2", background="#0000ff")
    assert b"Outbox" in wait_for(f"outbox/{folder}/flow.svg")
    png = Image.open(io.BytesIO(wait_for(f"outbox/{folder}/flow.png"))).convert("RGB")
    assert png.getpixel((1, 1)) == (0, 0, 255)
    assert wait_for(f"outbox/{folder}/flow.pdf").startswith(b"%PDF-")


def test_default_formats_and_json_documents(folder: str) -> None:
    canvas = {"shapes": [{"id": "r", "type": "rectangle", "x": 0, "y": 0, "w": 100, "h": 50, "text": "Canvas"}]}
    drop(f"inbox/{folder}/canvas.json", json.dumps(canvas))
    exported = {"schema": "autograph.diagram/1", "type": "mermaid", "title": "T", "content": {"mermaid": FLOW}}
    drop(f"inbox/{folder}/exported.json", json.dumps(exported))
    assert b"Canvas" in wait_for(f"outbox/{folder}/canvas.svg")
    assert wait_for(f"outbox/{folder}/canvas.png").startswith(b"\x89PNG")
    assert b"Inbox" in wait_for(f"outbox/{folder}/exported.svg")
    wait_for(f"outbox/{folder}/exported.png")


def test_markdown_fences_are_rendered_and_linked(folder: str) -> None:
    doc = ("# Notes\n\nFirst:\n\n```mermaid\n" + FLOW + "```\n\nSecond:\n\n```mermaid\n"
           "sequenceDiagram\n  Alice->>Bob: hi\n```\n\nThe end.\n")
    drop(f"inbox/{folder}/notes.md", doc, formats="svg")
    md = wait_for(f"outbox/{folder}/notes.md").decode()
    assert "![Diagram 1](notes-1.svg)" in md and "![Diagram 2](notes-2.svg)" in md
    assert "```mermaid" not in md and "The end." in md and md.startswith("# Notes")
    assert b"Outbox" in wait_for(f"outbox/{folder}/notes-1.svg")
    assert b"Alice" in wait_for(f"outbox/{folder}/notes-2.svg")


def test_invalid_file_writes_only_an_error_with_the_line(folder: str) -> None:
    doc = "# Broken\n\n```mermaid\nflowchart LR\n  a --> b\n  c -->\n```\n"
    drop(f"inbox/{folder}/broken.md", doc)
    error = json.loads(wait_for(f"outbox/{folder}/broken.error.json"))
    assert error["error"]["type"] == "validation" and error["error"]["line"] == 6  # the file's line
    assert error["source"] == f"inbox/{folder}/broken.md"
    drop(f"inbox/{folder}/bad.mmd", "flowchart LR\n  a -->\n")
    assert json.loads(wait_for(f"outbox/{folder}/bad.error.json"))["error"]["line"] == 2
    assert outbox(f"outbox/{folder}/") == [f"outbox/{folder}/bad.error.json", f"outbox/{folder}/broken.error.json"]


def test_uploads_over_https_are_per_user(api: httpx.Client, register: Any) -> None:
    owner, other = register(), register()
    resp = api.post("/v1/uploads", json={"file_name": "My flow.mmd", "formats": ["svg", "png"], "scale": 2},
                    headers=owner["headers"])
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["upload"]["key"] == f"inbox/{owner['user']['id']}/{body['job']['id']}/My flow.mmd"
    put = httpx.put(body["upload"]["url"], content=FLOW.encode(), timeout=10)
    assert put.status_code == 200, put.text
    job = api.get(f"/v1/exports/{body['job']['id']}", params={"wait": 20}, headers=owner["headers"]).json()
    assert job["status"] == "succeeded" and job["kind"] == "inbox", job
    names = {f["file_name"]: f for f in job["files"]}
    assert set(names) == {"My flow.svg", "My flow.png"}
    assert b"Outbox" in httpx.get(names["My flow.svg"]["url"], timeout=10).content
    assert httpx.get(names["My flow.png"]["url"], timeout=10).content.startswith(b"\x89PNG")
    listed = api.get("/v1/exports", headers=owner["headers"]).json()["items"]
    assert body["job"]["id"] in [j["id"] for j in listed]
    # Another user sees nothing of it, and is only ever handed URLs for their own prefix (the
    # signature covers the key; moto does not check signatures, AWS does).
    assert_problem(api.get(f"/v1/exports/{body['job']['id']}", headers=other["headers"]), 404)
    theirs = api.post("/v1/uploads", json={"file_name": "..x.mmd"}, headers=other["headers"]).json()
    assert theirs["upload"]["key"] == f"inbox/{other['user']['id']}/{theirs['job']['id']}/x.mmd"
    assert_problem(api.post("/v1/uploads", json={"file_name": "../../x.mmd"}, headers=other["headers"]), 422)


def test_upload_input_is_validated(api: httpx.Client, register: Any) -> None:
    user = register()
    for body in ({"file_name": "x.txt"}, {"file_name": "x.mmd", "formats": ["gif"]},
                 {"file_name": "x.mmd", "background": "red"}, {"file_name": "x.mmd", "formats": []}):
        assert_problem(api.post("/v1/uploads", json=body, headers=user["headers"]), 422)
    assert api.get("/v1/exports", headers=user["headers"]).json()["items"] == []


def test_a_redelivered_record_renders_nothing(folder: str) -> None:
    from autograph.exports import inbox

    uploads, exports = buckets()
    drop(f"inbox/{folder}/again.mmd", FLOW, formats="svg")
    wait_for(f"outbox/{folder}/again.svg")
    before = s3().head_object(Bucket=exports, Key=f"outbox/{folder}/again.svg")["LastModified"]
    etag = s3().head_object(Bucket=uploads, Key=f"inbox/{folder}/again.mmd")["ETag"].strip('"')
    # The same record again, as SQS may deliver it (moto-style: the key URL-encoded, slashes too).
    record = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {
        "bucket": {"name": uploads}, "object": {"key": f"inbox%2F{folder.replace('/', '%2F')}%2Fagain.mmd",
                                                "eTag": etag}}}]}
    assert inbox.handle_s3_event(record, receive_count=2) == "duplicate"
    assert s3().head_object(Bucket=exports, Key=f"outbox/{folder}/again.svg")["LastModified"] == before
    assert outbox(f"outbox/{folder}/") == [f"outbox/{folder}/again.svg"]
