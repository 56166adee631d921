"""Account purge worker (SQS): deletes what a deleted account owned, in time-boxed passes that
queue their own continuation (autograph.auth.deletion.purge_message)."""

from __future__ import annotations

from autograph.auth import deletion
from autograph.config import AccountPurgeSettings, load
from autograph.workers import sqs_handler

load(AccountPurgeSettings)  # fail the cold start, naming the variable, if one is missing or invalid

handler = sqs_handler(deletion.purge_message, metric="AccountPurge")
