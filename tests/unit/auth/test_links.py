"""Where share and reset links point: PUBLIC_BASE_URL, else the SSM parameter the template writes."""

from __future__ import annotations

import pytest


def test_public_base_url_prefers_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph import links
    from autograph.config import reset_settings

    monkeypatch.setenv("PUBLIC_BASE_URL", "https://diagrams.example.com/")
    reset_settings()
    try:
        assert links.public_base_url() == "https://diagrams.example.com"
    finally:
        monkeypatch.undo()
        reset_settings()




def test_no_base_url_configured_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograph import links
    from autograph.config import reset_settings

    monkeypatch.setenv("PUBLIC_BASE_URL", "")
    monkeypatch.delenv("PUBLIC_BASE_URL_PARAMETER", raising=False)
    reset_settings()
    try:
        with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
            links.public_base_url()
    finally:
        monkeypatch.undo()
        reset_settings()
