"""Powertools Logger, Tracer and Metrics shared by every function.

Each Lambda sets POWERTOOLS_SERVICE_NAME; the local runner disables tracing and EMF output.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="AutoGraph")
