"""Metrics helper: real EMF metrics in Lambda, nothing locally."""

from __future__ import annotations

import pytest


def test_metrics_are_added_when_enabled_and_skipped_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph import observability

    added: list[str] = []
    monkeypatch.setattr(observability.metrics, "add_metric", lambda name, unit, value: added.append(name))
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    observability.count("Requests")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    observability.count("Requests")
    assert added == ["Requests"]
