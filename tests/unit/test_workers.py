"""autograph.workers: the shared SQS handler hands each body to the domain's message handler,
reports failures message by message, and names each outcome's metric."""

from __future__ import annotations

from typing import Any

from autograph import workers


def _event(*bodies: str) -> dict[str, Any]:
    return {"Records": [{
        "messageId": f"m{i}", "receiptHandle": f"r{i}", "body": body, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q", "awsRegion": "us-east-1",
        "attributes": {"ApproximateReceiveCount": str(i + 1), "SentTimestamp": "0", "SenderId": "x",
                       "ApproximateFirstReceiveTimestamp": "0"},
        "messageAttributes": {"correlation_id": {"stringValue": f"req-{i}", "dataType": "String"}},
    } for i, body in enumerate(bodies)]}


class _Context:
    function_name = "test"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id = "ctx"

    def get_remaining_time_in_millis(self) -> int:
        return 42_000


def test_each_message_reaches_the_handler_and_only_failures_are_reported(monkeypatch: Any) -> None:
    seen: list[tuple[str, int, int]] = []
    counted: list[str] = []
    monkeypatch.setattr(workers, "count", counted.append)

    def handle(body: str, *, receive_count: int, remaining_ms: int) -> str:
        seen.append((body, receive_count, remaining_ms))
        if body == "bad":
            raise ValueError("cannot")
        return "dead-lettered" if body == "poison" else "succeeded"

    handler = workers.sqs_handler(handle, metric="Export")
    result = handler(_event("ok", "bad", "poison"), _Context())

    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert seen == [("ok", 1, 42_000), ("bad", 2, 42_000), ("poison", 3, 42_000)]
    assert counted == ["ExportSucceeded", "ExportDeadLettered"]


def test_correlation_id_comes_from_the_message_attribute() -> None:
    record = workers.SQSRecord(_event("x")["Records"][0])
    assert workers.correlation_id(record) == "req-0"
