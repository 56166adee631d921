"""AI worker (SQS, the AI queue): long generations and refinements queued with ?async=true.
Powertools batch processing with partial batch responses; the logic is autograph.ai.jobs."""

from __future__ import annotations

from typing import Any

from autograph.ai import jobs
from autograph.observability import count, logger, metrics, tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
_context: dict[str, Any] = {}


def _record_handler(record: SQSRecord) -> None:
    cid = ((record.raw_event.get("messageAttributes") or {}).get("correlation_id") or {}).get("stringValue")
    if cid:
        logger.set_correlation_id(cid)
    ctx = _context.get("lambda")
    try:
        outcome = jobs.handle(record.body, remaining_ms=ctx.get_remaining_time_in_millis() if ctx else 60_000,
                              receive_count=int(record.attributes.approximate_receive_count or 1))
    except jobs.Poison as exc:  # never succeeds: log and drop instead of cycling to the DLQ
        logger.warning("poison AI message dropped", extra={"reason": str(exc), "message_id": record.message_id})
        outcome = "poison"
    count(f"AiJob{outcome.title()}")
    logger.info("AI job message processed", extra={"outcome": outcome, "message_id": record.message_id})


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    _context["lambda"] = context
    return process_partial_response(event=event, record_handler=_record_handler, processor=processor,
                                    context=context)
