"""Front matter merged with our configuration (the main engine draws it, titles render,
the diagram's own settings win, our font always applies) and a visible fallback engine."""

from __future__ import annotations

import re

import pytest
from autograph.render import core, engine, validation
from autograph.render.frontmatter import FONT_STACK, configured_source, parse, split
from autograph.render.options import RenderOptions
from render_helpers import docs_source, every_mermaid_fixture, svg_text

FRONT = """---
title: Release branches
config:
  theme: dark
  themeVariables:
    fontFamily: Comic Sans MS
    primaryColor: "#ff0000"
  gitGraph:
    mainBranchName: trunk
---
gitGraph
  commit id: "one"
  branch feature
  commit id: "two"
"""


def test_our_config_merges_into_the_front_matter_and_the_source_wins() -> None:
    merged = configured_source(FRONT, "forest")
    text, body, _ = split(merged)
    data = parse(text)
    assert data is not None and body.startswith("gitGraph")
    assert data["title"] == "Release branches"
    config = data["config"]
    assert config["theme"] == "dark"  # the diagram's explicit theme beats the option
    assert config["themeVariables"]["primaryColor"] == "#ff0000"
    assert config["themeVariables"]["fontFamily"] == FONT_STACK  # our font always
    assert config["gitGraph"] == {"mainBranchName": "trunk"}
    plain = split(configured_source("flowchart LR\n A-->B", "forest"))[0]
    assert parse(plain)["config"]["theme"] == "forest"  # no own theme: the option applies


def test_malformed_front_matter_is_left_as_written_with_a_warning() -> None:
    broken = "---\ntitle: [unclosed\n---\nflowchart LR\n A-->B\n"
    assert configured_source(broken, "default") == broken
    result = validation.validate(broken)
    assert any("not a YAML mapping" in w for w in result["warnings"])


def test_front_matter_diagram_is_drawn_by_the_main_engine_with_title_and_settings() -> None:
    result = core.render_detailed(FRONT, "svg", RenderOptions())
    text = svg_text(result.data)
    assert result.engine == "merman" and not result.fallback and result.warnings == ()
    assert "Release branches" in text and "trunk" in text and "main" not in text.split()
    css = re.search(r"<style>(.*?)</style>", result.data.decode(), re.S).group(1)
    assert "#ff0000" in css.lower()  # themeVariables honoured
    assert "Comic" not in result.data.decode()


@pytest.mark.parametrize("source", every_mermaid_fixture())
def test_every_fixture_is_drawn_by_the_main_engine(source: str) -> None:
    result = core.render_detailed(source, "svg", RenderOptions())
    assert result.engine == engine.PRIMARY, result.warnings
    checked = validation.validate(source)
    assert checked["valid"] and checked["engine"] == engine.PRIMARY


def test_titles_notes_and_markers_from_the_docs_render() -> None:
    text = svg_text(core.render(docs_source("er-docs"), "svg"))
    assert "Order example" in text and "customer id" in text
    text = svg_text(core.render(docs_source("state-concurrent"), "svg"))
    assert "Keyboard" in text and "Two regions run" in text
    text = svg_text(core.render(docs_source("class-namespace"), "svg"))
    assert "Animal example" in text and "From Duck till Zebra" in text


def test_a_fallback_render_is_reported_by_render_and_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine._call

    def primary_crashes(source: str, backend: str) -> str:
        if backend == engine.PRIMARY:
            raise engine.EngineError("renderer panicked: unsupported construct", backend, parse=False)
        return real(source, backend)

    monkeypatch.setattr(engine, "_call", primary_crashes)
    source = "flowchart LR\n  A[Start] --> B[End]"
    result = core.render_detailed(source, "svg", RenderOptions())
    assert result.engine == engine.SECONDARY and result.fallback
    assert any("fallback engine" in w for w in result.warnings)
    checked = validation.validate(source)
    assert checked["valid"] and checked["engine"] == engine.SECONDARY
    assert any("fallback engine (mermaid-rs-renderer) draws it" in w for w in checked["warnings"])


@pytest.mark.parametrize("name", ["flowchart-markdown", "class-generics", "gantt-docs", "unicode-labels",
                                  "sequence-notes"])
def test_fidelity_passes_keep_output_byte_identical(name: str) -> None:
    source = docs_source(name)
    for fmt in ("svg", "png", "pdf"):
        assert core.render(source, fmt) == core.render(source, fmt), fmt
