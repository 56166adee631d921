"""`python -m infra.local`: run the whole API on http://127.0.0.1:3000 (PORT overrides)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

from .stack import LocalStack


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("werkzeug", "botocore", "pynamodb", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    state = os.environ.get("AUTOGRAPH_LOCAL_STATE")
    stack = LocalStack(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "3000")),
        target=os.environ.get("AUTOGRAPH_AWS", "moto"),
        state_dir=Path(state) if state else None,
    )
    stack.start()
    print(f"AutoGraph API on {stack.url}  (AWS: {stack.target}"
          f"{' at ' + stack.aws_url if stack.aws_url else ''}) - Ctrl-C to stop", flush=True)
    for route in sorted(stack.api.routes, key=lambda r: r.path):  # type: ignore[union-attr]
        auth = "auth" if route.authorizer else "public"
        print(f"  {route.method:7} {route.path:45} -> {route.function.logical_id} ({auth})", flush=True)
    done = threading.Event()

    def on_signal(*_: object) -> None:
        if done.is_set():  # a second Ctrl-C: leave now, whatever is still stopping
            os._exit(130)
        done.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    done.wait()
    print("stopping...", flush=True)
    stop(stack, STOP_GRACE_S if state is None else None)
    if state is None:
        # Nothing left to save: skip interpreter finalisation, which would wait on daemon threads
        # still inside a request or a long poll (the old ~25 s Ctrl-C).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0


# Ctrl-C returns within 2 s: pollers and servers are daemon threads that a clean stop waits for,
# but not beyond this (a snapshot, when AUTOGRAPH_LOCAL_STATE asks for one, is always awaited).
STOP_GRACE_S = 1.0


def stop(stack: LocalStack, grace: float | None) -> None:
    from autograph.render import isolation

    stopper = threading.Thread(target=stack.stop, name="stop", daemon=True)
    stopper.start()
    stopper.join(grace)
    isolation.shutdown(busy=True)  # render workers must not outlive us


if __name__ == "__main__":
    sys.exit(main())
