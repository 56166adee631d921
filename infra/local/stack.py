"""The embedded local stack: moto in server mode on 127.0.0.1, the resources template.yaml
declares, the HTTP API and the SQS pollers, all in one process."""

from __future__ import annotations

import copyreg
import io
import logging
import os
import pickle
import socket
import sys
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import resources
from .apigw import HttpApi
from .lambdas import LocalFunction, environment, functions_from
from .server import make_server
from .sqs import EventSource, Poller, sources_from
from .template import Resolver, load

ROOT = Path(__file__).resolve().parents[2]
STATE_FILE = "moto-state.pickle"
SNAPSHOT_SERVICES = ("dynamodb", "s3", "sqs", "secretsmanager", "ses")
log = logging.getLogger("autograph.local")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _StatePickler(pickle.Pickler):
    """Locks inside moto's models cannot be pickled; a restored backend gets fresh ones."""

    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[type(threading.Lock())] = lambda _: (threading.Lock, ())
    dispatch_table[type(threading.RLock())] = lambda _: (threading.RLock, ())


@dataclass
class LocalStack:
    template_path: Path = ROOT / "template.yaml"
    host: str = "127.0.0.1"
    port: int = 3000
    stack_name: str = "autograph-local"
    region: str = "us-east-1"
    target: str = "moto"
    state_dir: Path | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    # LocalStack target: where it listens (reused when one answers there, else started there).
    localstack_url: str | None = None

    moto_url: str = ""
    functions: dict[str, LocalFunction] = field(default_factory=dict)
    api: HttpApi | None = None
    sources: list[EventSource] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    _moto: Any = None
    _localstack: Any = None
    _http: Any = None
    _threads: list[threading.Thread] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LocalStack:
        # Metrics are off locally, so Powertools finds none to flush on each invocation.
        warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = self.region
        if self.target == "moto":
            self._start_moto()
        elif self.target == "localstack":
            self._start_localstack()
        try:
            self._start_api()
        except BaseException:
            self._stop_stand_in()  # never leave a LocalStack (or moto) behind a failed start
            raise
        return self

    def _start_api(self) -> None:
        template = load(self.template_path)
        resolver = Resolver(template, self.stack_name, self.region, dict(self.parameters))
        self._configure_process_env({"AUTOGRAPH_AWS": self.target})
        if self.target in ("moto", "localstack"):
            resources.create_all(resolver, self._client)
        self.functions = functions_from(template, resolver, self.template_path.parent)
        self.env = environment(template, resolver)
        if self.target == "aws":
            # Real AWS: the deployed stack's names come from the caller's environment.
            self.env = {k: os.environ.get(k, v) for k, v in self.env.items()}
        self.env.update({"AUTOGRAPH_AWS": self.target})
        self._configure_process_env(self.env)
        self._bootstrap()
        self.api = HttpApi(template, self.functions, resolver)
        self.sources = sources_from(self.functions, resolver)
        self._start_http()
        self._publish_base_url()
        self._start_pollers()

    def _publish_base_url(self) -> None:
        """Share and reset links name the address this runner really serves (PORT included),
        known only once the server is bound; a PublicBaseUrl parameter still wins."""
        if self.env.get("PUBLIC_BASE_URL"):
            return
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # a bind-all address is no link
        self.env["PUBLIC_BASE_URL"] = f"http://{host}:{self.port}"
        self._configure_process_env({"PUBLIC_BASE_URL": self.env["PUBLIC_BASE_URL"]})

    def stop(self) -> None:
        self._stop.set()
        if self._localstack:
            # Ask LocalStack to stop now (it takes seconds): it completes even if we exit before
            # the wait at the end, which is how `make local` leaves on Ctrl-C.
            self._localstack.terminate()
        if self._http:
            self._http.shutdown()
            self._http.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.state_dir and self.target == "moto":
            self.snapshot()
        self._stop_stand_in()

    def _stop_stand_in(self) -> None:
        if self._moto:
            self._moto.stop()
            self._moto = None
        if self._localstack:
            self._localstack.stop()

    @property
    def aws_url(self) -> str:
        """The AWS stand-in's endpoint ("" for real AWS)."""
        return self.moto_url or (self._localstack.url if self._localstack else "")

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ pieces
    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)

        from .moto_atomic import serialize_dynamodb

        serialize_dynamodb()  # DynamoDB's per-request atomicity, which moto lacks
        if self.state_dir:
            self.restore()
        port = free_port()
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._moto.start()
        self.moto_url = f"http://127.0.0.1:{port}"
        os.environ["AUTOGRAPH_ENDPOINT_URL"] = self.moto_url

    def _start_localstack(self) -> None:
        from infra.localstack.runtime import DEFAULT_URL, ensure

        url = self.localstack_url or os.environ.get("AUTOGRAPH_ENDPOINT_URL") or DEFAULT_URL
        if self.state_dir:
            log.warning("AUTOGRAPH_LOCAL_STATE snapshots moto only: LocalStack community keeps "
                        "its data as long as it runs")
        self._localstack = ensure(url)
        os.environ["AUTOGRAPH_ENDPOINT_URL"] = url

    def _client(self, service: str) -> Any:
        from autograph.aws import client

        return client(service)

    def _configure_process_env(self, env: dict[str, str]) -> None:
        os.environ.update(env)
        # Local defaults: no X-Ray daemon, no EMF to stdout, quieter logs. The caller may override.
        os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
        os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "autograph-local")
        os.environ["POWERTOOLS_LOG_LEVEL"] = os.environ.get("AUTOGRAPH_LOG_LEVEL", "WARNING")
        core = str(ROOT / "layers" / "core")
        if core not in sys.path:
            sys.path.insert(0, core)
        from autograph.aws import reset_clients
        from autograph.config import reset_settings

        reset_settings()
        reset_clients()
        try:
            from autograph.store.base import rebind_all

            rebind_all()
        except ImportError:  # PynamoDB not importable yet is fine before functions load
            pass

    def _bootstrap(self) -> None:
        """First start: give the signing-key secret a real key (AWS does this on first use)."""
        if self.target == "aws":
            return
        from autograph.auth.keys import load_keys, reset_cache

        reset_cache()
        load_keys(create=True, force=True)

    def _start_http(self) -> None:
        assert self.api is not None
        self._http = make_server(self.api, self.host, self.port)
        self.port = self._http.server_address[1]
        thread = threading.Thread(target=self._http.serve_forever, name="http-api", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _start_pollers(self) -> None:
        sqs = self._client("sqs")
        for source in self.sources:
            poller = Poller(sqs, source, self.region, self._stop)
            poller.start()
            self._threads.append(poller)

    # ------------------------------------------------------------------ persistence
    def snapshot(self) -> Path:
        """Pickle moto's in-memory backends (moto has no persistence of its own)."""
        from moto.backends import get_backend

        assert self.state_dir is not None
        self.state_dir.mkdir(parents=True, exist_ok=True)
        state = {name: dict(get_backend(name)) for name in SNAPSHOT_SERVICES}
        path = self.state_dir / STATE_FILE
        tmp = path.with_suffix(".tmp")
        buffer = io.BytesIO()
        _StatePickler(buffer).dump(state)
        tmp.write_bytes(buffer.getvalue())
        tmp.replace(path)
        log.warning("local state saved to %s", path)
        return path

    def restore(self) -> bool:
        from moto.backends import get_backend

        assert self.state_dir is not None
        path = self.state_dir / STATE_FILE
        if not path.exists():
            return False
        state = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, written by snapshot()
        for name, accounts in state.items():
            backend = get_backend(name)
            backend.update(accounts)
        log.warning("local state restored from %s", path)
        return True
