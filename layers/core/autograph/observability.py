"""Powertools Logger, Tracer and Metrics shared by every function.

Each Lambda sets POWERTOOLS_SERVICE_NAME; the local runner disables tracing and EMF output.
"""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="AutoGraph")


def count(name: str, value: int = 1) -> None:
    """Add a Count metric. Skipped when metrics are disabled (the local stack): Powertools keeps
    unflushed values then and prints a full set to stdout at 100 of them."""
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() == "true":
        return
    from aws_lambda_powertools.metrics import MetricUnit

    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
