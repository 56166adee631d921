"""Powertools Idempotency's persistence on the idempotency table: its records, keys and
conditional writes are Powertools' own; this module only binds it to our table and endpoint."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..aws import client
from ..config import get_settings


@lru_cache(maxsize=4)
def _layer(table: str) -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer  # lazy: POST routes only

    return DynamoDBPersistenceLayer(table_name=table, boto3_client=client("dynamodb"))


def persistence_layer() -> Any:
    return _layer(get_settings().idempotency_table_name)
