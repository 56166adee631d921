"""The single-table base model and its binding to the configured endpoint.

Key design (pk / sk, plus three generic GSIs) lives with each model module; the table itself is
declared in template.yaml and created by CloudFormation or by the local runner, never here.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..aws import endpoint_url
from ..config import get_settings

_registry: list[type[Model]] = []


def _bind(meta: Any) -> None:
    settings = get_settings()
    meta.table_name = settings.table_name
    meta.region = settings.region
    meta.host = endpoint_url()
    meta.connect_timeout_seconds = 3
    meta.read_timeout_seconds = 10
    meta.max_retry_attempts = 3


class GSI1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class GSI3(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class TableModel(Model):
    """Base for every item on the application table. Subclasses set `pk`/`sk` prefixes."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    # Epoch seconds; the table's TTL attribute. DynamoDB deletes lazily, so readers still check it.
    expires_at = NumberAttribute(null=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _registry.append(cls)
        _bind(cls.Meta)


class ConditionFailed(Exception):
    """A conditional write or transaction lost (the item changed or is absent): the domain decides
    what that means (409, 412, 404, or "someone else already did it")."""


def condition_failed(exc: Exception) -> bool:
    """Did this PynamoDB write error come from its failed condition (not throttling or a fault)?"""
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def rebind_all() -> None:
    """Point every model at the current settings (the local runner and tests call this)."""
    for model in _registry:
        _bind(model.Meta)
        model._connection = None
