"""Issue 10 §1, §2 and §7 over HTTP: render budgets answer 422 "render too complex" at once,
strict input (lone surrogates, control characters, blank titles, unknown fields), bodiless
204/304 responses, 405s that list every method, and the local runner's Ctrl-C and TRACE."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem

ROOT = Path(__file__).resolve().parents[2]
LONE = '"x\\udfff"'  # a JSON string holding a lone low surrogate


def _raw(api: httpx.Client, method: str, path: str, json_text: str, headers: dict[str, str] | None = None
         ) -> httpx.Response:
    return api.request(method, path, content=json_text.encode(),
                       headers={"content-type": "application/json", **(headers or {})})


def _count_diagrams(api: httpx.Client, headers: dict[str, str]) -> int:
    return len(api.get("/v1/diagrams", headers=headers).json()["items"])


def _chain(n: int) -> str:
    return "flowchart TD\n" + "\n".join(f"n{i}-->n{i + 1}" for i in range(n - 1))


# ------------------------------------------------------------------ §1 render budgets
def test_too_complex_render_is_422_naming_the_limit(api: httpx.Client) -> None:
    source = _chain(6_500)
    assert len(source.encode()) < 100 * 1024  # under the payload limit: complexity, not size
    body = assert_problem(api.post("/v1/render", json={"source": source}), 422)
    assert body["type"].endswith("/render-too-complex") and body["title"] == "Render Too Complex"
    assert (body["limit"], body["maximum"], body["actual"]) == ("nodes", 1_000, 6_500)
    assert "5,500 over" in body["detail"]
    body = assert_problem(api.post("/v1/validate", json={"source": source}), 422)
    assert body["limit"] == "nodes"


def test_slow_fallback_layout_is_refused_before_it_starts(api: httpx.Client) -> None:
    tree = "flowchart TD\n" + "\n".join(f"n{(i - 1) // 2}-->n{i}" for i in range(1, 600))
    body = assert_problem(api.post("/v1/render", json={"source": tree, "format": "png"}), 422)
    assert body["limit"] == "layout_seconds" and body["actual"] > body["maximum"]
    assert api.post("/v1/render", json={"source": _chain(50)}).status_code == 200  # still serving


# ------------------------------------------------------------------ §2 lone surrogates
@pytest.mark.parametrize(("field", "document"), [
    ("title", '{"title": %s, "type": "note"}'),
    ("content.note", '{"title": "t", "type": "note", "content": {"note": %s}}'),
    ("content.mermaid", '{"title": "t", "type": "mermaid", "content": {"mermaid": %s}}'),
    ("tags.1", '{"title": "t", "type": "note", "tags": ["ok", %s]}'),
])
def test_lone_surrogates_are_422_and_nothing_is_stored(api: httpx.Client, register: Any, field: str,
                                                       document: str) -> None:
    user = register()
    before = _count_diagrams(api, user["headers"])
    body = assert_problem(_raw(api, "POST", "/v1/diagrams", document % LONE, user["headers"]), 422)
    assert body["errors"][0]["field"] == field and "surrogate" in body["detail"]
    assert _count_diagrams(api, user["headers"]) == before


def test_lone_surrogates_in_render_and_validate_are_422(api: httpx.Client) -> None:
    assert_problem(_raw(api, "POST", "/v1/render", '{"source": ' + LONE + "}"), 422)
    assert_problem(_raw(api, "POST", "/v1/validate", '{"source": ' + LONE + "}"), 422)
    pair = _raw(api, "POST", "/v1/validate", '{"source": "flowchart LR\\n A[\\ud83d\\ude00] --> B"}')
    assert pair.status_code == 200  # a proper surrogate pair is just an emoji


# ------------------------------------------------------------------ §2 control characters, blanks
@pytest.mark.parametrize(("payload", "field", "words"), [
    ({"title": "a\u0000b", "type": "note"}, "title", "control characters"),
    ({"title": "line\nbreak", "type": "note"}, "title", "control characters"),
    ({"title": " \t ", "type": "note"}, "title", "control characters"),
    ({"title": "   ", "type": "note"}, "title", "whitespace"),
    ({"title": "\u3000", "type": "note"}, "title", "whitespace"),
    ({"title": "ok", "type": "note", "tags": ["fine", "bad\u0007"]}, "tags.1", "control characters"),
    ({"title": "ok", "type": "note", "tags": ["  "]}, "tags.0", "whitespace"),
])
def test_titles_and_tags_refuse_control_characters_and_blanks(api: httpx.Client, register: Any,
                                                              payload: dict, field: str, words: str) -> None:
    user = register()
    body = assert_problem(api.post("/v1/diagrams", json=payload, headers=user["headers"]), 422)
    assert body["errors"][0]["field"] == field and words in body["detail"]
    assert _count_diagrams(api, user["headers"]) == 0


def test_names_refuse_control_characters(api: httpx.Client, register: Any) -> None:
    user = register()
    assert_problem(api.post("/v1/folders", json={"name": "x\u0000"}, headers=user["headers"]), 422)
    assert api.get("/v1/folders", headers=user["headers"]).json()["items"] == []
    assert_problem(api.post("/v1/auth/api-keys", json={"name": "\u001b[31m", "scopes": ["ai"]},
                            headers=user["headers"]), 422)
    created = api.post("/v1/diagrams", json={"title": "Fine", "type": "note"}, headers=user["headers"])
    assert created.status_code == 201
    patched = api.patch(f"/v1/diagrams/{created.json()['id']}", json={"title": "\u0000"},
                        headers={**user["headers"], "If-Match": created.headers["ETag"]})
    assert_problem(patched, 422)
    assert api.get(f"/v1/diagrams/{created.json()['id']}", headers=user["headers"]).json()["title"] == "Fine"


# ------------------------------------------------------------------ §2 unknown fields
def test_unknown_fields_are_reported_as_unknown(api: httpx.Client, register: Any) -> None:
    body = assert_problem(api.post("/v1/render", json={"source": "flowchart LR\n A-->B", "diagram_id": "d1"}), 422)
    assert body["errors"][0]["field"] == "diagram_id" and "unknown field 'diagram_id'" in body["detail"]
    assert_problem(api.post("/v1/validate", json={"source": "graph TD\n A-->B", "theme": "dark"}), 422)
    assert_problem(api.post("/v1/auth/login", json={"email": "a@example.com", "password": "x", "otp": 1}), 422)
    user = register()
    body = assert_problem(api.post("/v1/diagrams", json={"title": "t", "type": "note", "colour": "red"},
                                   headers=user["headers"]), 422)
    assert "unknown field 'colour'" in body["detail"]
    assert _count_diagrams(api, user["headers"]) == 0


# ------------------------------------------------------------------ §2 204/304 and 405
def test_204_and_304_carry_no_content_type(api: httpx.Client, register: Any) -> None:
    user = register()
    created = api.post("/v1/diagrams", json={"title": "t", "type": "note"}, headers=user["headers"]).json()
    starred = api.put(f"/v1/diagrams/{created['id']}/star", headers=user["headers"])
    assert starred.status_code == 204 and "content-type" not in starred.headers
    assert starred.headers["x-request-id"]
    payload = {"source": "flowchart LR\n  N1 --> N2"}
    etag = api.post("/v1/render", json=payload).headers["ETag"]
    again = api.post("/v1/render", json=payload, headers={"If-None-Match": etag})
    assert again.status_code == 304 and "content-type" not in again.headers
    assert again.headers["ETag"] == etag


def test_405_allow_lists_every_method_of_the_path(api: httpx.Client, register: Any) -> None:
    user = register()
    resp = api.put("/v1/diagrams/some-id", headers=user["headers"])
    assert_problem(resp, 405)
    assert resp.headers["Allow"] == "DELETE, GET, HEAD, PATCH"
    resp = api.put("/v1/diagrams/some-id/versions/3", headers=user["headers"])
    assert_problem(resp, 405)
    assert resp.headers["Allow"] == "GET, HEAD, PATCH"


# ------------------------------------------------------------------ §7 the local runner
def test_methods_api_gateway_does_not_route_get_problem_json(api: httpx.Client) -> None:
    resp = api.request("TRACE", "/v1/diagrams/some-id")
    assert_problem(resp, 405)
    assert "GET" in resp.headers["Allow"]
    assert_problem(api.request("TRACE", "/v1/no/such/thing"), 404)


def test_ctrl_c_stops_the_runner_mid_render_and_leaves_no_worker(tmp_path: Path) -> None:
    from infra.local.stack import free_port

    port = free_port()
    env = {**os.environ, "PORT": str(port), "BCRYPT_ROUNDS": "4"}
    env.pop("AUTOGRAPH_LOCAL_STATE", None)
    proc = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("AutoGraph API on "):
            break
    url = f"http://127.0.0.1:{port}"
    # A slow render (the fallback engine, several seconds) is in flight when Ctrl-C arrives.
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.post("/v1/render", json={"source": "flowchart LR\n A-->B"}).status_code == 200
        workers = _render_workers(proc.pid)
        assert workers, "renders run in worker processes"
        with contextlib.suppress(httpx.TimeoutException):
            client.post("/v1/render", json={"source": _chain(700)}, timeout=0.5)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=10)  # a hang guard only: it returns in about a second
    assert proc.returncode == 0 and "stopping" in out
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _render_workers(parent: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(parent), "-f", "autograph.render.isolation"],
                           capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]
