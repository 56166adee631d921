"""SQS event sources: poll each queue a function subscribes to and invoke it with real SQS batch
events, deleting only what succeeded (ReportBatchItemFailures), so redrive to the DLQ happens
exactly as in AWS after maxReceiveCount receives."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from .lambdas import LocalFunction

log = logging.getLogger("autograph.local")


@dataclass
class EventSource:
    function: LocalFunction
    queue_url: str
    queue_arn: str
    batch_size: int
    report_failures: bool


def sources_from(functions: dict[str, LocalFunction], resolver: Any) -> list[EventSource]:
    out = []
    for fn in functions.values():
        response_types = fn.properties.get("FunctionResponseTypes") or []
        for event in (fn.properties.get("Events") or {}).values():
            if event.get("Type") != "SQS":
                continue
            props = event.get("Properties") or {}
            arn = resolver.resolve(props["Queue"])
            url = next(u for (lg, attr), a in resolver.attrs.items()
                       if attr == "Arn" and a == arn for u in [resolver.refs[lg]])
            types = props.get("FunctionResponseTypes") or response_types
            out.append(EventSource(fn, url, arn, int(props.get("BatchSize", 10)),
                                   "ReportBatchItemFailures" in types))
    return out


def _lambda_attributes(message_attributes: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, attr in (message_attributes or {}).items():
        out[name] = {
            "stringValue": attr.get("StringValue"), "binaryValue": attr.get("BinaryValue"),
            "stringListValues": [], "binaryListValues": [], "dataType": attr.get("DataType", "String"),
        }
    return out


def aws_s3_event(body: str) -> str:
    """An S3 event notification body as AWS writes it; any other body unchanged.

    AWS URL-encodes object keys form-style with slashes kept (`in/a b+c` -> `in/a+b%2Bc`).
    The stand-ins do not: moto encodes slashes (`in%2Fa+b%2Bc`), LocalStack spaces as `%20`.
    Both decode to the same key with unquote_plus, so we re-encode AWS's way: functions here
    see what they will see in AWS, and code that forgets to decode fails locally too.
    moto's records also lack fields AWS always sends (Powertools' S3 models require them)."""
    try:
        event = json.loads(body)
    except ValueError:
        return body
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not all(
            isinstance(r, dict) and r.get("eventSource") == "aws:s3" for r in records):
        return body
    for record in records:
        obj = record.get("s3", {}).get("object", {})
        if "key" in obj:
            obj["key"] = quote_plus(unquote_plus(obj["key"]), safe="/")
        record.setdefault("userIdentity", {"principalId": "AWS:LOCAL"})
        record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
        record.setdefault("responseElements", {"x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL"})
        obj.setdefault("sequencer", "0000000000000000")
    return json.dumps(event)


def to_event(messages: list[dict[str, Any]], source: EventSource, region: str) -> dict[str, Any]:
    records = []
    for m in messages:
        body = aws_s3_event(m["Body"])
        records.append({
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": body,
            "attributes": m.get("Attributes", {}),
            "messageAttributes": _lambda_attributes(m.get("MessageAttributes", {})),
            "md5OfBody": hashlib.md5(body.encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
            "eventSource": "aws:sqs",
            "eventSourceARN": source.queue_arn,
            "awsRegion": region,
        })
    return {"Records": records}


def poll_once(sqs: Any, source: EventSource, region: str, wait_seconds: int = 1) -> int:
    """One receive + invoke + delete cycle. Returns how many messages were received."""
    resp = sqs.receive_message(
        QueueUrl=source.queue_url, MaxNumberOfMessages=min(source.batch_size, 10),
        WaitTimeSeconds=wait_seconds, AttributeNames=["All"], MessageAttributeNames=["All"])
    messages = resp.get("Messages") or []
    if not messages:
        return 0
    try:
        result = source.function.invoke(to_event(messages, source, region))
    except Exception:
        # A failed invocation returns the whole batch to the queue (visibility timeout).
        log.exception("%s failed on a batch of %d", source.function.logical_id, len(messages))
        return len(messages)
    failed: set[str] = set()
    if source.report_failures and isinstance(result, dict):
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures") or []}
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(QueueUrl=source.queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
    for m in messages:
        if m["MessageId"] in failed:
            # Make it visible again at once locally, so retries and redrive do not wait.
            sqs.change_message_visibility(QueueUrl=source.queue_url, ReceiptHandle=m["ReceiptHandle"],
                                          VisibilityTimeout=0)
    return len(messages)


class Poller(threading.Thread):
    def __init__(self, sqs: Any, source: EventSource, region: str, stop: threading.Event) -> None:
        super().__init__(name=f"sqs-{source.function.logical_id}", daemon=True)
        self.sqs, self.source, self.region, self.stop_event = sqs, source, region, stop

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                poll_once(self.sqs, self.source, self.region)
            except Exception:
                if not self.stop_event.is_set():
                    log.exception("poller for %s", self.source.queue_url)
                    self.stop_event.wait(1)
