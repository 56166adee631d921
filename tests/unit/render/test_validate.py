"""validate(): exact line of the first error, types, limits, stats."""

from __future__ import annotations

import pytest
from autograph.render import InvalidDiagram, render, validate

BROKEN = [  # (source, line, fragment of the message)
    ("flowchart TD\n  A-->B\n  B-->>C\n  C-->D\n", 3, "Unterminated"),
    ("flowchart TD\n  A-->B\n  subgraph S\n    C-->D\n", 3, "end"),
    ("%% comment\nflowchart LR\n  A[ok] --> B\n  B --> C[unclosed\n  C --> D\n", 4, "]"),
    ("sequenceDiagram\n  Alice->>Bob: hi\n  Bob-x\n  Bob->>Alice: ok\n", 3, "unexpected"),
    ('pie title Formats\n  "a" : 1\n  "b" : abc\n', 3, "pie statement"),
    ("classDiagram\n  class A\n  class B {\n    +x\n", 3, "class body"),
    ("gantt\n  dateFormat YYYY-MM-DD\n  section s\n  t1 :a1, notadate, 3d\n", 4, "date"),
    ("erDiagram\n  A ||--o{ B : has\n  A ||--o{ C\n", 3, "unexpected"),
    ("stateDiagram-v2\n  [*] --> A\n  A --> --> B\n", 3, "unexpected"),
    ("gitGraph\n  commit\n  branch dev\n  merge nonexist\n", 4, "nonexist"),
    ("mindmap\n  root\n    a\n  b\n", 4, "root"),
    ("timeline\n  title t\n  : x\n", 3, "event"),
]


@pytest.mark.parametrize(("source", "line", "fragment"), BROKEN)
def test_broken_inputs_report_the_exact_line(source: str, line: int, fragment: str) -> None:
    result = validate(source)
    assert result["valid"] is False
    error = result["errors"][0]
    assert error["line"] == line, result
    assert fragment in error["message"]
    assert error["column"] >= 1


def test_column_points_at_the_quoted_token() -> None:
    result = validate("gitGraph\n  commit\n  merge nonexist\n")
    assert result["errors"][0]["column"] == 3


@pytest.mark.parametrize(("source", "message"), [
    ("", "empty"), ("   \n%% only a comment\n", "empty"),
    ("hello world\nA-->B", "unknown diagram type 'hello'"),
])
def test_empty_and_unknown_are_errors_not_crashes(source: str, message: str) -> None:
    result = validate(source)
    assert not result["valid"] and message in result["errors"][0]["message"]
    assert result["errors"][0]["line"] == 1 or "unknown" in message


def test_over_size_limit_is_an_error() -> None:
    source = "flowchart TD\n" + "  %% padding\n" * 10_000
    result = validate(source)
    assert not result["valid"] and "100 KB" in result["errors"][0]["message"]


def test_valid_result_has_type_and_stats() -> None:
    result = validate("flowchart LR\n  A --> B\n  B --> C\n  click A \"https://x\"\n")
    assert result["valid"] and result["diagram_type"] == "flowchart"
    assert result["stats"] == {"nodes": 3, "edges": 2}
    assert any("click" in w for w in result["warnings"])


def test_render_raises_invalid_diagram_carrying_validation() -> None:
    with pytest.raises(InvalidDiagram) as info:
        render("flowchart TD\n  A-->B\n  B-->>C\n", "svg")
    assert info.value.result["errors"][0]["line"] == 3
