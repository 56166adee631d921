"""Pure parts of the exports pipeline: Kroki decoding, file names, S3 record parsing, formats."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from autograph.exports import batch_jobs, dispatch, formats, inbox, kroki, objects, worker

FLOW = "flowchart LR\n  a[Start] --> b[End]\n"


def test_kroki_decodes_what_its_clients_encode() -> None:
    encoded = base64.urlsafe_b64encode(zlib.compress(FLOW.encode(), 9)).decode()
    assert kroki.decode(encoded) == FLOW
    assert kroki.decode(encoded.rstrip("=")) == FLOW  # padding optional
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = raw_deflate.compress(FLOW.encode()) + raw_deflate.flush()
    assert kroki.decode(base64.urlsafe_b64encode(data).decode()) == FLOW
    assert kroki.decode(kroki.encode("é ünïcode")) == "é ünïcode"


@pytest.mark.parametrize("bad", ["%%%", base64.urlsafe_b64encode(b"not deflated").decode(),
                                 kroki.encode("x" * (kroki.MAX_SOURCE_BYTES + 1))])
def test_kroki_rejects_bad_encodings(bad: str) -> None:
    with pytest.raises(kroki.KrokiError):
        kroki.decode(bad)


def test_kroki_types_formats_and_options() -> None:
    assert kroki.check_type("Mermaid") == "mermaid"
    with pytest.raises(kroki.KrokiError, match="supports: mermaid"):
        kroki.check_type("plantuml")
    with pytest.raises(kroki.KrokiError, match="svg, png, pdf"):
        kroki.check_format("jpeg")
    assert kroki.format_from_accept("text/html, image/png;q=0.9") == "png"
    assert kroki.options({"scale": "2", "theme": "dark", "unknown": "x"}) == {"scale": 2, "theme": "dark"}
    with pytest.raises(kroki.KrokiError):
        kroki.options({"scale": "big"})


@pytest.mark.parametrize(("title", "stem"), [
    ("Plain title", "Plain title"), ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j"), ("CON", "diagram-CON"),
    ("  ..dots..  ", "dots"), ("", "diagram"), ("\x00\x1f", "diagram"), ("x" * 300, "x" * 100),
    ("Émoji 🚀 ok", "Émoji 🚀 ok"),
])
def test_safe_file_stems(title: str, stem: str) -> None:
    assert formats.safe_stem(title) == stem


def test_content_disposition_has_ascii_fallback_and_utf8_name() -> None:
    value = objects.content_disposition("Résumé \"q\".png")
    assert value.startswith('attachment; filename="R_sum_ _q_.png"')
    assert "filename*=UTF-8''R%C3%A9sum%C3%A9%20%22q%22.png" in value


def test_s3_records_are_parsed_defensively() -> None:
    moto_like = {"Records": [
        {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "up"},
                                                  "object": {"key": "inbox%2Fteam%2Fmy+file.mmd", "eTag": "abc"}}},
        {"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "up"}, "object": {"key": "inbox/x.mmd"}}},
        {"eventName": "ObjectCreated:Put"},  # no s3 section at all
        "garbage",
    ]}
    assert inbox.records(moto_like) == [inbox.S3Object("up", "inbox/team/my file.mmd", "abc")]
    assert inbox.handle_s3_event({"Event": "s3:TestEvent", "Service": "Amazon S3"}, receive_count=1) == "ignored"


def test_markdown_fence_cannot_be_closed_by_the_source() -> None:
    fenced = formats._fence("flowchart LR\n  a[```] --> b\n")
    assert fenced.startswith("````mermaid\n") and fenced.endswith("\n````")


def test_note_html_escapes_html_and_links_nothing_external() -> None:
    html = formats.note_html("**b** <script>x</script> [site](https://example.com) [top](#top) ![i](http://x/i.png)")
    assert "<strong>b</strong>" in html and "<script>" not in html and "&lt;script&gt;" in html
    assert "href=\"https" not in html and "(https://example.com)" in html and 'href="#top"' in html
    assert "<img" not in html


def test_picture_input_picks_the_diagram_part() -> None:
    canvas = {"shapes": [{"id": "a", "type": "rectangle"}]}
    assert formats.picture_input("mixed", {"mermaid": FLOW, "canvas": canvas}) == FLOW
    assert formats.picture_input("mixed", {"mermaid": " ", "canvas": canvas}) == canvas
    assert formats.picture_input("canvas", {"canvas": {"shapes": []}}) == {"shapes": []}
    with pytest.raises(formats.NoPicture):
        formats.picture_input("note", {"note": "x"})


def test_json_document_shape() -> None:
    doc = json.loads(formats.to_json({"type": "mermaid", "title": "T", "content": {"mermaid": FLOW},
                                      "tags": ["a"], "version": 3}))
    assert doc["schema"] == formats.SCHEMA and doc["version"] == 3 and doc["tags"] == ["a"]
    assert doc["exported_at"].endswith("Z")


def test_user_errors_are_sorted_from_infrastructure_errors() -> None:
    from autograph import render as engine
    from autograph.errors import NotFound

    invalid = engine.InvalidDiagram({"errors": [{"line": 4, "column": 2, "message": "bad arrow"}]})
    assert worker.user_error(invalid) == {"type": "validation", "detail": "The diagram is not valid: line 4: "
                                          "bad arrow", "line": 4, "column": 2}
    assert worker.user_error(engine.RenderLimitExceeded("too big"))["type"] == "limit"
    assert worker.user_error(NotFound("x"))["type"] == "not_found"
    assert worker.user_error(ConnectionError("S3 down")) is None


def test_poison_messages_are_recognised() -> None:
    for body in ("not json", "[1, 2]", json.dumps({"v": 1, "kind": "export"})):
        with pytest.raises(dispatch.Poison):
            dispatch.handle(body, receive_count=1, remaining_ms=1000)


def test_batch_file_names_are_deduplicated_case_insensitively() -> None:

    taken: set[str] = set()
    names = [batch_jobs._unique(n, taken) for n in ("A.svg", "a.svg", "A.svg", "manifest.json", "B.svg")]
    assert names == ["A.svg", "a (2).svg", "A (3).svg", "manifest (2).json", "B.svg"]


def test_inbox_markdown_build_links_each_fence(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[tuple[str, str]] = []

    def fake_render(source: str, fmt: str, options: dict) -> tuple[bytes, str]:
        rendered.append((source, fmt))
        return f"<{fmt}>".encode(), "key"

    monkeypatch.setattr(worker, "render_cached", fake_render)
    text = "# T\n\n```mermaid\nflowchart LR\n  a --> b\n```\n\nmid\n\n~~~mermaid\npie\n  \"x\": 1\n~~~\n"
    outputs = inbox.build("md", text, "doc", ["svg", "png"], {})
    assert [o.name for o in outputs] == ["doc-1.svg", "doc-1.png", "doc-2.svg", "doc-2.png", "doc.md"]
    md = outputs[-1].data.decode()
    assert "![Diagram 1](doc-1.svg)" in md and "![Diagram 2](doc-2.svg)" in md and "mid" in md
    assert rendered[0] == ("flowchart LR\n  a --> b\n", "svg")


def test_inbox_rejects_unknown_formats_and_bad_json() -> None:
    with pytest.raises(worker.UserError, match="gif"):
        inbox._parse_formats("svg,gif")
    assert inbox._parse_formats(None) == ["svg", "png"]
    with pytest.raises(worker.UserError) as info:
        inbox.build("json", "{\n  bad", "x", ["svg"], {})
    assert info.value.error["line"] == 2
