"""What every SQS worker function shares: Powertools batch processing with partial batch
responses, the request's correlation id carried over from the message, and the Lambda context
(for the time left) handed to the record handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from .observability import logger, metrics, tracer

RecordHandler = Callable[[SQSRecord, Any], None]
DEFAULT_REMAINING_MS = 60_000


def remaining_ms(context: Any) -> int:
    """Time left in this invocation (a generous default where there is no Lambda context)."""
    return context.get_remaining_time_in_millis() if context is not None else DEFAULT_REMAINING_MS


def correlation_id(record: SQSRecord) -> str | None:
    # The raw attribute: Powertools' mapping .get() hands back plain dicts, not attribute objects.
    attribute = (record.raw_event.get("messageAttributes") or {}).get("correlation_id") or {}
    return attribute.get("stringValue")


def sqs_handler(record_handler: RecordHandler) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A Lambda handler that runs `record_handler(record, context)` per message and reports each
    failed message on its own (ReportBatchItemFailures), so one bad message never fails the batch.
    A batch whose every message failed is reported item by item too, not raised: SQS then retries
    each one on its own, as for a partial failure."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        def one(record: SQSRecord) -> None:
            cid = correlation_id(record)
            if cid:
                logger.set_correlation_id(cid)
            record_handler(record, context)

        return process_partial_response(event=event, record_handler=one, processor=processor, context=context)

    return handler
