"""The local runner behaves as API Gateway, Lambda and SQS event sources would: route selection,
the payload-v2 event, authorizer identity sources and caching, binary bodies, SQS batches with
partial failures and DLQ redrive, S3 -> SQS notifications, and state persistence across restarts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import httpx
import pytest

from infra.local.apigw import HttpApi, Route
from infra.local.lambdas import LocalFunction
from infra.local.sqs import EventSource, aws_s3_event, poll_once
from tests.helpers import unique_email

ROOT = Path(__file__).resolve().parents[2]


def _fn(tmp_path: Path, name: str, body: str, props: dict[str, Any] | None = None) -> LocalFunction:
    code = tmp_path / name
    code.mkdir()
    (code / "app.py").write_text(textwrap.dedent(body))
    return LocalFunction(name, name, code, "app.handler", 3, 128, "us-east-1", props or {})


# ------------------------------------------------------------------ routing + events
def test_route_priority_literal_then_parameter_then_greedy_then_default(tmp_path: Path) -> None:
    fn = _fn(tmp_path, "Echo", "def handler(e, c):\n    return {'statusCode': 200, 'body': e['routeKey']}\n")
    api = HttpApi({"Resources": {}}, {})
    api.routes = [Route("ANY", "/v1/items/{proxy+}", fn, None), Route("GET", "/v1/items/{id}", fn, None),
                  Route("GET", "/v1/items/special", fn, None), Route("ANY", "$default", fn, None),
                  Route("ANY", "/v1/items/{id}/parts", fn, None), Route("POST", "/v1/items/{id}/parts", fn, None)]
    assert api.match("GET", "/v1/items/special")[0].path == "/v1/items/special"
    route, params = api.match("GET", "/v1/items/42")
    assert route.path == "/v1/items/{id}" and params == {"id": "42"}
    route, params = api.match("DELETE", "/v1/items/42")
    assert route.path == "/v1/items/{proxy+}" and params == {"proxy": "42"}
    assert api.match("GET", "/v1/items/1/2/3")[1] == {"proxy": "1/2/3"}
    assert api.match("POST", "/v1/items/9/parts")[0].method == "POST"
    assert api.match("PUT", "/v1/items/9/parts")[0].method == "ANY"
    assert api.match("GET", "/elsewhere")[0].path == "$default"


def test_payload_v2_event_shape(tmp_path: Path) -> None:
    fn = _fn(tmp_path, "Echo", "def handler(e, c):\n    return e\n")
    api = HttpApi({"Resources": {}}, {})
    route = Route("POST", "/v1/things/{id}", fn, None)
    headers = [("Content-Type", "application/octet-stream"), ("X-Multi", "a"), ("X-Multi", "b"),
               ("Cookie", "a=1; b=2")]
    event = api.build_event("POST", "/v1/things/7", "q=1&q=2&x=", headers, b"\x89PNG\x00", "10.0.0.9", route,
                            {"id": "7"}, "req-1")
    assert event["version"] == "2.0" and event["routeKey"] == "POST /v1/things/{id}"
    assert event["headers"]["x-multi"] == "a,b" and "cookie" not in event["headers"]
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["queryStringParameters"] == {"q": "1,2", "x": ""}
    assert event["rawQueryString"] == "q=1&q=2&x="
    assert event["pathParameters"] == {"id": "7"}
    assert event["isBase64Encoded"] is True and event["body"] == "iVBORwA="
    assert event["requestContext"]["http"]["sourceIp"] == "10.0.0.9"
    assert event["requestContext"]["requestId"] == "req-1"
    text = api.build_event("POST", "/v1/things/7", "", [("content-type", "application/json")], b'{"a":1}',
                           "10.0.0.9", route, {"id": "7"}, "req-2")
    assert text["isBase64Encoded"] is False and text["body"] == '{"a":1}'


def test_authorizer_identity_sources_and_result_cache(tmp_path: Path) -> None:
    authz = _fn(tmp_path, "Authz", """
        CALLS = []
        def handler(event, context):
            CALLS.append(event["identitySource"])
            ok = event["headers"].get("authorization") == "Bearer good"
            return {"isAuthorized": ok, "context": {"who": "me"}}
    """)
    target = _fn(tmp_path, "Target", """
        import json
        def handler(event, context):
            return {"statusCode": 200, "body": json.dumps(event["requestContext"]["authorizer"]["lambda"]),
                    "headers": {"content-type": "application/json"}, "cookies": ["s=1", "t=2"]}
    """)
    template = {"Resources": {
        "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"Auth": {"DefaultAuthorizer": "A", "Authorizers": {
            "A": {"FunctionArn": {"Fn::GetAtt": ["Authz", "Arn"]},
                  "Identity": {"Headers": ["Authorization"], "ReauthorizeEvery": 300}}}}}}}}
    target.properties = {"Events": {"E": {"Type": "HttpApi", "Properties": {"Path": "/x", "Method": "GET"}}}}
    api = HttpApi(template, {"Authz": authz, "Target": target})
    missing = api.handle("GET", "/x", "", [], b"", "127.0.0.1")
    assert missing.status == 401 and json.loads(missing.body) == {"message": "Unauthorized"}
    ok = api.handle("GET", "/x", "", [("Authorization", "Bearer good")], b"", "127.0.0.1")
    assert ok.status == 200 and json.loads(ok.body) == {"who": "me"}
    assert [v for k, v in ok.headers if k == "set-cookie"] == ["s=1", "t=2"]
    api.handle("GET", "/x", "", [("Authorization", "Bearer good")], b"", "127.0.0.1")
    denied = api.handle("GET", "/x", "", [("Authorization", "Bearer bad")], b"", "127.0.0.1")
    assert denied.status == 403
    calls = authz.handler().__globals__["CALLS"]
    assert calls == [["Bearer good"], ["Bearer bad"]]  # the second good call came from the cache


def test_binary_response_is_decoded_for_the_client(stack: Any, api: httpx.Client) -> None:
    resp = api.post("/v1/render", json={"source": "flowchart LR\n A --> B", "format": "png"})
    assert resp.content.startswith(b"\x89PNG\r\n\x1a\n")


# ------------------------------------------------------------------ SQS event sources
def test_sqs_batches_delete_only_successes_and_redrive_to_dlq(stack: Any, tmp_path: Path) -> None:
    from autograph.aws import client

    sqs = client("sqs")
    dlq = sqs.create_queue(QueueName=f"t-dlq-{os.getpid()}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(QueueName=f"t-q-{os.getpid()}", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})})["QueueUrl"]
    worker = _fn(tmp_path, "Worker", """
        SEEN = []
        def handler(event, context):
            failures = []
            for record in event["Records"]:
                SEEN.append((record["body"], record["messageAttributes"].get("cid", {}).get("stringValue")))
                assert record["eventSource"] == "aws:sqs"
                if record["body"] == "poison":
                    failures.append({"itemIdentifier": record["messageId"]})
            return {"batchItemFailures": failures}
    """)
    for body in ("good-1", "poison", "good-2"):
        sqs.send_message(QueueUrl=queue, MessageBody=body,
                         MessageAttributes={"cid": {"DataType": "String", "StringValue": f"c-{body}"}})
    source = EventSource(worker, queue, "arn:aws:sqs:us-east-1:123456789012:t-q", batch_size=10, report_failures=True)
    received = [poll_once(sqs, source, "us-east-1", wait_seconds=0) for _ in range(4)]
    seen = worker.handler().__globals__["SEEN"]
    assert sum(received) == 3 + 1  # the whole first batch, then the poison once more
    assert sorted(b for b, _ in seen) == ["good-1", "good-2", "poison", "poison"]
    assert ("good-1", "c-good-1") in seen
    left = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages", [])
    assert left == []
    dead = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0).get("Messages", [])
    assert [m["Body"] for m in dead] == ["poison"]


def test_sqs_handler_crash_returns_the_batch(stack: Any, tmp_path: Path) -> None:
    from autograph.aws import client

    sqs = client("sqs")
    queue = sqs.create_queue(QueueName=f"t-crash-{os.getpid()}")["QueueUrl"]
    worker = _fn(tmp_path, "Crash", "def handler(e, c):\n    raise RuntimeError('boom')\n")
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    source = EventSource(worker, queue, "arn", batch_size=1, report_failures=True)
    assert poll_once(sqs, source, "us-east-1", wait_seconds=0) == 1
    # Not deleted: it is in flight and comes back once the visibility timeout ends.
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    assert attrs["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"


@pytest.mark.parametrize("raw", [
    "in%2Fa+b%2Bc.txt",  # moto: quote_plus, slashes encoded too
    "in/a%20b%2Bc.txt",  # LocalStack: quote, spaces as %20
    "in/a+b%2Bc.txt",    # AWS
])
def test_s3_event_keys_reach_functions_encoded_as_aws_does(raw: str) -> None:
    record = {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
              "s3": {"bucket": {"name": "b"}, "object": {"key": raw, "size": 1}}}
    event = json.loads(aws_s3_event(json.dumps({"Records": [record]})))
    out = event["Records"][0]
    assert out["s3"]["object"]["key"] == "in/a+b%2Bc.txt"
    assert unquote_plus(out["s3"]["object"]["key"]) == "in/a b+c.txt"
    assert {"userIdentity", "requestParameters", "responseElements"} <= out.keys()
    assert out["s3"]["object"]["sequencer"]
    for other in ('{"Event": "s3:TestEvent"}', '{"job_id": "j1"}', "not json", '{"Records": [{"eventSource": "x"}]}'):
        assert aws_s3_event(other) == other


def test_upload_notification_reaches_the_function_as_aws_sends_it(stack: Any, tmp_path: Path) -> None:
    """Through the real stand-in: S3 -> SQS -> the runner's poller -> a function. AWS keeps the
    slash and encodes space as `+`; moto and LocalStack each differ, and the runner corrects it."""
    from autograph.aws import client

    s3, sqs = client("s3"), client("sqs")
    name = f"t-notify-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.create_bucket(Bucket=name)
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}}}]})
    s3.put_object(Bucket=name, Key="out/skipped.txt", Body=b"x")
    s3.put_object(Bucket=name, Key="in/a b+c.txt", Body=b"x")
    worker = _fn(tmp_path, "Inbox", """
        import json
        KEYS = []
        def handler(event, context):
            for record in event["Records"]:
                for s3 in json.loads(record["body"]).get("Records", []):
                    KEYS.append((s3["s3"]["object"]["key"], sorted(s3)))
            return {"batchItemFailures": []}
    """)
    source = EventSource(worker, queue, arn, batch_size=10, report_failures=True)
    keys = worker.handler().__globals__["KEYS"]
    for _ in range(10):  # bounded: each poll long-polls up to 1 s
        poll_once(sqs, source, "us-east-1", wait_seconds=1)
        if keys:
            break
    assert [k for k, _ in keys] == ["in/a+b%2Bc.txt"]
    assert {"userIdentity", "requestParameters", "responseElements", "s3"} <= set(keys[0][1])


def test_template_declares_sqs_sources_that_the_runner_polls(stack: Any) -> None:
    declared = {
        (fn.logical_id, name) for fn in stack.functions.values()
        for name, ev in (fn.properties.get("Events") or {}).items() if ev.get("Type") == "SQS"}
    assert {(s.function.logical_id, s.queue_url) for s in stack.sources} >= {
        (lg, s.queue_url) for lg, _ in declared for s in stack.sources if s.function.logical_id == lg}
    assert len(stack.sources) == len(declared)


def test_uploads_bucket_notifies_the_render_queue_for_the_inbox_prefix(stack: Any) -> None:
    """The template's S3 -> SQS wiring exists on the stand-in. (Reading the render queue here would
    race the export worker's poller: delivery through it is test_exports_inbox's business, and
    delivery in general is test_upload_notification_reaches_the_function_as_aws_sends_it's.)"""
    from autograph.aws import client
    from autograph.config import get_settings

    settings = get_settings()
    arn = client("sqs").get_queue_attributes(QueueUrl=settings.render_queue_url,
                                             AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    config = client("s3").get_bucket_notification_configuration(Bucket=settings.uploads_bucket)
    [queue] = config["QueueConfigurations"]
    assert queue["QueueArn"] == arn
    assert queue["Events"] == ["s3:ObjectCreated:*"]
    rules = queue["Filter"]["Key"]["FilterRules"]
    assert [(r["Name"].lower(), r["Value"]) for r in rules] == [("prefix", "inbox/")]


def test_resources_match_the_template(stack: Any) -> None:
    from autograph.aws import client
    from autograph.config import get_settings

    settings = get_settings()
    table = client("dynamodb").describe_table(TableName=settings.table_name)["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2", "gsi3"}
    ttl = client("dynamodb").describe_time_to_live(TableName=settings.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"
    attrs = client("sqs").get_queue_attributes(QueueUrl=settings.render_queue_url, AttributeNames=["All"])
    assert json.loads(attrs["Attributes"]["RedrivePolicy"])["maxReceiveCount"] == 5
    block = client("s3").get_public_access_block(Bucket=settings.exports_bucket)
    assert all(block["PublicAccessBlockConfiguration"].values())


# ------------------------------------------------------------------ the real entry point
def _start(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    for line in proc.stdout:  # readiness: the runner prints its URL once it serves
        if line.startswith("AutoGraph API on "):
            return proc, line.split()[3]
    raise AssertionError(f"runner exited with {proc.wait()}")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


@pytest.mark.parametrize("persist", [True, False])
def test_make_local_entry_point_serves_stops_on_ctrl_c_and_persists_on_request(tmp_path: Path, persist: bool) -> None:
    from infra.local.stack import free_port

    env = {**os.environ, "PORT": str(free_port()), "BCRYPT_ROUNDS": "4"}
    if persist:
        env["AUTOGRAPH_LOCAL_STATE"] = str(tmp_path / "state")
    email = unique_email("persist")
    proc, url = _start(env)
    try:
        assert url == f"http://127.0.0.1:{env['PORT']}"
        assert httpx.get(f"{url}/v1/health").status_code == 200
        registered = httpx.post(f"{url}/v1/auth/register", json={"email": email, "password": "persist-me-pls"})
        assert registered.status_code == 201
    finally:
        out = _stop(proc)
    assert "stopping" in out
    proc, url = _start(env)
    try:
        login = httpx.post(f"{url}/v1/auth/login", json={"email": email, "password": "persist-me-pls"})
        assert login.status_code == (200 if persist else 401)
    finally:
        _stop(proc)
