"""Fail-fast settings (issue 11 §4): a function's settings model validates its variables at cold
start and names what is missing or invalid; domain code reads values through one accessor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from autograph import config

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_ENV = {"AUTOGRAPH_AWS": "moto", "AWS_REGION": "us-east-1", "TABLE_NAME": "app-table",
                "DIAGRAMS_BUCKET": "diagrams-bucket", "RENDER_QUEUE_URL": "http://127.0.0.1:1/queue/render"}


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in {str(f.alias) for f in config._FIELDS.values()}:
        monkeypatch.delenv(var, raising=False)
    config.reset_settings()
    yield monkeypatch
    config.reset_settings()


def test_a_missing_variable_fails_the_load_and_is_named(environ: pytest.MonkeyPatch) -> None:
    for var, value in PLATFORM_ENV.items():
        if var != "TABLE_NAME":
            environ.setenv(var, value)
    with pytest.raises(config.SettingsError) as err:
        config.load(config.PlatformSettings)
    assert str(err.value) == "PlatformSettings: TABLE_NAME is not set"
    with pytest.raises(config.SettingsError, match="TABLE_NAME is not set"):
        config.get_settings().table_name  # noqa: B018 - the read is the point


def test_every_problem_is_named_at_once_and_invalid_values_say_why(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("AUTOGRAPH_AWS", "azure")
    environ.setenv("RENDER_MAX_RECEIVES", "five")
    with pytest.raises(config.SettingsError) as err:
        config.load(config.ExportWorkerSettings)
    message = str(err.value)
    assert "AUTOGRAPH_AWS='azure' is invalid" in message and "'aws', 'moto' or 'localstack'" in message
    assert "RENDER_MAX_RECEIVES='five' is invalid: Input should be a valid integer" in message
    for var in ("AWS_REGION", "TABLE_NAME", "DIAGRAMS_BUCKET", "EXPORTS_BUCKET", "UPLOADS_BUCKET",
                "RENDER_QUEUE_URL", "RENDER_DLQ_URL"):
        assert f"{var} is not set" in message
    assert "EXPORT_RENDER_BUDGET_SECONDS" not in message  # a tunable with a default may be absent


def test_loaded_values_back_the_accessor_with_types_and_defaults(environ: pytest.MonkeyPatch) -> None:
    for var, value in {**PLATFORM_ENV, "EXPORTS_BUCKET": "exports-bucket", "UPLOADS_BUCKET": "uploads-bucket",
                       "RENDER_DLQ_URL": "http://127.0.0.1:1/queue/dlq", "RENDER_MAX_RECEIVES": "7"}.items():
        environ.setenv(var, value)
    loaded = config.load(config.ExportWorkerSettings)
    settings = config.get_settings()
    assert loaded.render_max_receives == settings.render_max_receives == 7
    assert settings.export_render_budget_s == 60.0 and settings.endpoint_url is None
    assert settings.access_token_ttl == 3600  # fixed rules read through the same accessor
    with pytest.raises(AttributeError):
        settings.no_such_setting  # noqa: B018


def test_a_tunable_is_bounded(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("EXPORT_RENDER_BUDGET_SECONDS", "600")
    with pytest.raises(config.SettingsError, match="EXPORT_RENDER_BUDGET_SECONDS='600' is invalid"):
        config.get_settings().export_render_budget_s  # noqa: B018


def test_a_function_without_its_variables_does_not_start() -> None:
    """Importing the app is Lambda's cold start: it fails, and the error names the variable."""
    env = {"PATH": os.environ.get("PATH", ""), **PLATFORM_ENV, "PYTHONPATH": str(ROOT / "layers" / "core")}
    del env["RENDER_QUEUE_URL"]
    code = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location('app', sys.argv[1]); "
            "spec.loader.exec_module(importlib.util.module_from_spec(spec))")
    result = subprocess.run([sys.executable, "-c", code, str(ROOT / "functions" / "platform" / "app.py")],
                            env=env, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode != 0
    assert "SettingsError: PlatformSettings: RENDER_QUEUE_URL is not set" in result.stderr
