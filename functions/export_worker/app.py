"""Export worker (SQS, the render queue): export jobs, batch ZIPs, thumbnails and files dropped in
the uploads bucket's inbox/. The logic is autograph.exports.dispatch; batch handling is
autograph.workers (partial batch responses)."""

from __future__ import annotations

from typing import Any

from autograph.config import ExportWorkerSettings, load
from autograph.exports import dispatch
from autograph.observability import count, logger
from autograph.workers import remaining_ms, sqs_handler
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

load(ExportWorkerSettings)  # fail the cold start, naming the variable, if one is missing or invalid


def _record(record: SQSRecord, context: Any) -> None:
    outcome = dispatch.handle_record(
        record.body,
        receive_count=int(record.attributes.approximate_receive_count or 1),
        remaining_ms=remaining_ms(context),
    )
    count(f"Export{outcome.title().replace('-', '')}")
    logger.info("export message processed", extra={"outcome": outcome, "message_id": record.message_id})


handler = sqs_handler(_record)
