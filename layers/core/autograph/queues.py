"""Sending to the SQS queues: every message carries the request's correlation id, so a worker's
logs join the request that queued the work (`workers.py` reads it back)."""

from __future__ import annotations

from .aws import client
from .observability import logger

CORRELATION_ATTRIBUTE = "correlation_id"


def send(queue_url: str, body: str, **attributes: str) -> None:
    """One message; `attributes` become String message attributes (e.g. a dead letter's reason)."""
    message_attributes = {name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()}
    correlation_id = logger.get_correlation_id()
    if correlation_id:
        message_attributes[CORRELATION_ATTRIBUTE] = {"DataType": "String", "StringValue": str(correlation_id)}
    client("sqs").send_message(QueueUrl=queue_url, MessageBody=body, MessageAttributes=message_attributes)


def probe(queue_url: str) -> None:
    """Raise unless the queue answers (GET /v1/health): one GetQueueAttributes."""
    client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
