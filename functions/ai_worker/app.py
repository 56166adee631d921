"""AI worker (SQS, the AI queue): long generations and refinements queued with ?async=true.
The logic is autograph.ai.jobs; batch handling is autograph.workers (partial batch responses)."""

from __future__ import annotations

from typing import Any

from autograph.ai import jobs
from autograph.config import AiWorkerSettings, load
from autograph.observability import count, logger
from autograph.workers import remaining_ms, sqs_handler
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

load(AiWorkerSettings)  # fail the cold start, naming the variable, if one is missing or invalid


def _record(record: SQSRecord, context: Any) -> None:
    try:
        outcome = jobs.handle(record.body, remaining_ms=remaining_ms(context),
                              receive_count=int(record.attributes.approximate_receive_count or 1))
    except jobs.Poison as exc:  # never succeeds: log and drop instead of cycling to the DLQ
        logger.warning("poison AI message dropped", extra={"reason": str(exc), "message_id": record.message_id})
        outcome = "poison"
    count(f"AiJob{outcome.title()}")
    logger.info("AI job message processed", extra={"outcome": outcome, "message_id": record.message_id})


handler = sqs_handler(_record)
