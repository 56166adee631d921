"""Render budgets: size estimates, admission before layout, the fallback's cost check, and the
hard stop (a worker process that is killed, while other renders in this process carry on)."""

from __future__ import annotations

import os
import threading

import pytest
from autograph import render_service
from autograph.errors import PayloadTooLarge, RenderTooComplex
from autograph.render import (
    InvalidDiagram,
    RenderInputError,
    RenderOptions,
    budget,
    isolation,
    render,
    render_detailed,
    validate,
)
from autograph.render import RenderTooComplex as EngineTooComplex


def chain(n: int) -> str:
    return "flowchart TD\n" + "\n".join(f"n{i}-->n{i + 1}" for i in range(n - 1))


def tree(n: int) -> str:
    return "flowchart TD\n" + "\n".join(f"n{(i - 1) // 2}-->n{i}" for i in range(1, n))


def test_estimate_reads_nodes_edges_and_ranks() -> None:
    found = budget.estimate(chain(300))
    assert (found.kind, found.nodes, found.edges, len(found.rank_widths)) == ("flowchart", 300, 299, 300)
    found = budget.estimate(tree(15))
    assert (found.nodes, found.edges, found.rank_widths) == (15, 14, (1, 2, 4, 8))


def test_estimate_ignores_labels_edge_text_and_directives() -> None:
    source = ('flowchart LR\n  A[Start --> x] -- go --> B{ok?} & C((c))\n  B -->|yes| D; C-.->D\n'
              '  E>flag] ==> A\n  click A call x()\n  classDef hot fill:#f00\n  subgraph S\n  end\n')
    found = budget.estimate(source)
    assert (found.nodes, found.edges) == (5, 5)
    assert budget.estimate("sequenceDiagram\n A->>B: hi\n B-->>A: yo\n").kind == "other"


def test_admission_refuses_before_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_layout(*_: object, **__: object) -> None:
        raise AssertionError("layout must not start")

    monkeypatch.setattr(isolation, "run", no_layout)
    with pytest.raises(EngineTooComplex) as caught:
        render(chain(1_200), "svg")
    assert caught.value.details() == {"limit": "nodes", "maximum": 1_000, "actual": 1_200, "unit": "nodes"}
    assert "1,200 nodes" in str(caught.value) and "200 over" in str(caught.value)
    with pytest.raises(EngineTooComplex, match="nodes"):
        validate(chain(6_500))  # under 100 KB of source, refused at once


def test_fallback_engine_only_when_it_can_finish() -> None:
    # merman refuses a 500-node tree by its own limits; the fallback would need ~30 s.
    with pytest.raises(EngineTooComplex) as caught:
        render(tree(500), "svg")
    details = caught.value.details()
    assert details["limit"] == "layout_seconds" and details["actual"] > details["maximum"]


def test_large_chains_stay_on_the_main_engine_with_svg_text_labels() -> None:
    # 500 nodes: merman's HTML-label post-process refuses it; with SVG text labels merman draws it
    # (the fallback engine would take seconds and draw a poorer picture).
    source = chain(500)
    assert "htmlLabels" in budget.plain_labels(source) and source.split("\n")[-1] in budget.plain_labels(source)
    result = render_detailed(source, "svg")
    assert result.engine == "merman" and b"n499" in result.data
    assert validate(source)["engine"] == "merman"


def test_errors_cross_the_process_boundary() -> None:
    with pytest.raises(InvalidDiagram) as caught:
        render("flowchart TD\n  A --> [", "svg")
    assert caught.value.result["errors"][0]["line"] == 2
    with pytest.raises(RenderInputError):
        render("flowchart TD\n A-->B", "gif")
    assert validate("flowchart TD\n A-->B")["valid"] is True
    assert render_detailed("flowchart TD\n A-->B", "svg").engine == "merman"


@pytest.fixture
def uncalibrated(monkeypatch: pytest.MonkeyPatch):
    """Workers that always let the fallback engine try, so only the hard stop can end it."""
    monkeypatch.setenv("AUTOGRAPH_FALLBACK_COST_A", "1e-30")
    monkeypatch.setenv("AUTOGRAPH_FALLBACK_COST_B", "1e-30")
    monkeypatch.setenv("AUTOGRAPH_RENDER_WORKERS", "2")
    isolation.shutdown()
    yield
    isolation.shutdown()


@pytest.mark.usefixtures("uncalibrated")
def test_hard_stop_kills_the_engine_and_others_carry_on() -> None:
    outcome: dict[str, object] = {}

    def heavy() -> None:
        try:
            render(tree(500), "svg", RenderOptions(time_budget_s=3))
        except EngineTooComplex as exc:
            outcome["error"] = exc
            outcome["pid"] = isolation.last_pid()

    worker = threading.Thread(target=heavy)
    worker.start()
    # While the engine grinds in the other worker, this thread renders and validates.
    small = render("flowchart LR\n A-->B", "svg")
    still_running = worker.is_alive()
    worker.join(timeout=60)
    assert b"<svg" in small and still_running
    error = outcome["error"]
    assert isinstance(error, EngineTooComplex) and error.details()["limit"] == "time_budget_s"
    assert "3 s budget" in str(error)
    with pytest.raises(ProcessLookupError):  # the worker that ran it was killed
        os.kill(int(outcome["pid"]), 0)  # type: ignore[call-overload]
    assert render("flowchart LR\n C-->D", "svg")  # and a fresh one took its place


def test_service_maps_too_complex_to_422_and_bytes_to_413() -> None:
    with pytest.raises(RenderTooComplex) as caught:
        render_service.render_bytes(chain(1_500), "svg", RenderOptions())
    assert caught.value.status == 422 and caught.value.slug == "render-too-complex"
    assert caught.value.extra == {"limit": "nodes", "maximum": 1_000, "actual": 1_500, "unit": "nodes"}
    assert "500 over" in caught.value.detail
    with pytest.raises(RenderTooComplex):
        render_service.validate(tree(2_000))
    with pytest.raises(PayloadTooLarge):
        render_service.render_bytes("flowchart TD\n" + "%%" * 60_000, "svg", RenderOptions())
