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
from autograph.config import AccountPurgeSettings, load
from autograph.observability import count, logger
from autograph.workers import remaining_ms, sqs_handler
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

load(AccountPurgeSettings)  # fail the cold start, naming the variable, if one is missing or invalid

SAFETY_SECONDS = 10.0  # leave time to queue the continuation before Lambda stops us


def _record(record: SQSRecord, context: Any) -> None:
    user_id = str(json.loads(record.body)["user_id"])
    deadline = time.monotonic() + max(1.0, remaining_ms(context) / 1000 - SAFETY_SECONDS)
    if deletion.purge_account(user_id, deadline):
        count("AccountsPurged")
        logger.info("account purge finished", extra={"user_id": user_id})
    else:
        deletion.enqueue(user_id)
        logger.info("account purge continues", extra={"user_id": user_id})


handler = sqs_handler(_record)
