"""Account purge worker (SQS): deletes what a deleted account owned, in time-boxed passes.

Each message is {"user_id": ...}. A pass deletes until the invocation's remaining time nears its
end and then queues a continuation, so an account of any size is purged; every step is
idempotent, so a redelivered message only deletes what is still there.
"""

from __future__ import annotations

import json
import time
from typing import Any

from autograph.auth import deletion
from autograph.observability import count, logger, metrics, tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)
SAFETY_SECONDS = 10.0  # leave time to queue the continuation before Lambda stops us
_context: dict[str, Any] = {}


def _record_handler(record: SQSRecord) -> None:
    cid = ((record.raw_event.get("messageAttributes") or {}).get("correlation_id") or {}).get("stringValue")
    if cid:
        logger.set_correlation_id(cid)
    user_id = str(json.loads(record.body)["user_id"])
    ctx = _context.get("lambda")
    remaining = ctx.get_remaining_time_in_millis() / 1000 if ctx else 60.0
    deadline = time.monotonic() + max(1.0, remaining - SAFETY_SECONDS)
    if deletion.purge_account(user_id, deadline):
        count("AccountsPurged")
        logger.info("account purge finished", extra={"user_id": user_id})
    else:
        deletion.enqueue(user_id)
        logger.info("account purge continues", extra={"user_id": user_id})


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    _context["lambda"] = context
    return process_partial_response(event=event, record_handler=_record_handler, processor=processor,
                                    context=context)
