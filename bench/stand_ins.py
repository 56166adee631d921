"""moto vs LocalStack: the same round trips on both AWS stand-ins, p50/p95 per route family.

For each stand-in a child process starts the local stack on it (as `make local` /
`make local-localstack` do: template resources, HTTP API, SQS pollers), times `--rounds` rounds of
the round trips below (interleaved, so machine noise hits every one alike) and reports back; the
parent prints both side by side with the LocalStack/moto ratio of the p50s.

Round trips: the HTTP API as a client uses it (auth, diagrams, render, platform) and the AWS calls
underneath, made with the same boto3 clients the functions use (DynamoDB, S3, SQS, and an S3
upload until its ObjectCreated notification is received from SQS).

The baseline is an unrouted GET (the platform function's 404, no AWS call) on each stand-in.
Also printed: how long the stand-in took to be ready and the memory (RSS) of the runner process
and of LocalStack (with its DynamoDB Local JVM).

    .venv/bin/python bench/stand_ins.py [--rounds 100] [--only moto|localstack]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core")]
STAND_INS = ("moto", "localstack")
BASELINE = "platform: GET /v1/unrouted (404)"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


# ------------------------------------------------------------------ child: one stand-in
def round_trips(stack: Any) -> dict[str, Callable[[], Any]]:
    import httpx
    from autograph.aws import client
    from autograph.config import get_settings

    c = httpx.Client(base_url=stack.url, timeout=30)
    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "correct-horse-battery"
    reg = c.post("/v1/auth/register", json={"email": email, "password": password, "name": "Bench"})
    reg.raise_for_status()
    h = {"Authorization": f"Bearer {reg.json()['access_token']}"}
    state = {"refresh": reg.json()["refresh_token"], "version": 1}
    flow = "flowchart LR\n  a[Client] --> b[API]\n  b --> c[(DB)]\n"
    diagram = c.post("/v1/diagrams", json={"title": "Bench", "type": "mermaid", "content": {"mermaid": flow}},
                     headers=h).json()

    def refresh() -> Any:
        r = c.post("/v1/auth/refresh", json={"refresh_token": state["refresh"]})
        r.raise_for_status()
        state["refresh"] = r.json()["refresh_token"]  # rotated on use
        return r

    def patch() -> Any:
        r = c.patch(f"/v1/diagrams/{diagram['id']}", json={"title": f"t{state['version']}"},
                    headers={**h, "If-Match": f'"{state["version"]}"'})
        r.raise_for_status()
        state["version"] += 1
        return r

    settings = get_settings()
    ddb, s3, sqs = client("dynamodb"), client("s3"), client("sqs")
    scratch = f"bench-{uuid.uuid4().hex[:8]}"
    key = {"pk": {"S": f"BENCH#{scratch}"}, "sk": {"S": "ITEM"}}
    ddb.put_item(TableName=settings.table_name, Item={**key, "payload": {"S": "x" * 200}})
    queue = sqs.create_queue(QueueName=scratch)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.create_bucket(Bucket=scratch)
    s3.put_bucket_notification_configuration(Bucket=scratch, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]})
    drain(sqs, queue)  # moto sends an s3:TestEvent first

    def send_receive() -> Any:
        sqs.send_message(QueueUrl=queue, MessageBody="ping")
        return receive_one(sqs, queue)

    def notify() -> Any:
        s3.put_object(Bucket=scratch, Key=f"in/{uuid.uuid4().hex}.txt", Body=b"x")
        return receive_one(sqs, queue)

    return {
        BASELINE: lambda: c.get("/v1/unrouted"),
        "platform: GET /v1/health": lambda: c.get("/v1/health"),
        "auth: POST /v1/auth/login": lambda: c.post("/v1/auth/login", json={"email": email, "password": password}),
        "auth: GET /v1/auth/me": lambda: c.get("/v1/auth/me", headers=h),
        "auth: POST /v1/auth/refresh": refresh,
        "diagrams: POST /v1/diagrams": lambda: c.post(
            "/v1/diagrams", json={"title": "n", "type": "mermaid", "content": {"mermaid": flow}}, headers=h),
        "diagrams: GET /v1/diagrams/{id}": lambda: c.get(f"/v1/diagrams/{diagram['id']}", headers=h),
        "diagrams: PATCH /v1/diagrams/{id}": patch,
        "diagrams: GET /v1/diagrams?limit=20": lambda: c.get("/v1/diagrams", params={"limit": 20}, headers=h),
        "render: POST /v1/render (svg)": lambda: c.post("/v1/render", json={"source": flow, "format": "svg"}),
        "aws: DynamoDB GetItem": lambda: ddb.get_item(TableName=settings.table_name, Key=key),
        "aws: DynamoDB PutItem": lambda: ddb.put_item(TableName=settings.table_name,
                                                      Item={**key, "payload": {"S": "y" * 200}}),
        "aws: S3 PutObject (4 KiB)": lambda: s3.put_object(Bucket=settings.uploads_bucket,
                                                           Key="bench/object.bin", Body=b"z" * 4096),
        "aws: S3 GetObject (4 KiB)": lambda: s3.get_object(Bucket=settings.uploads_bucket,
                                                           Key="bench/object.bin")["Body"].read(),
        "aws: SQS send + receive + delete": send_receive,
        "aws: S3 put -> SQS notification received": notify,
    }


def drain(sqs: Any, queue: str) -> None:
    while msgs := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages"):
        sqs.delete_message_batch(QueueUrl=queue, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])


def receive_one(sqs: Any, queue: str) -> Any:
    msgs = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, WaitTimeSeconds=5).get("Messages")
    if not msgs:
        raise RuntimeError("no message within 5 s")
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msgs[0]["ReceiptHandle"])
    return msgs[0]


def child(stand_in: str, rounds: int) -> dict[str, Any]:
    os.environ.setdefault("BCRYPT_ROUNDS", "4")  # as in the tests: bcrypt's cost is not what we compare
    from infra.local.stack import LocalStack, free_port

    url = os.environ.get("LOCALSTACK_URL") or f"http://127.0.0.1:{free_port()}"
    began = time.perf_counter()
    stack = LocalStack(port=0, target=stand_in, localstack_url=url if stand_in == "localstack" else None).start()
    ready = time.perf_counter() - began
    try:
        trips = round_trips(stack)
        timings: dict[str, list[float]] = defaultdict(list)
        for call in trips.values():  # warm-up: first calls load code and open connections
            call()
        for _ in range(rounds):
            for name, call in trips.items():
                start = time.perf_counter()
                call()
                timings[name].append((time.perf_counter() - start) * 1000)
        ls = stack._localstack
        return {"ready_s": ready, "timings": timings, "runner_rss": rss(os.getpid()),
                "localstack_rss": ls.rss_bytes() if ls else 0,
                "localstack_boot_s": ls.boot_seconds if ls else 0.0,
                "localstack_owned": bool(ls and ls.owned)}
    finally:
        stack.stop()


# ------------------------------------------------------------------ parent: side by side
def run_child(stand_in: str, rounds: int) -> dict[str, Any]:
    env = {**os.environ, "AUTOGRAPH_AWS": stand_in}
    proc = subprocess.run([sys.executable, __file__, "--child", stand_in, "--rounds", str(rounds)], env=env,
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{stand_in} run failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def report(results: dict[str, dict[str, Any]], rounds: int) -> None:
    names = list(next(iter(results.values()))["timings"])
    cols = list(results)
    print(f"\n{rounds} rounds per round trip, sequential, one process per stand-in (ms)\n")
    header = f"{'round trip':44}" + "".join(f"{c + ' p50':>16}{c + ' p95':>16}" for c in cols)
    if len(cols) == 2:
        header += f"{'p50 ratio':>11}"
    print(header)
    print("-" * len(header))
    for name in names:
        line = f"{name:44}"
        p50s = []
        for c in cols:
            values = results[c]["timings"][name]
            p50s.append(statistics.median(values))
            line += f"{p50s[-1]:16.1f}{pct(values, 0.95):16.1f}"
        if len(cols) == 2:
            line += f"{p50s[1] / p50s[0]:10.2f}x"
        print(line)
    print()
    for c in cols:
        r = results[c]
        extra = ""
        if c == "localstack":
            how = f"booted in {r['localstack_boot_s']:.1f} s" if r["localstack_owned"] else "already running"
            extra = f"; LocalStack + DynamoDB Local {mib(r['localstack_rss'])} ({how})"
        print(f"{c:11} stack ready in {r['ready_s']:.1f} s; runner process {mib(r['runner_rss'])}{extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--only", choices=STAND_INS)
    parser.add_argument("--child", choices=STAND_INS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rounds)))
        return 0
    results = {s: run_child(s, args.rounds) for s in STAND_INS if args.only in (None, s)}
    report(results, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
