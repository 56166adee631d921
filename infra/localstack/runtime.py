"""Start (or reuse) LocalStack community in host mode: no Docker, offline, on 127.0.0.1.

`ensure(url)` returns a running LocalStack at `url`: one that already answers there (a user's
Docker container on :4566, say) is reused and left alone on `stop()`; otherwise we start our own
from `.venv-localstack` (see install.sh), wait until it is ready, and stop it on `stop()`.

Standard library only: this module runs in the project's virtualenv, LocalStack in its own.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-localstack"
LIBS = ROOT / ".localstack" / "libs"
RUNS = ROOT / ".localstack" / "run"
DEFAULT_URL = "http://127.0.0.1:4566"
# What the template uses; LocalStack adds what these depend on (sts, kms, dynamodbstreams, ...).
SERVICES = ("dynamodb", "s3", "sqs", "secretsmanager", "ses", "ssm")
READY_STATES = ("available", "running")
log = logging.getLogger("autograph.localstack")


class LocalStackError(RuntimeError):
    pass


# Loopback only: never through an http_proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_json(url: str, timeout: float = 1.0) -> dict | None:
    try:
        with _opener.open(url, timeout=timeout) as resp:
            return json.loads(resp.read())
    except (OSError, ValueError, urllib.error.URLError):
        return None


def health(url: str) -> dict | None:
    """LocalStack's health document, or None when nothing (or not LocalStack) answers at `url`."""
    doc = _get_json(f"{url}/_localstack/health")
    return doc if isinstance(doc, dict) and "services" in doc else None


def is_ready(url: str) -> bool:
    init = _get_json(f"{url}/_localstack/init")
    return bool(init and (init.get("completed") or {}).get("READY"))


def _shutting_down(url: str) -> bool:
    init = _get_json(f"{url}/_localstack/init")
    return bool(init and (init.get("completed") or {}).get("SHUTDOWN"))


def missing_services(doc: dict) -> list[str]:
    states = doc.get("services") or {}
    return [s for s in SERVICES if states.get(s) not in READY_STATES]


@dataclass
class LocalStackProcess:
    url: str
    process: subprocess.Popen[bytes] | None = None  # None: a LocalStack someone else runs
    root: Path | None = None  # our FILESYSTEM_ROOT, removed on stop
    log_path: Path | None = None
    boot_seconds: float = 0.0
    _stopped: bool = field(default=False, repr=False)
    _tree: list[int] = field(default_factory=list, repr=False)

    @property
    def owned(self) -> bool:
        return self.process is not None

    def rss_bytes(self) -> int:
        """Resident memory of LocalStack and its children (DynamoDB Local's JVM), from /proc."""
        if not self.process:
            return 0
        return sum(_rss(pid) for pid in _tree(self.process.pid))

    def terminate(self) -> None:
        """Ask our LocalStack to stop, without waiting: it finishes on its own (DynamoDB Local
        too) even if we exit first. Call stop() to wait for it."""
        if self.process and self.process.poll() is None and not self._tree:
            self._tree = _tree(self.process.pid)
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 20) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.process and self.process.poll() is None:
            self.terminate()
            tree = self._tree
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log.warning("LocalStack did not stop within %ss; killing it", timeout)
                for pid in tree:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)


def _tree(pid: int) -> list[int]:
    """pid and its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo += [int(c) for c in children]
    return out


def _rss(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def installed() -> bool:
    return (VENV / ".installed").exists() and (LIBS / "dynamodb-local" / "2" / "DynamoDBLocal.jar").exists()


def environment(host: str, port: int, root: Path, eager: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOCALSTACK_", "PYTHON", "VIRTUAL_ENV"))}
    env.update({
        "GATEWAY_LISTEN": f"{host}:{port}",
        # Queue URLs and presigned URLs name this host: the default, localhost.localstack.cloud,
        # needs DNS, which an offline machine does not have.
        "LOCALSTACK_HOST": f"{host}:{port}",
        "SQS_ENDPOINT_STRATEGY": "path",
        "SERVICES": ",".join(SERVICES),
        "PERSISTENCE": "0",
        "DNS_ADDRESS": "0",
        "LOCALSTACK_TELEMETRY_DISABLED": "1",
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "DISABLE_EVENTS": "1",
        # These machines have /.dockerenv; without this LocalStack thinks it is in its container
        # and writes under /var/lib/localstack, /usr/lib/localstack and /etc/localstack.
        "OVERRIDE_IN_DOCKER": "0",
        "FILESYSTEM_ROOT": str(root),
        "CONFIG_DIR": str(root / "config"),
        # Starts DynamoDB Local's JVM at boot instead of on the first DynamoDB call.
        "EAGER_SERVICE_LOADING": "1" if eager else "0",
    })
    return env


def start(url: str = DEFAULT_URL, *, eager: bool = True, timeout: float = 120) -> LocalStackProcess:
    """Start our own LocalStack on `url`'s host and port and wait until it is ready."""
    if not installed():
        raise LocalStackError("LocalStack is not installed: run `make localstack-install` "
                              "(or bash infra/localstack/install.sh)")
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 4566
    # One state directory per port: a runner that exited before its LocalStack finished stopping
    # leaves it behind, and the next start on that port clears it.
    root = RUNS / str(port)
    shutil.rmtree(root, ignore_errors=True)
    (root / "usr" / "lib").mkdir(parents=True)
    # Installers find DynamoDB Local and "Java 21" here and skip their downloads.
    (root / "usr" / "lib" / "localstack").symlink_to(LIBS)
    log_path = root / "localstack.log"
    began = time.monotonic()
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [str(VENV / "bin" / "python"), "-m", "localstack.runtime.main"],
            env=environment(host, port, root, eager), cwd=root, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own process group: a terminal's Ctrl-C reaches the runner, which stops LocalStack
            # in order (LocalStack then stops DynamoDB Local).
            start_new_session=True)
    handle = LocalStackProcess(url, process, root, log_path)
    atexit.register(handle.stop)  # an owner that exits without stopping it does not leak ~700 MiB
    deadline = began + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            handle.stop()
            raise LocalStackError(f"LocalStack exited with {process.returncode}:\n{_tail(log_path)}")
        if is_ready(url):
            handle.boot_seconds = time.monotonic() - began
            log.info("LocalStack ready on %s in %.1fs", url, handle.boot_seconds)
            return handle
        time.sleep(0.1)
    tail = _tail(log_path)
    handle.stop()
    raise LocalStackError(f"LocalStack did not become ready on {url} within {timeout}s:\n{tail}")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def ensure(url: str = DEFAULT_URL, *, eager: bool = True, timeout: float = 120) -> LocalStackProcess:
    """A LocalStack at `url`: the one already listening there, or one we start."""
    deadline = time.monotonic() + 30
    while _shutting_down(url) and time.monotonic() < deadline:
        time.sleep(0.2)  # one that is stopping (a runner's, just Ctrl-C'd) is not to be reused
    doc = health(url)
    if doc is None:
        return start(url, eager=eager, timeout=timeout)
    missing = missing_services(doc)
    if missing:
        raise LocalStackError(f"the LocalStack at {url} does not run {', '.join(missing)}; "
                              f"start it with SERVICES={','.join(SERVICES)}")
    log.info("using the LocalStack already running at %s (version %s)", url, doc.get("version"))
    return LocalStackProcess(url)
