"""SQS event sources: poll each queue a function subscribes to and invoke it with real SQS batch
events, deleting only what succeeded (ReportBatchItemFailures), so redrive to the DLQ happens
exactly as in AWS after maxReceiveCount receives."""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

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


def to_event(messages: list[dict[str, Any]], source: EventSource, region: str) -> dict[str, Any]:
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": _lambda_attributes(m.get("MessageAttributes", {})),
        "md5OfBody": m.get("MD5OfBody") or hashlib.md5(m["Body"].encode()).hexdigest(),  # noqa: S324
        "eventSource": "aws:sqs",
        "eventSourceARN": source.queue_arn,
        "awsRegion": region,
    } for m in messages]}


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
