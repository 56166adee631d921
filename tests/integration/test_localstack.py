"""`make local-localstack`: the runner on LocalStack reuses one that already listens, or starts its
own and stops it on Ctrl-C. LocalStack-only: these exercise the LocalStack lifecycle itself."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.localstack.runtime import RUNS, health
from tests.helpers import unique_email

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.localstack_only(reason="tests the LocalStack lifecycle of `make local-localstack`")


def _runner(env: dict[str, str]) -> tuple[subprocess.Popen[str], str, str]:
    proc = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    for line in proc.stdout:  # readiness: the runner prints its URL (and the AWS endpoint) once it serves
        if line.startswith("AutoGraph API on "):
            return proc, line.split()[3], line
    raise AssertionError(f"runner exited with {proc.wait()}")


def _ctrl_c(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 0, out
    return out


def _env(localstack_url: str) -> dict[str, str]:
    from infra.local.stack import free_port

    return {**os.environ, "AUTOGRAPH_AWS": "localstack", "AUTOGRAPH_ENDPOINT_URL": localstack_url,
            "PORT": str(free_port()), "BCRYPT_ROUNDS": "4"}


def test_runner_reuses_a_running_localstack_and_leaves_it_running(stack: Any) -> None:
    url = stack.aws_url
    email = unique_email("reuse")
    proc, api, banner = _runner(_env(url))
    try:
        assert f"(AWS: localstack at {url})" in banner
        assert httpx.get(f"{api}/v1/health").status_code == 200
        assert httpx.post(f"{api}/v1/auth/register", json={"email": email, "password": "reuse-me-please"},
                          timeout=30).status_code == 201
    finally:
        _ctrl_c(proc)
    assert health(url) is not None  # not ours to stop
    # The user lives in that LocalStack: the session's own API finds them.
    login = httpx.post(f"{stack.url}/v1/auth/login", json={"email": email, "password": "reuse-me-please"},
                       timeout=30)
    assert login.status_code == 200


def test_runner_starts_its_own_localstack_and_stops_it_on_ctrl_c() -> None:
    from infra.local.stack import free_port

    url = f"http://127.0.0.1:{free_port()}"
    assert health(url) is None
    proc, api, banner = _runner(_env(url))
    try:
        assert f"(AWS: localstack at {url})" in banner
        assert health(url) is not None
        assert httpx.get(f"{api}/v1/health").json()["status"] == "ok"
    finally:
        out = _ctrl_c(proc)
    assert "stopping" in out
    # The runner leaves within ~1 s of Ctrl-C; LocalStack got SIGTERM and stops (DynamoDB Local's
    # JVM with it) in a few seconds more. Poll for that outcome, bounded.
    deadline = time.monotonic() + 60
    while _still_running(url) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert health(url) is None and not _listening(url)
    assert not any(_is_our_localstack(pid, url) for pid in _pids()), "LocalStack outlived the runner"
    # The runner exits before LocalStack has stopped, so the next start on this port would clear
    # its state directory; this port is random, so clear it here.
    shutil.rmtree(RUNS / url.rsplit(":", 1)[1], ignore_errors=True)


def _still_running(url: str) -> bool:
    return health(url) is not None or _listening(url) or any(_is_our_localstack(p, url) for p in _pids())


def _listening(url: str) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", int(url.rsplit(":", 1)[1]))) == 0


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _is_our_localstack(pid: int, url: str) -> bool:
    """A LocalStack process started for `url` (its environment names the port)."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"GATEWAY_LISTEN={url.split('//', 1)[1]}".encode() in environ
