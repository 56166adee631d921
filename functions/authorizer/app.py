"""Lambda authorizer (HTTP API, REQUEST type, simple responses) for JWTs and API keys."""

from __future__ import annotations

from typing import Any

from autograph.auth.authorizer import decide_event
from autograph.config import AuthorizerSettings, load
from autograph.observability import count, logger, metrics, tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

load(AuthorizerSettings)  # fail the cold start, naming the variable, if one is missing or invalid


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = decide_event(event)
    authenticated = bool(result["context"]["authenticated"])
    count("Authenticated" if authenticated else "Anonymous")
    logger.debug("authorizer decision", extra={"authenticated": authenticated})
    return result
