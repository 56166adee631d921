"""Export jobs through the local stack: request -> ?wait -> download the presigned URL over HTTP
-> check the bytes, for every format; access rules; idempotency; the worker's failure paths."""

from __future__ import annotations

import io
import json
import re
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.helpers import assert_problem

FLOW = "flowchart LR\n  a[Start] --> b[Middle]\n  b --> c[End]\n"
CANVAS = {"shapes": [{"id": "r1", "type": "rectangle", "x": 0, "y": 0, "w": 120, "h": 60, "text": "Box"},
                     {"id": "e1", "type": "ellipse", "x": 200, "y": 0, "w": 80, "h": 60, "text": "Oval"}]}


def make(api: httpx.Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    payload = {"title": "Export me", "type": "mermaid", "content": {"mermaid": FLOW}}
    payload.update(body)
    resp = api.post("/v1/diagrams", json=payload, headers=headers)
    assert resp.status_code == 201, resp.text
    return resp.json()


def export(api: httpx.Client, headers: dict[str, str], diagram_id: str, **body: Any) -> httpx.Response:
    return api.post(f"/v1/diagrams/{diagram_id}/exports", json=body, headers=headers)


def finished(api: httpx.Client, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    resp = api.get(f"/v1/exports/{job_id}", params={"wait": 20}, headers=headers)
    assert resp.status_code == 200, resp.text
    job = resp.json()
    assert job["status"] in ("succeeded", "failed"), job
    return job


def download(job: dict[str, Any]) -> httpx.Response:
    assert job["status"] == "succeeded", job
    resp = httpx.get(job["url"], timeout=10)
    assert resp.status_code == 200, resp.text
    return resp


def exports_keys(prefix: str) -> list[str]:
    from autograph.aws import client
    from autograph.config import get_settings

    page = client("s3").list_objects_v2(Bucket=get_settings().exports_bucket, Prefix=prefix)
    return [o["Key"] for o in page.get("Contents") or []]


def dlq_has(text: str) -> bool:
    """Whether a message containing `text` is in the render DLQ (long-polls a few rounds)."""
    from autograph.aws import client
    from autograph.config import get_settings

    sqs, url = client("sqs"), get_settings().render_dlq_url
    for _ in range(10):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=0)
        if any(text in m["Body"] for m in got.get("Messages") or []):
            return True
    return False


@pytest.fixture
def owner(register: Any) -> dict[str, Any]:
    return register()


def test_png_export_round_trip_with_scale_and_background(api: httpx.Client, owner: dict[str, Any]) -> None:
    from PIL import Image

    d = make(api, owner["headers"])
    sizes = {}
    for scale in (1, 2, 4):
        resp = export(api, owner["headers"], d["id"], format="png", scale=scale, background="#ff0000")
        assert resp.status_code == 202, resp.text
        assert resp.headers["location"] == f"/v1/exports/{resp.json()['id']}"
        assert resp.json()["status"] in ("queued", "running", "succeeded")
        job = finished(api, owner["headers"], resp.json()["id"])
        body = download(job)
        assert body.headers["content-type"] == "image/png"
        assert 'attachment; filename="Export me.png"' in body.headers["content-disposition"]
        image = Image.open(io.BytesIO(body.content)).convert("RGB")
        sizes[scale] = image.size
        assert image.getpixel((1, 1)) == (255, 0, 0)  # the background option reached the render
        assert job["size_bytes"] == len(body.content) and len(job["sha256"]) == 64
        assert job["timings"]["render_ms"] >= 0 and job["timings"]["queue_ms"] >= 0
        assert job["finished_at"] >= job["started_at"] >= job["created_at"]
    assert sizes[2][0] == pytest.approx(2 * sizes[1][0], abs=2)
    assert sizes[4][0] == pytest.approx(4 * sizes[1][0], abs=4)


def test_svg_pdf_json_md_html_exports(api: httpx.Client, owner: dict[str, Any]) -> None:
    d = make(api, owner["headers"], type="mixed", title="Mixed <b>one</b>",
             content={"mermaid": FLOW, "note": "Some **bold** note.\n\n<script>alert(1)</script>\n\n"
                      "![x](https://evil.example/x.png)"})
    jobs = {fmt: export(api, owner["headers"], d["id"], format=fmt, **({"page": "a4"} if fmt == "pdf" else {}))
            .json()["id"] for fmt in ("svg", "pdf", "json", "md", "html")}
    svg = download(finished(api, owner["headers"], jobs["svg"])).text
    assert svg.lstrip().startswith(("<svg", "<?xml")) and "<script" not in svg and "Middle" in svg
    pdf = download(finished(api, owner["headers"], jobs["pdf"])).content
    from pypdf import PdfReader

    pdf_page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "Middle" in pdf_page.extract_text()
    assert sorted(round(float(v)) for v in pdf_page.mediabox[2:]) == [595, 842]  # the a4 option reached it
    md = download(finished(api, owner["headers"], jobs["md"])).text
    assert md.startswith("# Mixed <b>one</b>\n") and "```mermaid\n" + FLOW.rstrip() + "\n```" in md
    assert "Some **bold** note." in md
    page = download(finished(api, owner["headers"], jobs["html"])).text
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<strong>bold</strong>" in page
    assert "<script" not in page and "&lt;script&gt;" in page  # the note's raw HTML is escaped
    # No external reference: no src/href to http(s), no @import, no url() to anything but data:.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "(https://evil.example/x.png)" in page  # shown, not linked
    assert "Mixed &lt;b&gt;one&lt;/b&gt;" in page
    doc = download(finished(api, owner["headers"], jobs["json"])).json()
    assert doc["schema"] == "autograph.diagram/1" and doc["title"] == "Mixed <b>one</b>"
    assert doc["content"]["mermaid"] == FLOW and doc["type"] == "mixed" and doc["version"] == 1


def test_canvas_exports_render_its_shapes(api: httpx.Client, owner: dict[str, Any]) -> None:
    d = make(api, owner["headers"], type="canvas", content={"canvas": CANVAS})
    svg = download(finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="svg").json()["id"]))
    assert "Box" in svg.text and "Oval" in svg.text
    md = download(finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="md").json()["id"]))
    assert "](data:image/svg+xml;base64," in md.text


def test_exporting_an_older_version(api: httpx.Client, owner: dict[str, Any]) -> None:
    d = make(api, owner["headers"])
    resp = api.patch(f"/v1/diagrams/{d['id']}", json={"content": {"mermaid": "flowchart LR\n  x[Newer] --> y\n"}},
                     headers={**owner["headers"], "If-Match": '"1"'})
    assert resp.status_code == 200, resp.text
    job = finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="json", version=1).json()["id"])
    assert download(job).json()["content"]["mermaid"] == FLOW and job["version"] == 1
    assert_problem(export(api, owner["headers"], d["id"], format="json", version=3), 422)


def test_bad_options_are_422_and_nothing_is_queued(api: httpx.Client, owner: dict[str, Any]) -> None:
    d = make(api, owner["headers"])
    note = make(api, owner["headers"], type="note", content={"note": "just text"})
    for diagram_id, body in ((d["id"], {"format": "gif"}), (d["id"], {"format": "png", "scale": 3}),
                             (d["id"], {"format": "png", "background": "red"}),
                             (d["id"], {"format": "png", "colour": "x"}), (note["id"], {"format": "png"})):
        assert_problem(export(api, owner["headers"], diagram_id, **body), 422)
    for diagram_id in (d["id"], note["id"]):
        assert api.get(f"/v1/diagrams/{diagram_id}/exports", headers=owner["headers"]).json()["items"] == []
    assert api.get("/v1/exports", headers=owner["headers"]).json()["items"] == []


def test_other_users_get_404_and_a_viewer_can_export(api: httpx.Client, register: Any, owner: dict[str, Any]) -> None:
    stranger, viewer = register(), register()
    d = make(api, owner["headers"])
    assert_problem(export(api, stranger["headers"], d["id"], format="svg"), 404)
    assert_problem(api.get(f"/v1/diagrams/{d['id']}/exports", headers=stranger["headers"]), 404)
    job = export(api, owner["headers"], d["id"], format="svg").json()
    assert_problem(api.get(f"/v1/exports/{job['id']}", headers=stranger["headers"]), 404)
    assert_problem(api.delete(f"/v1/exports/{job['id']}", headers=stranger["headers"]), 404)
    resp = api.post(f"/v1/diagrams/{d['id']}/collaborators", json={"email": viewer["email"], "role": "viewer"},
                    headers=owner["headers"])
    assert resp.status_code in (200, 201), resp.text
    mine = finished(api, viewer["headers"], export(api, viewer["headers"], d["id"], format="svg").json()["id"])
    assert "Middle" in download(mine).text
    # Each user lists only their own jobs of the diagram.
    listed = api.get(f"/v1/diagrams/{d['id']}/exports", headers=viewer["headers"]).json()["items"]
    assert [j["id"] for j in listed] == [mine["id"]]


def test_idempotency_key_returns_the_first_job(api: httpx.Client, owner: dict[str, Any]) -> None:
    d = make(api, owner["headers"])
    headers = {**owner["headers"], "Idempotency-Key": "export-once-1"}
    first = export(api, headers, d["id"], format="svg")
    second = export(api, headers, d["id"], format="svg")
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert len(api.get(f"/v1/diagrams/{d['id']}/exports", headers=owner["headers"]).json()["items"]) == 1
    assert_problem(export(api, headers, d["id"], format="png"), 422)  # same key, other body


def test_list_filters_paginates_and_delete_removes_the_file(api: httpx.Client, owner: dict[str, Any]) -> None:
    d = make(api, owner["headers"])
    ids = [export(api, owner["headers"], d["id"], format="json").json()["id"] for _ in range(3)]
    for job_id in ids:
        finished(api, owner["headers"], job_id)
    page = api.get("/v1/exports", params={"limit": 2}, headers=owner["headers"]).json()
    assert [j["id"] for j in page["items"]] == ids[::-1][:2] and page["next_cursor"]
    rest = api.get("/v1/exports", params={"limit": 2, "cursor": page["next_cursor"]}, headers=owner["headers"]).json()
    assert [j["id"] for j in rest["items"]] == [ids[0]]
    done = api.get("/v1/exports", params={"status": "succeeded"}, headers=owner["headers"]).json()["items"]
    assert {j["id"] for j in done} == set(ids)
    assert api.get("/v1/exports", params={"status": "failed"}, headers=owner["headers"]).json()["items"] == []
    url = finished(api, owner["headers"], ids[0])["url"]
    assert exports_keys(f"jobs/{ids[0]}/")
    assert api.delete(f"/v1/exports/{ids[0]}", headers=owner["headers"]).status_code == 204
    assert exports_keys(f"jobs/{ids[0]}/") == []
    # The file is gone (S3 answers 403, not 404, for a missing key to a caller without ListBucket).
    assert httpx.get(url, timeout=10).status_code in (403, 404)
    assert_problem(api.get(f"/v1/exports/{ids[0]}", headers=owner["headers"]), 404)


def test_invalid_source_fails_the_job_with_the_line(api: httpx.Client, owner: dict[str, Any]) -> None:
    d = make(api, owner["headers"], content={"mermaid": "flowchart LR\n  a --> b\n  c -->\n"})
    job = finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="png").json()["id"])
    assert job["status"] == "failed" and job.get("error", {}).get("type") == "validation", job
    assert job["error"]["line"] == 3 and "url" not in job
    assert exports_keys(f"jobs/{job['id']}/") == []
    from autograph.store import jobs as store

    assert store.get(job["id"])["attempt"] == 1  # received once: a user error is never retried


def test_redelivered_message_creates_no_second_object(api: httpx.Client, owner: dict[str, Any]) -> None:
    from autograph.aws import client
    from autograph.config import get_settings

    d = make(api, owner["headers"])
    job = finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="png").json()["id"])
    before = exports_keys("")
    sqs = client("sqs")
    sqs.send_message(QueueUrl=get_settings().render_queue_url,
                     MessageBody=json.dumps({"v": 1, "kind": "export", "job_id": job["id"]}))
    # A sentinel job queued after the redelivery: once it finished, the redelivery was handled.
    sentinel = finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="json").json()["id"])
    after = exports_keys("")
    assert set(after) - set(before) == {f"jobs/{sentinel['id']}/Export me.json"}
    again = api.get(f"/v1/exports/{job['id']}", headers=owner["headers"]).json()
    assert again["finished_at"] == job["finished_at"] and again["sha256"] == job["sha256"]


def test_infrastructure_failure_reaches_the_dlq_and_fails_the_job(api: httpx.Client, owner: dict[str, Any]) -> None:
    """Content over the inline threshold lives in S3; with that object gone every attempt fails
    (an infrastructure error). After maxReceiveCount the job is failed and the message is in the DLQ."""
    from autograph.aws import client
    from autograph.config import get_settings

    big = FLOW + "".join(f"  %% padding line {i} {'x' * 80}\n" for i in range(800))
    d = make(api, owner["headers"], content={"mermaid": big})
    s3 = client("s3")
    bucket = get_settings().diagrams_bucket
    for obj in s3.list_objects_v2(Bucket=bucket, Prefix=f"diagrams/{d['id']}/").get("Contents") or []:
        s3.delete_object(Bucket=bucket, Key=obj["Key"])
    job = finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="svg").json()["id"])
    assert job["status"] == "failed" and job["error"]["type"] == "infrastructure"
    assert "Gave up after 5 attempts" in job["error"]["detail"]
    assert dlq_has(job["id"])  # SQS redrove it after the 5th receive


def test_poison_message_goes_to_the_dlq_without_failing_the_batch(api: httpx.Client, owner: dict[str, Any]) -> None:
    from autograph.aws import client
    from autograph.config import get_settings

    sqs = client("sqs")
    settings = get_settings()
    sqs.send_message(QueueUrl=settings.render_queue_url, MessageBody="this is not json")
    d = make(api, owner["headers"])
    job = finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="svg").json()["id"])
    assert job["status"] == "succeeded"
    assert dlq_has("this is not json")


def test_two_workers_racing_on_one_job_produce_one_file(api: httpx.Client, owner: dict[str, Any]) -> None:
    """Two deliveries of one message handled at once (as two Lambda instances would): one claims
    and renders, the other writes nothing; one object results."""
    import threading

    from autograph.clock import iso, now
    from autograph.exports import worker
    from autograph.store import jobs as store

    d = make(api, owner["headers"], title="Race")
    moment = now()
    job = store.put_new(store.NewJob(job_id=f"race{uuid4().hex[:12]}", owner_id=owner["user"]["id"], kind="export",
                                     format="png", options={"scale": 2}, created_at=iso(moment),
                                     created_ms=int(moment * 1000), diagram_id=d["id"], version=1, title="Race"))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def deliver() -> None:
        barrier.wait()
        try:
            outcomes.append(worker.run_export(job["id"], remaining_ms=60_000, receive_count=1))
        except worker.JobBusy:
            outcomes.append("busy")  # SQS would bring this copy back later; it would find the job done

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) in (["done", "duplicate"], ["busy", "done"]), outcomes
    assert exports_keys(f"jobs/{job['id']}/") == [f"jobs/{job['id']}/Race.png"]
    assert worker.run_export(job["id"], remaining_ms=60_000, receive_count=2) == "duplicate"
    assert finished(api, owner["headers"], job["id"])["status"] == "succeeded"


def test_batch_zip_with_a_bad_and_a_foreign_diagram(api: httpx.Client, register: Any, owner: dict[str, Any]) -> None:
    import zipfile

    stranger = register()
    good = [make(api, owner["headers"], title="Same name") for _ in range(2)]
    canvas = make(api, owner["headers"], type="canvas", title="a/b:c", content={"canvas": CANVAS})
    bad = make(api, owner["headers"], title="Broken", content={"mermaid": "flowchart LR\n  a -->\n"})
    foreign = make(api, stranger["headers"], title="Not yours")
    ids = [g["id"] for g in good] + [canvas["id"], bad["id"], foreign["id"], "does-not-exist"]
    resp = api.post("/v1/exports/batch", json={"diagram_ids": ids, "format": "svg"}, headers=owner["headers"])
    assert resp.status_code == 202, resp.text
    job = finished(api, owner["headers"], resp.json()["id"])
    assert job["kind"] == "batch" and job["file_name"].endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(download(job).content))
    names = archive.namelist()
    assert sorted(names) == ["Same name (2).svg", "Same name.svg", "a-b-c.svg", "manifest.json"]
    manifest = json.loads(archive.read("manifest.json"))
    listed = {d["id"]: d for d in manifest["diagrams"]}
    assert set(listed) == {good[0]["id"], good[1]["id"], canvas["id"]}
    for entry in manifest["diagrams"]:
        data = archive.read(entry["file"])
        assert entry["size_bytes"] == len(data)
        import hashlib

        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    failed = {f["id"]: f for f in manifest["failed"]}
    assert failed[bad["id"]]["type"] == "validation" and failed[bad["id"]]["line"] == 2
    assert failed[foreign["id"]]["type"] == "not_found" and failed["does-not-exist"]["type"] == "not_found"
    assert b"Not yours" not in b"".join(archive.read(n) for n in names)


def test_batch_by_folder_and_bad_batch_input(api: httpx.Client, owner: dict[str, Any]) -> None:
    import zipfile

    folder = api.post("/v1/folders", json={"name": "Batch"}, headers=owner["headers"])
    assert folder.status_code == 201, folder.text
    fid = folder.json()["id"]
    inside = [make(api, owner["headers"], title=f"In {i}", folder_id=fid)["id"] for i in range(3)]
    make(api, owner["headers"], title="Outside")
    job = finished(api, owner["headers"], api.post("/v1/exports/batch", json={"folder_id": fid, "format": "json"},
                                                   headers=owner["headers"]).json()["id"])
    archive = zipfile.ZipFile(io.BytesIO(download(job).content))
    assert sorted(archive.namelist()) == ["In 0.json", "In 1.json", "In 2.json", "manifest.json"]
    assert {d["id"] for d in json.loads(archive.read("manifest.json"))["diagrams"]} == set(inside)
    before = api.get("/v1/exports", headers=owner["headers"]).json()["items"]
    for body in ({"format": "svg"}, {"diagram_ids": inside, "folder_id": fid, "format": "svg"},
                 {"diagram_ids": ["x"] * 101, "format": "svg"}, {"diagram_ids": inside, "format": "gif"},
                 {"diagram_ids": inside, "format": "png", "background": "red"}):
        assert_problem(api.post("/v1/exports/batch", json=body, headers=owner["headers"]), 422)
    assert_problem(api.post("/v1/exports/batch", json={"folder_id": "nope", "format": "svg"},
                            headers=owner["headers"]), 422)  # as everywhere a body names a folder
    assert api.get("/v1/exports", headers=owner["headers"]).json()["items"] == before


def test_json_export_imports_back_to_an_equal_diagram(api: httpx.Client, owner: dict[str, Any]) -> None:
    d = make(api, owner["headers"], type="mixed", title="Round trip", tags=["alpha", "beta"],
             content={"mermaid": FLOW, "note": "A note", "canvas": CANVAS})
    doc = download(finished(api, owner["headers"], export(api, owner["headers"], d["id"], format="json").json()["id"]))
    resp = api.post("/v1/diagrams/import", content=doc.content, headers={**owner["headers"],
                                                                          "content-type": "application/json"})
    assert resp.status_code == 201, resp.text
    copy = resp.json()
    assert copy["id"] != d["id"] and resp.headers["location"] == f"/v1/diagrams/{copy['id']}"
    original = api.get(f"/v1/diagrams/{d['id']}", headers=owner["headers"]).json()
    for field in ("title", "type", "content", "tags"):
        assert copy[field] == original[field], field


def test_import_mermaid_text_and_files(api: httpx.Client, owner: dict[str, Any]) -> None:
    text = api.post("/v1/diagrams/import", params={"title": "From text"}, content=FLOW,
                    headers={**owner["headers"], "content-type": "text/plain"})
    assert text.status_code == 201, text.text
    assert text.json()["type"] == "mermaid" and text.json()["content"]["mermaid"] == FLOW
    assert text.json()["title"] == "From text"
    upload = api.post("/v1/diagrams/import", files={"file": ("my flow.mmd", FLOW.encode(), "text/plain")},
                      headers=owner["headers"])
    assert upload.status_code == 201, upload.text
    assert upload.json()["title"] == "my flow" and upload.json()["content"]["mermaid"] == FLOW


def test_invalid_imports_are_422_with_lines_and_store_nothing(api: httpx.Client, owner: dict[str, Any]) -> None:
    bad = "flowchart LR\n  a --> b\n  c -->\n"
    resp = api.post("/v1/diagrams/import", content=bad, headers={**owner["headers"], "content-type": "text/plain"})
    problem = assert_problem(resp, 422)
    assert problem["validation"]["errors"][0]["line"] == 3 and "line 3" in problem["detail"]
    doc = {"schema": "autograph.diagram/1", "type": "mermaid", "title": "X", "content": {"mermaid": bad}}
    assert assert_problem(api.post("/v1/diagrams/import", json=doc, headers=owner["headers"]), 422)["validation"]
    for body in ({"schema": "other/9", "type": "mermaid", "title": "X", "content": {}},
                 {"schema": "autograph.diagram/1", "type": "spreadsheet", "title": "X", "content": {}},
                 {"schema": "autograph.diagram/1", "type": "note", "title": "X", "content": {"mermaid": FLOW}},
                 [1, 2]):
        assert_problem(api.post("/v1/diagrams/import", json=body, headers=owner["headers"]), 422)
    assert_problem(api.post("/v1/diagrams/import", content=b"{not json", headers={
        **owner["headers"], "content-type": "application/json"}), 422)
    assert_problem(api.post("/v1/diagrams/import", files={"file": ("x.png", b"\x89PNG", "image/png")},
                            headers=owner["headers"]), 422)
    assert api.get("/v1/diagrams", headers=owner["headers"]).json()["items"] == []
