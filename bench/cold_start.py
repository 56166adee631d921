"""Cold-start and local request-latency benchmark.

Part 1 - import-and-init time. For every HTTP/authorizer function in template.yaml
(``AWS::Serverless::Function`` resources, CodeUri ``functions/<name>/``, Handler ``app.handler``) a
fresh interpreter is started the way Lambda would start one: ``layers/core`` and the function's
directory on ``sys.path``, a Lambda-like environment (region, function name, dummy credentials,
``AUTOGRAPH_AWS=aws``, Powertools tracing and metrics disabled) and no network (``socket.connect``
raises). It times, with ``time.perf_counter()``, loading ``app.py`` through
``importlib.util.spec_from_file_location``: every import and all module-level init (FastAPI app,
Powertools, boto3/PynamoDB wiring). The same is measured for a self-contained BASELINE handler,
the floor for this stack: FastAPI + Mangum + Powertools Logger/Tracer/Metrics + one boto3 client.
Runs are interleaved (the order rotates every round) so machine noise hits every target alike;
one discarded warm-up run per target fills the OS page cache.

Bytecode modes (``--mode``):

* ``cached`` (default): ``.pyc`` files live under a temporary ``-X pycache_prefix``, warmed by
  the discarded run, so the numbers are pure import/init cost. Nothing is written to the repo.
* ``deployed``: the deps and core layers are built with ``__pycache__`` stripped (see their
  Makefiles) and Lambda's /opt is read-only, so in production every cold start compiles them
  from source. This mode compiles everything outside the standard library on every run.

Part 2 - local request latency. The local stack (infra/local) is started in-process against
moto; one user registers, then ``--requests`` POST /v1/auth/login and GET /v1/auth/me (Bearer
access token) are timed, next to GET /v1/health (which itself makes three moto calls) and an
unrouted GET that the platform function answers with a 404 and no AWS calls, as references
for the local runner's own overhead. Login latency is dominated by bcrypt at cost 12, by design
(BCRYPT_ROUNDS is left at the production default): expect a large login/health ratio.

Run from the repo root:

    .venv/bin/python bench/cold_start.py [--runs 7] [--requests 500] [--mode cached|deployed|both]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "layers" / "core"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.local.template import load  # noqa: E402

BASELINE_NAME = "(baseline)"

BASELINE_SOURCE = '''\
"""Minimal FastAPI + Mangum + Powertools + boto3 Lambda: the floor every function pays."""
import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from fastapi import FastAPI
from mangum import Mangum

logger = Logger(service="baseline")
tracer = Tracer(service="baseline")
metrics = Metrics(namespace="Baseline", service="baseline")
dynamodb = boto3.client("dynamodb")
app = FastAPI(title="baseline")


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"status": "ok"}


_asgi = Mangum(app, lifespan="off")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event, context):
    return _asgi(event, context)
'''

# Runs in the fresh interpreter: argv = mode, core dir, function dir, app.py, unique module name.
SNIPPET = '''\
import importlib.util, os, socket, sys, time
mode, core, fn_dir, path, name = sys.argv[1:6]

def _no_network(*args, **kwargs):
    raise RuntimeError("network call during import/init")

socket.socket.connect = socket.socket.connect_ex = _no_network
if mode == "deployed":
    # No __pycache__ outside the stdlib, as in the deployed layers: importlib treats an OSError
    # while reading a .pyc as "no cache" and compiles from source; nothing is written back.
    import _frozen_importlib_external as _ext
    sys.dont_write_bytecode = True
    _stdlib = os.path.dirname(os.__file__) + os.sep
    _site = [p for p in sys.path if "-packages" in p]
    _get_data = _ext.SourceFileLoader.get_data

    def _source_only(self, data_path):
        deployed = not data_path.startswith(_stdlib) or any(data_path.startswith(p) for p in _site)
        if data_path.endswith(".pyc") and deployed:
            raise OSError("no bytecode in the deployed layers")
        return _get_data(self, data_path)

    _ext.SourceFileLoader.get_data = _source_only
sys.path[0:0] = [fn_dir, core]
start = time.perf_counter()
spec = importlib.util.spec_from_file_location(name, path)
module = importlib.util.module_from_spec(spec)
sys.modules[name] = module
spec.loader.exec_module(module)
elapsed = (time.perf_counter() - start) * 1000
assert callable(getattr(module, "handler")), "no handler"
print(f"{elapsed:.3f}")
'''


@dataclass
class Target:
    name: str
    code_dir: Path
    app_path: Path
    service: str


def functions() -> list[Target]:
    template = load(ROOT / "template.yaml")
    out = []
    for logical, spec in (template.get("Resources") or {}).items():
        if spec.get("Type") != "AWS::Serverless::Function":
            continue
        props = spec.get("Properties") or {}
        module, _, _attr = props["Handler"].rpartition(".")
        code_dir = (ROOT / props["CodeUri"]).resolve()
        variables = (props.get("Environment") or {}).get("Variables") or {}
        service = str(variables.get("POWERTOOLS_SERVICE_NAME", logical))
        out.append(Target(logical, code_dir, code_dir / (module.replace(".", "/") + ".py"), service))
    return out


def template_variables(logical: str) -> dict[str, str]:
    """The function's variables from the template, resources named by their logical ids (no
    stack exists: the apps validate their settings at import but call nothing while loading)."""
    from infra.local.lambdas import function_environment
    from infra.local.template import Resolver

    template = load(ROOT / "template.yaml")
    if logical not in template["Resources"]:
        return {}  # the baseline handler
    return function_environment(template, Resolver(template, "bench", "us-east-1", placeholders=True), logical)


def lambda_env(function_name: str, service: str, home: str) -> dict[str, str]:
    """A clean, Lambda-like environment (nothing inherited but PATH) with the function's variables."""
    return {**template_variables(function_name),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AUTOGRAPH_AWS": "aws",
        "POWERTOOLS_SERVICE_NAME": service,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "AutoGraph",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }


def measure_once(target: Target, mode: str, tmp: Path) -> float:
    # -I: ignore PYTHON* variables and the user site, keep cwd off sys.path.
    cmd = [sys.executable, "-I"]
    if mode == "cached":
        cmd += ["-X", f"pycache_prefix={tmp / 'pycache'}"]
    else:
        cmd += ["-B"]
    module_name = f"_bench_{target.name}_{uuid.uuid4().hex[:8]}"
    cmd += ["-c", SNIPPET, mode, str(CORE), str(target.code_dir), str(target.app_path), module_name]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False, cwd=tmp,
                          env=lambda_env(target.name, target.service, str(tmp)))
    if done.returncode != 0:
        raise RuntimeError(f"{target.name}: import failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]  # nearest rank


def cold_starts(runs: int, mode: str) -> None:
    print(f"\n== Cold start: import + init of app.py in a fresh interpreter (mode={mode}, runs={runs}) ==")
    with tempfile.TemporaryDirectory(prefix="autograph-bench-") as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "baseline").mkdir()
        baseline_app = tmp / "baseline" / "app.py"
        baseline_app.write_text(BASELINE_SOURCE)
        targets = [*functions(), Target(BASELINE_NAME, baseline_app.parent, baseline_app, "baseline")]
        for target in targets:  # warm-up: page cache (and, in cached mode, the .pyc files)
            measure_once(target, mode, tmp)
        samples: dict[str, list[float]] = {t.name: [] for t in targets}
        for round_no in range(runs):
            shift = round_no % len(targets)
            for target in targets[shift:] + targets[:shift]:
                samples[target.name].append(measure_once(target, mode, tmp))
    base = statistics.median(samples[BASELINE_NAME])
    print(f"{'function':<22}{'median ms':>11}{'p95 ms':>10}{'max ms':>10}{'min ms':>10}{'x baseline':>12}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<22}{median:>11.1f}{pct(values, 0.95):>10.1f}{max(values):>10.1f}{min(values):>10.1f}"
              f"{median / base:>12.2f}")


def _time_requests(call, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code >= 500 or (response.status_code >= 400 and response.status_code != 404):
            raise RuntimeError(f"{response.request.method} {response.request.url.path}: "
                               f"{response.status_code} {response.text[:300]}")
    return samples


def request_latency(count: int) -> None:
    import httpx

    from infra.local.stack import LocalStack

    print(f"\n== Local request latency (in-process stack on moto, {count} sequential requests each) ==")
    print(f"BCRYPT_ROUNDS={os.environ.get('BCRYPT_ROUNDS', 'unset (production default 12)')}")
    stack = LocalStack(port=0).start()
    emf = io.StringIO()  # the in-process functions flush Powertools EMF blobs to stdout: keep them out of the table
    try:
        with (contextlib.redirect_stdout(emf), warnings.catch_warnings(),
              httpx.Client(base_url=stack.url, timeout=60) as http):
            warnings.simplefilter("ignore")  # Powertools' "No application metrics to publish"
            email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
            password = f"Bench-{uuid.uuid4().hex}"
            registered = http.post("/v1/auth/register", json={"email": email, "password": password})
            if registered.status_code != 201:
                raise RuntimeError(f"register: {registered.status_code} {registered.text[:300]}")
            bearer = {"Authorization": f"Bearer {registered.json()['access_token']}"}
            calls = {
                "POST /v1/auth/login": lambda: http.post("/v1/auth/login",
                                                         json={"email": email, "password": password}),
                "GET /v1/auth/me": lambda: http.get("/v1/auth/me", headers=bearer),
                "GET /v1/health": lambda: http.get("/v1/health"),
                "GET /v1/bench-404": lambda: http.get("/v1/bench-404"),
            }
            for call in calls.values():  # warm-up: first import of each function in this process
                _time_requests(call, 3)
            results = {label: _time_requests(call, count) for label, call in calls.items()}
    finally:
        stack.stop()
    health = statistics.median(results["GET /v1/health"])
    print(f"{'request':<24}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'p50 / health p50':>18}")
    for label, values in results.items():
        median = statistics.median(values)
        print(f"{label:<24}{median:>10.2f}{pct(values, 0.95):>10.2f}{max(values):>10.2f}{median / health:>18.2f}")
    print("login/health = {:.1f}x, me/health = {:.2f}x".format(
        statistics.median(results["POST /v1/auth/login"]) / health,
        statistics.median(results["GET /v1/auth/me"]) / health))
    print("(login is dominated by bcrypt cost 12 by design; health makes three moto calls, the 404 none)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per target (min 5)")
    parser.add_argument("--requests", type=int, default=500, help="timed requests per endpoint")
    parser.add_argument("--mode", choices=("cached", "deployed", "both"), default="cached",
                        help="bytecode: cached .pyc, as deployed (compile layers from source), or both")
    parser.add_argument("--skip-latency", action="store_true", help="only measure cold starts")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    print(f"python {sys.version.split()[0]} ({sys.executable}); Lambda runs python3.12 on arm64")
    for mode in (("cached", "deployed") if args.mode == "both" else (args.mode,)):
        cold_starts(args.runs, mode)
    if not args.skip_latency:
        request_latency(args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
