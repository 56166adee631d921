"""Domain rules without the stack: diffs, flowchart extraction, content limits, search text, starters."""

from __future__ import annotations

import pytest
from autograph.diagrams import content, diff
from autograph.diagrams.starters import STARTERS
from autograph.errors import PayloadTooLarge, ValidationFailed


def test_flowchart_nodes_and_edges_with_labels_and_chains() -> None:
    src = """flowchart TD
    %% a comment
    A[Start] -->|go| B{Choice}
    B -- yes --> C((Done)) --> D
    B -.-> E[(Store)]; E ==> A
    subgraph group
      F
    end
    classDef hot fill:#f00
    """
    nodes, edges = diff.flowchart_graph(src)
    assert nodes == {"A", "B", "C", "D", "E", "F"}
    assert edges == {"A-->B", "B-->C", "C-->D", "B-->E", "E-->A"}


def test_text_diff_added_removed_changed() -> None:
    out = diff.text_diff("a\nb\nc\nd", "a\nB\nc\nd\ne")
    assert out == {"added": ["e"], "removed": [], "changed": [{"before": ["b"], "after": ["B"]}]}
    assert diff.text_diff("x\ny", "x") == {"added": [], "removed": ["y"], "changed": []}


def test_diff_only_reports_flowchart_for_flowcharts() -> None:
    seq = diff.diff({"mermaid": "sequenceDiagram\n A->>B: hi"}, {"mermaid": "sequenceDiagram\n A->>B: yo"})
    assert "flowchart" not in seq and seq["mermaid"]["changed"]
    flow = diff.diff({"mermaid": "graph LR\n a --> b"}, {"mermaid": "graph LR\n a --> c"})
    assert flow["flowchart"] == {"added_nodes": ["c"], "removed_nodes": ["b"], "added_edges": ["a-->c"],
                                 "removed_edges": ["a-->b"]}


def test_canvas_diff_fields() -> None:
    a = {"shapes": [{"id": "s", "type": "rectangle", "x": 1, "style": {"fill": "red"}}, {"id": "gone", "type": "text"}]}
    b = {"shapes": [{"id": "s", "type": "rectangle", "x": 1, "style": {"fill": "blue"}, "text": "hi"},
                    {"id": "new", "type": "note"}]}
    out = diff.canvas_diff(a, b)
    assert out["added"] == ["new"] and out["removed"] == ["gone"]
    assert out["changed"] == [{"id": "s", "fields": {"style": {"before": {"fill": "red"}, "after": {"fill": "blue"}},
                                                     "text": {"before": None, "after": "hi"}}}]


@pytest.mark.parametrize(("dtype", "body", "error"), [
    ("mermaid", {"mermaid": "x" * (100 * 1024 + 1)}, PayloadTooLarge),
    ("note", {"note": "x" * (1024 * 1024 + 1)}, PayloadTooLarge),
    ("note", {"mermaid": "graph LR"}, ValidationFailed),
    ("canvas", {"canvas": {"shapes": [{"id": str(i), "type": "text"} for i in range(5001)]}}, PayloadTooLarge),
    ("canvas", {"canvas": {"shapes": [{"id": "a", "type": "text", "points": [[0, 0]]}]}}, ValidationFailed),
    ("canvas", {"canvas": {"shapes": [{"id": "a", "type": "rectangle", "start": "a"}]}}, ValidationFailed),
    ("canvas", {"canvas": {"shapes": [{"id": "f", "type": "frame", "parent_id": "f"}]}}, ValidationFailed),
])
def test_content_rules(dtype: str, body: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        content.check(dtype, body)


def test_content_limits_are_inclusive_and_mixed_takes_all_parts() -> None:
    content.check("mermaid", {"mermaid": "x" * (100 * 1024)})
    content.check("mixed", {"mermaid": "graph LR", "note": "n", "canvas": {"shapes": []}})
    content.check("canvas", {"canvas": {"shapes": [{"id": str(i), "type": "text"} for i in range(5000)]}})


def test_search_text_is_lowercase_and_bounded() -> None:
    text = content.search_text("Title", ["TagOne"], {"note": "Body " * 10_000,
                                                     "canvas": {"shapes": [{"text": "Shape"}]}})
    assert text.startswith("title\ntagone\nbody")
    assert len(text) == content.SEARCH_MAX


def test_starters_are_six_and_look_like_mermaid() -> None:
    assert len(STARTERS) == 6
    for s in STARTERS:
        first = s["mermaid"].splitlines()[0].split()[0]
        assert first in {"flowchart", "erDiagram", "sequenceDiagram"}
        if first == "flowchart":
            nodes, edges = diff.flowchart_graph(s["mermaid"])
            assert len(nodes) >= 5 and len(edges) >= 5
