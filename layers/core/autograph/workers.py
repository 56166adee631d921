"""What every SQS worker function shares: Powertools batch processing with partial batch
responses, the request's correlation id carried over from the message (`queues.send` puts it
there), and one metric and log line per message naming its outcome. The domain supplies a
message handler, `handle(body, receive_count=..., remaining_ms=...) -> outcome`, so a worker's
`app.py` only wires it: `handler = sqs_handler(dispatch.handle_record, metric="Export")`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from .observability import count, logger, metrics, tracer
from .queues import CORRELATION_ATTRIBUTE

DEFAULT_REMAINING_MS = 60_000


class MessageHandler(Protocol):
    """Handles one message body; returns its outcome (a metric and log name, e.g. "succeeded").
    Raising makes the message fail on its own: SQS redelivers it, then redrives it to the DLQ."""

    def __call__(self, body: str, *, receive_count: int, remaining_ms: int) -> str: ...


def remaining_ms(context: Any) -> int:
    """Time left in this invocation (a generous default where there is no Lambda context)."""
    return context.get_remaining_time_in_millis() if context is not None else DEFAULT_REMAINING_MS


def correlation_id(record: SQSRecord) -> str | None:
    # The raw attribute: Powertools' mapping .get() hands back plain dicts, not attribute objects.
    attribute = (record.raw_event.get("messageAttributes") or {}).get(CORRELATION_ATTRIBUTE) or {}
    return attribute.get("stringValue")


def outcome_metric(prefix: str, outcome: str) -> str:
    """"Export" + "dead-lettered" -> "ExportDeadLettered"."""
    return prefix + "".join(part.title() for part in outcome.split("-"))


def sqs_handler(handle: MessageHandler, *, metric: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A Lambda handler that runs `handle` per message and reports each failed message on its own
    (ReportBatchItemFailures), so one bad message never fails the batch. A batch whose every
    message failed is reported item by item too, not raised: SQS then retries each one on its
    own, as for a partial failure. Each handled message counts `<metric><Outcome>`."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        def one(record: SQSRecord) -> None:
            cid = correlation_id(record)
            if cid:
                logger.set_correlation_id(cid)
            outcome = handle(record.body, receive_count=int(record.attributes.approximate_receive_count or 1),
                             remaining_ms=remaining_ms(context))
            count(outcome_metric(metric, outcome))
            logger.info("message processed", extra={"outcome": outcome, "message_id": record.message_id})

        return process_partial_response(event=event, record_handler=one, processor=processor, context=context)

    return handler
