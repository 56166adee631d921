"""The hard stop: Mermaid layout, validation and PNG/PDF conversion run in worker processes.

The engine is native code that holds the interpreter while it works, and nothing inside a
process can interrupt it. So each render task goes to a long-lived worker process over a pipe;
the calling thread waits on the pipe (releasing the GIL, so other requests in the same Lambda
process or local server keep going) and kills the worker when the budget is spent. A killed
worker is replaced on the next call. Workers stay warm between invocations (the pipe round trip
is well under 1 ms; the first call of a process pays the worker's start, 0.3-0.9 s here).

Plain subprocess pipes, not multiprocessing: Lambda has no /dev/shm (multiprocessing's queues
and pools need it) and its bootstrap is not a re-importable __main__ for "spawn".
`AUTOGRAPH_RENDER_ISOLATION=inline` runs tasks in the calling thread (debugging, profiling).
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import Any

from . import budget, engine
from .errors import InvalidDiagram, RenderError, RenderInputError, RenderLimitExceeded, RenderTooComplex, WorkerBusy
from .options import DEFAULT_TIME_BUDGET_S, MAX_SOURCE_BYTES

_HEADER = struct.Struct("!I")
_READY = b"ready\n"
_SPAWN_GRACE_S = 10.0  # a worker that cannot start by then is a server fault, not the input's


class _Stopped(Exception):
    pass


def _tasks() -> dict[str, Any]:
    from . import core, validation  # lazy: only the worker process lays out (~30 ms the parent never pays)

    return {"render_detailed": core.render_detailed, "validate": validation.validate,
            "engine": engine._call}


def _max_workers() -> int:
    return max(1, int(os.environ.get("AUTOGRAPH_RENDER_WORKERS") or max(2, os.cpu_count() or 1)))


def inline() -> bool:
    return os.environ.get("AUTOGRAPH_RENDER_ISOLATION", "process").lower() == "inline"


# ------------------------------------------------------------------ errors over the pipe
def _encode_error(exc: BaseException) -> tuple[Any, ...]:
    if isinstance(exc, InvalidDiagram):
        return ("InvalidDiagram", exc.result)
    if isinstance(exc, RenderTooComplex):
        return ("RenderTooComplex", str(exc), exc.details())
    if isinstance(exc, engine.EngineError):
        return ("EngineError", str(exc), exc.backend, exc.parse)
    for cls in (RenderLimitExceeded, RenderInputError, RenderError):
        if isinstance(exc, cls):
            return (cls.__name__, str(exc))
    return ("RenderError", f"the renderer failed ({type(exc).__name__}: {exc})")


def _decode_error(data: tuple[Any, ...]) -> RenderError:
    kind = data[0]
    if kind == "InvalidDiagram":
        return InvalidDiagram(data[1])
    if kind == "RenderTooComplex":
        return RenderTooComplex(data[1], **data[2])
    if kind == "EngineError":
        return engine.EngineError(data[1], data[2], data[3])
    cls = {"RenderLimitExceeded": RenderLimitExceeded, "RenderInputError": RenderInputError}.get(kind, RenderError)
    return cls(data[1])


# ------------------------------------------------------------------ parent side
class _Worker:
    def __init__(self) -> None:
        paths = [p for p in sys.path if p and os.path.isdir(p)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths), AUTOGRAPH_RENDER_ISOLATION="inline")
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from autograph.render.isolation import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        # The worker says "ready" once the engine is loaded. That start-up is the container's
        # cost, like a cold start, not the input's: the caller's budget is extended by it.
        try:
            ready = self._read(len(_READY), started + _SPAWN_GRACE_S)
        except (_Stopped, RenderError):
            ready = b""
        if ready != _READY:
            self.kill()
            raise RenderError("the render worker did not start")
        self.startup_s = time.monotonic() - started

    @property
    def pid(self) -> int:
        return self.proc.pid

    def call(self, task: str, args: tuple[Any, ...], deadline: float) -> tuple[bool, Any]:
        payload = pickle.dumps((task, args, max(deadline - time.monotonic(), 0.0)), protocol=5)
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(_HEADER.pack(len(payload)) + payload)
            self.proc.stdin.flush()
        except OSError as exc:  # it died between tasks
            raise RenderError("the render worker exited unexpectedly") from exc
        size = _HEADER.unpack(self._read(_HEADER.size, deadline))[0]
        return pickle.loads(self._read(size, deadline + 1.0))  # noqa: S301 - our own worker

    def _read(self, size: int, limit: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks: list[bytes] = []
        got = 0
        while got < size:
            wait = limit - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise _Stopped
            chunk = os.read(fd, size - got)
            if not chunk:
                raise RenderError("the render worker exited unexpectedly")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                stream.close()


class _Pool:
    def __init__(self) -> None:
        self.idle: list[_Worker] = []
        self.live: set[_Worker] = set()  # busy or idle, to stop them all at exit
        self.count = 0
        self.cond = threading.Condition()

    def acquire(self, deadline: float) -> _Worker:
        with self.cond:
            while True:
                while self.idle:
                    worker = self.idle.pop()
                    if worker.proc.poll() is None:
                        return worker
                    worker.kill()  # died while idle (e.g. a restored snapshot): replace it
                    self.live.discard(worker)
                    self.count -= 1
                if self.count < _max_workers():
                    self.count += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0 or not self.cond.wait(left):
                    raise WorkerBusy("every render worker is busy; try again shortly")
        try:
            worker = _Worker()
        except BaseException:
            self.discard()
            raise
        with self.cond:
            self.live.add(worker)
        return worker

    def release(self, worker: _Worker) -> None:
        with self.cond:
            self.idle.append(worker)
            self.cond.notify()

    def discard(self, worker: _Worker | None = None) -> None:
        if worker is not None:
            worker.kill()
        with self.cond:
            if worker is None or worker in self.live:  # not already stopped by shutdown()
                self.live.discard(worker)  # type: ignore[arg-type]
                self.count -= 1
            self.cond.notify()

    def shutdown(self, busy: bool = False) -> None:
        with self.cond:
            stopping = list(self.live) if busy else self.idle
            self.idle = []
            self.live -= set(stopping)
            self.count -= len(stopping)
        for worker in stopping:
            worker.kill()


_POOL = _Pool()
_local = threading.local()


def last_pid() -> int | None:
    """The pid of the worker that ran this thread's latest task (tests, diagnostics)."""
    return getattr(_local, "pid", None)


def run(task: str, *args: Any, seconds: float) -> Any:
    """Run a render task within `seconds`: its result, its own error, or RenderTooComplex once
    the time is up (the worker is killed, whatever the engine was doing)."""
    if seconds <= 0:
        raise budget.over_time(seconds, "start")
    deadline = time.monotonic() + seconds
    if inline():
        token = budget._deadline.set(deadline)
        try:
            return _tasks()[task](*args)
        finally:
            budget._deadline.reset(token)
    worker = _POOL.acquire(deadline)
    _local.pid = worker.pid
    deadline += getattr(worker, "startup_s", 0.0)
    worker.startup_s = 0.0  # only the call that started it is given the extra time
    try:
        ok, value = worker.call(task, args, deadline)
    except _Stopped:
        _POOL.discard(worker)
        raise budget.over_time(seconds, task) from None
    except BaseException:
        _POOL.discard(worker)
        raise
    _POOL.release(worker)
    if ok:
        return value
    raise _decode_error(value)


def shutdown(busy: bool = False) -> None:
    """Stop idle workers (and busy ones too when the process is exiting)."""
    _POOL.shutdown(busy)


atexit.register(shutdown, True)  # a worker must not outlive the process that started it


# ------------------------------------------------------------------ worker side
def serve() -> None:
    """The worker loop: read (task, args, seconds left), answer (ok, result or error)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent; we exit on EOF
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # stray prints from libraries must not corrupt the protocol stream
    inp = sys.stdin.buffer
    tasks = _tasks()
    engine._ext()  # load the engine once, before the first task's clock starts
    out.write(_READY)
    while True:
        header = inp.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return  # the parent went away
        task, args, left = pickle.loads(inp.read(_HEADER.unpack(header)[0]))  # noqa: S301
        budget.set_deadline(time.monotonic() + left)
        try:
            answer: tuple[bool, Any] = (True, tasks[task](*args))
        except Exception as exc:
            answer = (False, _encode_error(exc))
        finally:
            budget.set_deadline(None)
        try:
            data = pickle.dumps(answer, protocol=5)
        except Exception as exc:
            data = pickle.dumps((False, _encode_error(exc)), protocol=5)
        out.write(_HEADER.pack(len(data)) + data)


# ------------------------------------------------------------------ the public entry points
def render_detailed(source_or_canvas: Any, fmt: str, options: Any = None) -> Any:
    """core.render_detailed behind admission limits and the hard stop."""
    seconds = getattr(options, "time_budget_s", DEFAULT_TIME_BUDGET_S)
    if isinstance(source_or_canvas, str) and len(source_or_canvas.encode("utf-8", "replace")) <= MAX_SOURCE_BYTES:
        budget.admit(source_or_canvas)
    return run("render_detailed", source_or_canvas, fmt, options, seconds=seconds)


def validate(source: Any, seconds: float | None = None) -> dict[str, Any]:
    """validation.validate behind admission limits and the hard stop."""
    if isinstance(source, str) and len(source.encode("utf-8", "replace")) <= MAX_SOURCE_BYTES:
        budget.admit(source)
    return run("validate", source, seconds=seconds or DEFAULT_TIME_BUDGET_S)
