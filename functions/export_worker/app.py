"""Export worker (SQS, the render queue): export jobs, batch ZIPs, thumbnails and files dropped in
the uploads bucket's inbox/. The logic is autograph.exports.dispatch; batch handling is
autograph.workers (partial batch responses)."""

from __future__ import annotations

from autograph.config import ExportWorkerSettings, load
from autograph.exports import dispatch
from autograph.workers import sqs_handler

load(ExportWorkerSettings)  # fail the cold start, naming the variable, if one is missing or invalid

handler = sqs_handler(dispatch.handle_record, metric="Export")
