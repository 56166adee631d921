"""Exports pipeline benchmark through the local stack (moto server + HTTP API + SQS poller,
in-process, like tests/conftest.py).

1. `--jobs` (default 200) mixed export jobs (flowchart, sequence, class, state, canvas; svg, png@1/2,
   pdf, json, md, html), every source unique so each job really renders. All are enqueued over
   HTTP, then each is awaited with `GET /v1/exports/{id}?wait=20`. Prints jobs per second (first
   enqueue to last success) and enqueue-to-succeeded p50/p95 (created_at -> finished_at).
2. The baseline, in the same run: synchronous `POST /v1/render` of the same diagrams (a sample of
   `--sync` picture jobs, under the route's 60/min per-IP limit), each made unique again so the
   render cache cannot answer. Prints p50/p95 and the ratio job-latency / sync-latency.
3. A `--batch` (default 100) diagram batch ZIP: enqueue-to-succeeded time, ZIP size, and the peak
   of Python allocations (tracemalloc) while it ran.

    .venv/bin/python bench/exports.py [--jobs 200] [--sync 50] [--batch 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core")]
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

SOURCES = {
    "flowchart": "flowchart LR\n  a[Start {i}] --> b{{Check}}\n  b -->|yes| c[Ship]\n  b -->|no| d[Fix]\n  d --> b\n",
    "sequence": "sequenceDiagram\n  Alice->>Bob: hello {i}\n  Bob-->>Alice: hi\n  Alice->>Carol: forward\n",
    "class": "classDiagram\n  class Animal{{\n    +name {i}\n    +eat()\n  }}\n  Animal <|-- Dog\n  Animal <|-- Cat\n",
    "state": "stateDiagram-v2\n  [*] --> Idle\n  Idle --> Busy: job {i}\n  Busy --> Idle\n  Busy --> [*]\n",
}
FORMATS = [("svg", {}), ("png", {"scale": 1}), ("png", {"scale": 2}), ("pdf", {}), ("json", {}), ("md", {}),
           ("html", {})]


def canvas(i: int) -> dict[str, Any]:
    return {"shapes": [{"id": "a", "type": "rectangle", "x": 0, "y": 0, "w": 140, "h": 60, "text": f"Box {i}"},
                       {"id": "b", "type": "ellipse", "x": 220, "y": 0, "w": 100, "h": 60, "text": "Oval"},
                       {"id": "c", "type": "arrow", "points": [[140, 30], [220, 30]], "start": "a", "end": "b"}]}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ts(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--sync", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    import httpx

    from infra.local.stack import LocalStack

    stack = LocalStack(port=0).start()
    try:
        api = httpx.Client(base_url=stack.url, timeout=60)
        email = f"bench-{time.time_ns()}@example.com"
        user = api.post("/v1/auth/register", json={"email": email, "password": "correct-horse-battery"}).json()
        headers = {"Authorization": f"Bearer {user['access_token']}"}

        # ---- seed diagrams and plan the jobs
        plan: list[tuple[str, str, dict[str, Any], Any]] = []  # (diagram id, format, options, picture input)
        kinds = [*SOURCES, "canvas"]
        for i in range(args.jobs):
            kind = kinds[i % len(kinds)]
            fmt, opts = FORMATS[(i // len(kinds)) % len(FORMATS)]
            if kind == "canvas":
                body = {"title": f"Canvas {i}", "type": "canvas", "content": {"canvas": canvas(i)}}
                picture: Any = canvas(i)
            else:
                source = SOURCES[kind].format(i=i)
                body = {"title": f"{kind} {i}", "type": "mermaid", "content": {"mermaid": source}}
                picture = source
            d = api.post("/v1/diagrams", json=body, headers=headers).json()
            plan.append((d["id"], fmt, opts, picture))
        # Let the thumbnails the creations queued drain first, so they do not count against the jobs.
        sentinel = api.post(f"/v1/diagrams/{plan[-1][0]}/exports", json={"format": "json"}, headers=headers).json()
        while api.get(f"/v1/exports/{sentinel['id']}", params={"wait": 20}, headers=headers).json()["status"] \
                not in ("succeeded", "failed"):
            continue

        # ---- 1. the jobs
        started = time.perf_counter()
        ids = [api.post(f"/v1/diagrams/{did}/exports", json={"format": fmt, **opts}, headers=headers).json()["id"]
               for did, fmt, opts, _ in plan]
        jobs = []
        for job_id in ids:
            job: dict[str, Any] = {"status": "queued"}
            while job["status"] in ("queued", "running"):
                job = api.get(f"/v1/exports/{job_id}", params={"wait": 20}, headers=headers).json()
            jobs.append(job)
        elapsed = time.perf_counter() - started
        ok = [j for j in jobs if j["status"] == "succeeded"]
        latency = [(ts(j["finished_at"]) - ts(j["created_at"])) * 1000 for j in ok]
        render_ms = [j["timings"]["render_ms"] for j in ok]

        # ---- 2. the synchronous baseline (same diagrams, made unique so the cache cannot answer)
        sync_ms = []
        pictures = [(fmt, opts, pic) for _, fmt, opts, pic in plan if fmt in ("svg", "png", "pdf")][: args.sync]
        for n, (fmt, opts, pic) in enumerate(pictures):
            body: dict[str, Any] = {"format": fmt, **opts}
            if isinstance(pic, str):
                body["source"] = pic + f"%% sync {n}\n"
            else:
                body["canvas"] = {**pic, "background": f"#{n:06x}"}
            t0 = time.perf_counter()
            resp = api.post("/v1/render", json=body)
            sync_ms.append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200, resp.text

        # ---- 3. one batch ZIP
        batch_ids = [did for did, *_ in plan[: args.batch]]
        tracemalloc.start()
        t0 = time.perf_counter()
        batch = api.post("/v1/exports/batch", json={"diagram_ids": batch_ids, "format": "png"}, headers=headers).json()
        result: dict[str, Any] = {"status": "queued"}
        while result["status"] in ("queued", "running"):
            result = api.get(f"/v1/exports/{batch['id']}", params={"wait": 20}, headers=headers).json()
        batch_s = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print(f"export jobs: {len(ok)}/{len(jobs)} succeeded in {elapsed:.1f} s = {len(ok) / elapsed:.1f} jobs/s")
        print(f"  enqueue->succeeded  p50 {pct(latency, .5):8.0f} ms   p95 {pct(latency, .95):8.0f} ms"
              "   (includes waiting behind the other jobs: one local worker)")
        print(f"  worker render_ms    p50 {pct(render_ms, .5):8.0f} ms   p95 {pct(render_ms, .95):8.0f} ms")
        print(f"sync POST /v1/render  p50 {pct(sync_ms, .5):8.0f} ms   p95 {pct(sync_ms, .95):8.0f} ms"
              f"   ({len(sync_ms)} of the same diagrams, cache missed on purpose)")
        print(f"  ratio job render p50 / sync p50: {pct(render_ms, .5) / pct(sync_ms, .5):.2f}")
        print(f"batch ZIP of {len(batch_ids)} PNGs: {result['status']} in {batch_s:.1f} s, "
              f"{(result.get('size_bytes') or 0) / 1024:.0f} KB, peak Python allocations {peak / 2**20:.1f} MB")
        return 0 if len(ok) == len(jobs) and result["status"] == "succeeded" else 1
    finally:
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
