"""Text fit: every label, measured with the fonts we draw with, stays inside its node,
edge-label plate or container, and inside the picture; the check itself catches overflows."""

from __future__ import annotations

from collections import Counter
from itertools import combinations, pairwise

import pytest
from autograph.render import render, validate
from autograph.render.fit import fit_labels
from autograph.render.sanitize import parse_xml
from autograph.render.textfit import labels, overflows
from render_helpers import MERMAID_LABELS, docs_fixtures, docs_source, mermaid_source


def _all_fixtures() -> list[tuple[str, str]]:
    return ([(f"mermaid/{n}", mermaid_source(n)) for n in MERMAID_LABELS]
            + [(f"docs/{n}", docs_source(n)) for n in docs_fixtures()])


def test_no_label_overflows_in_any_fixture_report_per_family() -> None:
    per_family: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    unexpected: list[str] = []
    for name, source in _all_fixtures():
        family = validate(source)["diagram_type"]
        root = parse_xml(render(source, "svg").decode())
        checked[family] += len(labels(root))
        for problem in overflows(root):
            per_family[family] += 1
            unexpected.append(f"{name}: {problem.text!r} sticks out of {problem.container} "
                              f"by {problem.by_px} px")
    report = "\n".join(f"{fam:<12} labels={checked[fam]:>4} overflows={per_family[fam]}"
                       for fam in sorted(checked))
    print("\ntext-fit report\n" + report)
    assert not unexpected, report + "\n" + "\n".join(unexpected)
    assert sum(checked.values()) > 300  # the check really looked at the labels


def _svg(body: str, view: str = "0 0 300 100") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view}" width="300" height="100">'
            f"{body}</svg>")


def test_the_check_finds_a_label_wider_than_its_node_and_one_outside_the_picture() -> None:
    node = _svg('<g transform="translate(100,50)"><rect x="-30" y="-20" width="60" height="40"/>'
                '<text x="0" y="0" style="text-anchor:middle;font-size:16px">A much longer label</text></g>')
    found = overflows(parse_xml(node))
    assert [p.text for p in found] == ["A much longer label"] and found[0].container.startswith("rect")
    cut = _svg('<text x="250" y="50" style="font-size:16px">runs past the edge</text>')
    assert [p.container for p in overflows(parse_xml(cut))] == ["canvas"]
    fits = _svg('<rect x="0" y="0" width="200" height="40"/><text x="10" y="25">short</text>')
    assert overflows(parse_xml(fits)) == []


def test_fitting_widens_a_plate_and_shrinks_text_in_a_node() -> None:
    plate = parse_xml(_svg('<rect x="75" y="40" width="50" height="20"/>'
                           '<text x="100" y="50" dominant-baseline="central" '
                           'style="text-anchor:middle;font-size:16px">edge label</text>'))
    fit_labels(plate)
    rect = next(el for el in plate.iter() if el.tag.endswith("rect"))
    assert float(rect.get("width")) > 75 and overflows(plate) == []
    node = parse_xml(_svg('<rect x="50" y="10" width="100" height="80"/>'
                          '<text x="100" y="50" dominant-baseline="central" '
                          'style="text-anchor:middle;font-size:16px">slightly too long</text>'))
    fit_labels(node)
    text = next(el for el in node.iter() if el.tag.endswith("text"))
    assert "font-size:" in text.get("style") and "16px" not in text.get("style").split(";")[-1]
    assert overflows(node) == []


def test_edge_label_plates_hold_their_text_in_real_diagrams() -> None:
    # merman measured "contains"/"owns" narrower than Liberation Sans draws them.
    root = parse_xml(render(mermaid_source("class"), "svg").decode())
    assert overflows(root) == []
    assert {lab.text for lab in labels(root)} >= {"contains", "owns"}


@pytest.mark.parametrize("name", ["class-namespace", "class-generics"])
def test_class_members_are_left_aligned(name: str) -> None:
    root = parse_xml(render(docs_source(name), "svg").decode())
    members = [lab for lab in labels(root) if lab.text.startswith(("+", "-"))]
    assert len(members) >= 4
    assert all(lab.anchor == "start" for lab in members)
    # Lines of one block start at the same x (Mermaid's look), whatever their length.
    by_start = Counter(round(lab.box[0]) for lab in members)
    assert max(by_start.values()) >= 2


def test_static_members_are_underlined_in_every_format() -> None:
    from autograph.render.align import static_members
    from render_helpers import SVG, svg_root

    assert static_members("classDiagram\n  Foo : +make(int n)$ Foo\n  Foo : +int count$\n  Foo : +plain()") \
        == {"+make(int n) : Foo", "+int count"}
    root = svg_root(render(docs_source("class-generics"), "svg"))
    lines = [el for el in root.iter(f"{SVG}line") if el.get("class") == "autograph-underline"]
    area = next(lab for lab in labels(root) if lab.text == "+area() : double")
    assert len(lines) == 1  # only the static member
    x1, x2, y = float(lines[0].get("x1")), float(lines[0].get("x2")), float(lines[0].get("y1"))
    assert abs(x1 - area.box[0]) < 1 and abs(x2 - area.box[2]) < 1 and area.box[1] < y <= area.box[3] + 2


def test_gantt_axis_labels_do_not_overprint_each_other() -> None:
    root = parse_xml(render(mermaid_source("gantt"), "svg").decode())
    dates = sorted((lab for lab in labels(root) if lab.text.startswith("2026-")), key=lambda lab: lab.box[0])
    assert len(dates) >= 3
    assert all(a.box[2] <= b.box[0] for a, b in pairwise(dates))


def test_class_note_lines_stay_inside_their_note() -> None:
    from autograph.render.textfit import boxes, holders

    root = parse_xml(render(docs_source("class-namespace"), "svg").decode())
    shapes = boxes(root)
    lines = [lab for lab in labels(root) if lab.text.startswith("can ")]
    assert [lab.text for lab in lines] == ["can fly", "can swim", "can dive", "can help in debugging"]
    for lab in lines:  # every line sits in the note box, vertically too
        owner = holders(lab, shapes)
        assert owner and owner[0].box[1] <= lab.box[1] and lab.box[3] <= owner[0].box[3] + 2, lab.text


def test_labels_of_a_narrow_concurrent_region_slide_inside_it_on_their_edges() -> None:
    # merman centres them on edges 24 px from the region's border: wider than the region
    # allows. They slide inwards (still on their edge), stagger along it, keep their size.
    from autograph.render.plates import crosses, edge_lines, find_plates

    root = parse_xml(render(docs_source("state-concurrent"), "svg").decode())
    found = [lab for lab in labels(root) if lab.text in ("EvNumLockPressed", "EvCapsLockPressed")]
    assert len(found) == 4 and all(lab.size == 16 for lab in found)
    assert overflows(root) == []
    lines = edge_lines(root)
    plates = [p for p in find_plates(root) if any(lab.element in p.texts for lab in found)]
    assert len(plates) == 4
    for plate in plates:
        x0, y0, x1, y1 = plate.box
        cx0, cy0, cx1, cy1 = plate.container
        assert cx0 <= x0 and x1 <= cx1 and cy0 <= y0 and y1 <= cy1  # inside its region
        assert any(crosses(plate.box, a, b) for line in lines for a, b in pairwise(line))  # on an edge


def _intersect(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize("name", sorted(dict(_all_fixtures())))
def test_edge_label_plates_never_overlap_each_other(name: str) -> None:
    from autograph.render.plates import plate_boxes

    root = parse_xml(render(dict(_all_fixtures())[name], "svg").decode())
    plates = plate_boxes(root)
    hits = [(a, b) for a, b in combinations(plates, 2) if _intersect(a, b)]
    assert not hits, hits


def test_parallel_edge_labels_are_parted_and_stay_on_their_edges() -> None:
    # "submit" and "reject" label two parallel edges 47 px apart: merman's plates touched
    # (read as one label "submit reject").
    from autograph.render.plates import crosses, edge_lines, find_plates

    root = parse_xml(render(mermaid_source("state"), "svg").decode())
    plates = {lab.text: p for p in find_plates(root) for lab in labels(root)
              if lab.element in p.texts}
    submit, reject = plates["submit"], plates["reject"]
    assert reject.box[0] - submit.box[2] >= 3.9  # a visible gap between the plates
    lines = edge_lines(root)
    on = [[i for i, line in enumerate(lines) if any(crosses(p.box, a, b) for a, b in pairwise(line))]
          for p in (submit, reject)]
    assert on[0] and on[1] and set(on[0]) != set(on[1])  # each still on an edge, not the same one


def test_a_styled_composite_state_title_is_drawn_on_its_own_fill() -> None:
    # classDef bad fill:#f00,color:white on composite "Crash": white title on the pale
    # title bar was unreadable; the bar takes the class's fill.
    from render_helpers import SVG, png_image, svg_root

    root = svg_root(render(docs_source("state-composite"), "svg"))
    frame = next(g for g in root.iter(f"{SVG}g") if "statediagram-cluster" in (g.get("class") or ""))
    outer = next(r for r in frame.iter(f"{SVG}rect") if r.get("class") == "outer")
    assert "fill:rgb(255, 0, 0)" in outer.get("style", "").replace(" ;", ";")
    title = next(lab for lab in labels(root) if lab.text == "Crash")
    _x0, y0, x1, y1 = title.box
    image = png_image(render(docs_source("state-composite"), "png"))
    view = [float(v) for v in root.get("viewBox").split()]
    # the bar right of the title (same band) is red in the PNG, the title white
    px = image.getpixel((round(x1 + 8 - view[0]), round((y0 + y1) / 2 - view[1])))
    assert px[0] > 200 and px[1] < 60 and px[2] < 60, px


def test_markdown_markers_need_words_inside_them() -> None:
    from autograph.render.markdown import plain_runs

    assert plain_runs("[*] --> Active\nActive --> [*]")[1] == []
    assert plain_runs("snake_case_name 2 * 3 * 4")[1] == []
    assert plain_runs("**Bold** and *italic*") == ("Bold and italic", [(0, 4, True, False), (9, 15, False, True)])
