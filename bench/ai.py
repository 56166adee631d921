"""AI generation benchmark.

1. The offline generator alone: ms per prompt (p50/p95) over the unit tests' prompt table
   (every diagram type), generation only and generation + validation (our engine parses and lays
   out every answer before it is served).
2. Through the local stack (moto server + HTTP API, in-process, like tests/conftest.py):
   `POST /v1/ai/generate` (offline chain, no key) p50/p95 beside `POST /v1/validate` of the same
   diagrams, measured interleaved in the same run; prints the ratio generate / validate.

    .venv/bin/python bench/ai.py [--rounds 20] [--http 40]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core")]
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def offline(rounds: int) -> None:
    from autograph import render
    from autograph.ai.offline import generate

    from tests.unit.ai.test_offline import TABLE

    render.validate("flowchart TD\n  a --> b\n")  # start the render worker outside the timings
    gen, full = [], []
    for _ in range(rounds):
        for prompt, _, _ in TABLE:
            t0 = time.perf_counter()
            _, _, source = generate(prompt)
            t1 = time.perf_counter()
            assert render.validate(source)["valid"]
            t2 = time.perf_counter()
            gen.append((t1 - t0) * 1000)
            full.append((t2 - t0) * 1000)
    print(f"offline generator, {len(TABLE)} prompts x {rounds} rounds:")
    print(f"  generate           p50 {pct(gen, .5):7.2f} ms   p95 {pct(gen, .95):7.2f} ms")
    print(f"  generate+validate  p50 {pct(full, .5):7.2f} ms   p95 {pct(full, .95):7.2f} ms")


def through_stack(n: int) -> None:
    import httpx
    from autograph.ai.offline import generate

    from infra.local.stack import LocalStack
    from tests.unit.ai.test_offline import TABLE

    stack = LocalStack(port=0).start()
    try:
        api = httpx.Client(base_url=stack.url, timeout=30)
        headers: dict[str, str] = {}
        ai_ms, val_ms = [], []
        for i in range(n):
            if i % 19 == 0:  # 20 generations a minute per user: a fresh user before the limit
                reg = api.post("/v1/auth/register", json={"email": f"bench-ai-{time.time_ns()}@example.com",
                                                          "password": "correct-horse-battery", "name": "B"})
                headers = {"Authorization": f"Bearer {reg.json()['access_token']}"}
            prompt = TABLE[i % len(TABLE)][0]
            t0 = time.perf_counter()
            r = api.post("/v1/ai/generate", headers=headers, json={"prompt": prompt})
            ai_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
            source = generate(prompt)[2]
            t0 = time.perf_counter()
            r = api.post("/v1/validate", json={"source": source})
            val_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
        print(f"through the local stack, {n} requests each (interleaved):")
        print(f"  POST /v1/ai/generate  p50 {pct(ai_ms, .5):7.2f} ms   p95 {pct(ai_ms, .95):7.2f} ms")
        print(f"  POST /v1/validate     p50 {pct(val_ms, .5):7.2f} ms   p95 {pct(val_ms, .95):7.2f} ms")
        print(f"  ratio generate/validate  p50 {pct(ai_ms, .5) / pct(val_ms, .5):.2f}x   "
              f"p95 {pct(ai_ms, .95) / pct(val_ms, .95):.2f}x")
    finally:
        stack.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--http", type=int, default=40, help="requests per route (validate allows 60/min/IP)")
    args = parser.parse_args()
    offline(args.rounds)
    through_stack(min(args.http, 55))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
