"""Diagrams service benchmark: p50/p95 latency per route and the DynamoDB/S3 calls each makes.

Starts its own local stack (moto server + the HTTP API from template.yaml, in-process, like
tests/conftest.py), registers a user, seeds a few diagrams (one large enough to live in S3), then
spreads `--requests` (default 1,000) HTTP requests over the routes below, sequentially.

AWS calls are counted with botocore event hooks: `botocore.session.Session.create_client` is
wrapped before anything creates a client, and every new client (boto3 clients from
autograph.aws.client and PynamoDB's own botocore clients alike) gets a `before-call.*.*` handler
that counts (service, operation) against the route being requested. Calls made by the Lambda
authorizer for the same request are included (JWTs verify locally: normally none).

The baseline is an unrouted GET answered by the platform function (404, no AWS calls): the
ratio column is each route's p50 over the baseline's p50, measured in the same run.

Exits 1 if any route issued a DynamoDB Scan.

    .venv/bin/python bench/diagrams.py [--requests 1000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core")]
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # no EMF lines in the table
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

CALLS: dict[str, Counter[str]] = defaultdict(Counter)
_state = {"route": "setup"}


def _count(event_name: str, **_: Any) -> None:
    # event_name: before-call.<service>.<Operation>
    _, service, op = event_name.split(".", 2)
    CALLS[_state["route"]][f"{service}:{op}"] += 1


def install_hooks() -> None:
    import botocore.session

    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.*.*", _count)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    install_hooks()
    import httpx

    from infra.local.stack import LocalStack

    stack = LocalStack(port=0).start()
    try:
        return run(stack, httpx, args.requests)
    finally:
        stack.stop()


def run(stack: Any, httpx: Any, total: int) -> int:
    c = httpx.Client(base_url=stack.url, timeout=30)
    reg = c.post("/v1/auth/register", json={"email": f"bench-{time.time_ns()}@example.com",
                                             "password": "correct-horse-battery", "name": "Bench"})
    reg.raise_for_status()
    h = {"Authorization": f"Bearer {reg.json()['access_token']}"}
    flow = "flowchart LR\n  a[Client] --> b[API]\n  b --> c[(DB)]\n"
    seed = [c.post("/v1/diagrams", json={"title": f"Seed {i}", "type": "mermaid", "content": {"mermaid": flow},
                                         "tags": ["bench"]}, headers=h).json() for i in range(20)]
    big = c.post("/v1/diagrams", json={"title": "Big note", "type": "note",
                                       "content": {"note": "lorem ipsum\n" * 8000}}, headers=h).json()
    did = seed[0]["id"]
    c.patch(f"/v1/diagrams/{did}", json={"content": {"mermaid": flow + "  c --> d[Cache]\n"}},
            headers={**h, "If-Match": '"1"'}).raise_for_status()
    token = c.post(f"/v1/diagrams/{did}/shares", json={}, headers=h).json()["token"]
    c.post("/v1/folders", json={"name": "Bench"}, headers=h).raise_for_status()
    patch_state = {"v": 1}

    def patch_diagram() -> Any:
        r = c.patch(f"/v1/diagrams/{seed[1]['id']}", json={"title": f"t{patch_state['v']}"},
                    headers={**h, "If-Match": f'"{patch_state["v"]}"'})
        if r.status_code == 200:
            patch_state["v"] += 1
        return r

    routes: dict[str, Any] = {
        "baseline GET /v1/unrouted (404)": lambda: c.get("/v1/unrouted", headers=h),
        "POST /v1/diagrams": lambda: c.post("/v1/diagrams", json={"title": "n", "type": "mermaid",
                                                                   "content": {"mermaid": flow}}, headers=h),
        "GET /v1/diagrams/{id}": lambda: c.get(f"/v1/diagrams/{did}", headers=h),
        "GET /v1/diagrams/{id} (S3 content)": lambda: c.get(f"/v1/diagrams/{big['id']}", headers=h),
        "PATCH /v1/diagrams/{id}": patch_diagram,
        "GET /v1/diagrams?limit=20": lambda: c.get("/v1/diagrams", params={"limit": 20}, headers=h),
        "GET /v1/diagrams?q=&sort=title": lambda: c.get("/v1/diagrams", params={"q": "seed 1", "sort": "title"},
                                                        headers=h),
        "GET /v1/diagrams?shared_with_me": lambda: c.get("/v1/diagrams", params={"shared_with_me": "true"},
                                                         headers=h),
        "GET .../versions": lambda: c.get(f"/v1/diagrams/{did}/versions", headers=h),
        "GET .../versions/1": lambda: c.get(f"/v1/diagrams/{did}/versions/1", headers=h),
        "GET .../versions/1/diff/2": lambda: c.get(f"/v1/diagrams/{did}/versions/1/diff/2", headers=h),
        "PUT .../star": lambda: c.put(f"/v1/diagrams/{did}/star", headers=h),
        "GET /v1/shared/{token}": lambda: c.get(f"/v1/shared/{token}"),
        "GET /v1/trash": lambda: c.get("/v1/trash", headers=h),
        "GET /v1/folders": lambda: c.get("/v1/folders", headers=h),
        "GET /v1/templates": lambda: c.get("/v1/templates", headers=h),
    }
    per_route = max(1, total // len(routes))
    timings: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    for _ in range(per_route):  # interleaved, so machine noise hits every route alike
        for name, call in routes.items():
            _state["route"] = name
            start = time.perf_counter()
            resp = call()
            timings[name].append((time.perf_counter() - start) * 1000)
            expected = 404 if name.startswith("baseline") else None
            if (expected and resp.status_code != expected) or (not expected and resp.status_code >= 400):
                errors[name] += 1
    _state["route"] = "teardown"

    base = statistics.median(timings["baseline GET /v1/unrouted (404)"])
    print(f"\n{sum(len(v) for v in timings.values())} requests, {per_route} per route, moto at {stack.moto_url}\n")
    header = f"{'route':38} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7} {'ddb/req':>8} {'s3/req':>7}  calls per request"
    print(header)
    print("-" * len(header))
    scans = 0
    for name, values in timings.items():
        calls = CALLS[name]
        n = len(values)
        ddb = sum(v for k, v in calls.items() if k.startswith("dynamodb:")) / n
        s3 = sum(v for k, v in calls.items() if k.startswith("s3:")) / n
        detail = ", ".join(f"{k.split(':')[1]} {v / n:.2g}" for k, v in sorted(calls.items()))
        scans += sum(v for k, v in calls.items() if k.endswith(":Scan"))
        flag = f"  [{errors[name]} errors]" if errors[name] else ""
        print(f"{name:38} {statistics.median(values):8.1f} {pct(values, 0.95):8.1f} "
              f"{statistics.median(values) / base:7.1f} {ddb:8.2f} {s3:7.2f}  {detail}{flag}")
    if scans:
        print(f"\nFAIL: {scans} Scan call(s) issued", file=sys.stderr)
        return 1
    if errors:
        print(f"\nFAIL: unexpected statuses: {dict(errors)}", file=sys.stderr)
        return 1
    print("\nNo Scan issued by any route.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
