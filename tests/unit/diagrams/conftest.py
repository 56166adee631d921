"""Unit tests of the diagrams domain against the in-memory store (fake_store.py): no stack, no
network. Every AWS path is blocked, so a call that slipped past the fake fails loudly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pynamodb.connection.base
import pytest

# The store's model classes bind to a table name and region when first imported; these values
# only name things (nothing is ever called). A running local stack sets its own and rebinds.
for _var, _value in {"AUTOGRAPH_AWS": "moto", "AWS_REGION": "us-east-1", "TABLE_NAME": "unit-table",
                     "DIAGRAMS_BUCKET": "unit-diagrams"}.items():
    os.environ.setdefault(_var, _value)

from autograph import aws, clock  # noqa: E402 - after the environment above
from autograph.diagrams import content, service  # noqa: E402
from autograph.diagrams import shares as shares_mod  # noqa: E402

from tests.unit.diagrams.fake_store import FakeStore  # noqa: E402

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock_at(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A fixed clock (autograph.clock.now, the one place domain code reads time)."""
    c = Clock()
    monkeypatch.setattr(clock, "now", lambda: c.now)
    return c


def _no_aws(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a unit test reached AWS: the in-memory store should have answered")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, clock_at: Clock) -> Iterator[FakeStore]:
    """The in-memory store swapped in; S3 tagging/deletion and thumbnail messages journaled."""

    store = FakeStore().install(monkeypatch)
    monkeypatch.setattr(pynamodb.connection.base.Connection, "_make_api_call", _no_aws)
    monkeypatch.setattr(aws, "_client", _no_aws)
    monkeypatch.setattr(content, "tag_trashed", lambda i: store.tables.log("s3.tag", i) or 0)
    monkeypatch.setattr(content, "untag_trashed", lambda i: store.tables.log("s3.untag", i) or 0)
    monkeypatch.setattr(content, "delete_prefix", lambda p: store.tables.log("s3.delete", p) or 0)
    monkeypatch.setattr(service.thumbnails, "enqueue", lambda i, v: store.tables.log("thumbnail", i, v))
    monkeypatch.setattr(shares_mod.links, "public_base_url", lambda: "https://autograph.test")
    yield store
