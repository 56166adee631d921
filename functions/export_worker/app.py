"""Export worker (SQS, the render queue): export jobs, batch ZIPs and files dropped in the uploads
bucket's inbox/. Powertools batch processing: each failed message is reported on its own
(ReportBatchItemFailures), so one bad message never fails the batch. The logic is
autograph.exports.worker."""

from __future__ import annotations

from typing import Any

from autograph.exports import worker
from autograph.observability import count, logger, metrics, tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

# A batch whose every message failed is reported item by item too (not raised): SQS then retries
# each one on its own, exactly as for a partial failure.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
_context: dict[str, Any] = {}


def _record_handler(record: SQSRecord) -> None:
    # The raw attribute: Powertools' mapping .get() hands back plain dicts, not attribute objects.
    cid = ((record.raw_event.get("messageAttributes") or {}).get("correlation_id") or {}).get("stringValue")
    if cid:
        logger.set_correlation_id(cid)
    ctx = _context.get("lambda")
    outcome = worker.handle_record(
        record.body,
        receive_count=int(record.attributes.approximate_receive_count or 1),
        remaining_ms=ctx.get_remaining_time_in_millis() if ctx else 60_000,
    )
    count(f"Export{outcome.title().replace('-', '')}")
    logger.info("export message processed", extra={"outcome": outcome, "message_id": record.message_id})


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    _context["lambda"] = context
    return process_partial_response(event=event, record_handler=_record_handler, processor=processor,
                                    context=context)
