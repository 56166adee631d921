"""AI worker (SQS, the AI queue): long generations and refinements queued with ?async=true.
The logic is autograph.ai.jobs; batch handling is autograph.workers (partial batch responses)."""

from __future__ import annotations

from autograph.ai import jobs
from autograph.config import AiWorkerSettings, load
from autograph.workers import sqs_handler

load(AiWorkerSettings)  # fail the cold start, naming the variable, if one is missing or invalid

handler = sqs_handler(jobs.handle_record, metric="AiJob")
