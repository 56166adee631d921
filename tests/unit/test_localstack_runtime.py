"""infra.localstack.runtime without a LocalStack: the environment it starts LocalStack with, and
what it says about a LocalStack it cannot use."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from infra.localstack import runtime


def test_environment_is_host_mode_offline_and_self_contained(tmp_path: Path) -> None:
    env = runtime.environment("127.0.0.1", 4999, tmp_path, eager=True)
    assert env["GATEWAY_LISTEN"] == env["LOCALSTACK_HOST"] == "127.0.0.1:4999"
    # /.dockerenv exists on these machines: without this LocalStack writes under /var/lib/localstack.
    assert env["OVERRIDE_IN_DOCKER"] == "0"
    assert env["FILESYSTEM_ROOT"] == str(tmp_path) and env["PERSISTENCE"] == "0"
    assert set(env["SERVICES"].split(",")) == {"dynamodb", "s3", "sqs", "secretsmanager", "ses", "ssm"}
    assert env["LOCALSTACK_TELEMETRY_DISABLED"] == "1" and env["EAGER_SERVICE_LOADING"] == "1"
    assert runtime.environment("127.0.0.1", 4999, tmp_path, eager=False)["EAGER_SERVICE_LOADING"] == "0"


@pytest.fixture
def fake_localstack() -> Iterator[dict[str, Any]]:
    """An HTTP server answering /_localstack/health with whatever the test puts in `doc`."""
    state: dict[str, Any] = {"doc": {}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(state["doc"]).encode()
            self.send_response(200 if self.path == "/_localstack/health" else 404)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def test_a_running_localstack_is_reused_not_owned(fake_localstack: dict[str, Any]) -> None:
    fake_localstack["doc"] = {"services": {s: "available" for s in runtime.SERVICES}, "version": "4.14.0"}
    handle = runtime.ensure(fake_localstack["url"])
    assert not handle.owned and handle.url == fake_localstack["url"]
    handle.stop()  # a no-op: not ours
    assert runtime.health(fake_localstack["url"]) is not None


def test_a_running_localstack_without_our_services_is_refused(fake_localstack: dict[str, Any]) -> None:
    services = {s: "available" for s in runtime.SERVICES}
    services.update(ses="disabled", secretsmanager="disabled")
    fake_localstack["doc"] = {"services": services}
    with pytest.raises(runtime.LocalStackError, match="does not run secretsmanager, ses; start it with SERVICES="):
        runtime.ensure(fake_localstack["url"])


def test_nothing_listening_means_no_health() -> None:
    from infra.local.stack import free_port

    assert runtime.health(f"http://127.0.0.1:{free_port()}") is None


def test_localstack_runs_every_service_the_domain_code_calls() -> None:
    """A service missing from SERVICES answers 'not enabled' on LocalStack only: catch it here."""
    import re

    layer = Path(__file__).resolve().parents[2] / "layers" / "core" / "autograph"
    used = {m for f in layer.rglob("*.py") for m in re.findall(r"\bclient\(\"([a-z0-9-]+)\"\)", f.read_text())}
    assert used, "no client(...) calls found: the pattern is stale"
    assert used <= set(runtime.SERVICES), f"add {sorted(used - set(runtime.SERVICES))} to runtime.SERVICES"
