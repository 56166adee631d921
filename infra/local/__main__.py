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
          f"{' at ' + stack.moto_url if stack.moto_url else ''}) - Ctrl-C to stop", flush=True)
    for route in sorted(stack.api.routes, key=lambda r: r.path):  # type: ignore[union-attr]
        auth = "auth" if route.authorizer else "public"
        print(f"  {route.method:7} {route.path:45} -> {route.function.logical_id} ({auth})", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    print("stopping...", flush=True)
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
