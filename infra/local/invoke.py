"""`python -m infra.local.invoke EVENT [FUNCTION]`: run one sample event through a function, the
way `sam local invoke FUNCTION -e EVENT` would, but in-process against the embedded moto stack
(no Docker). `make invoke EVENT=events/auth-me.json` is the short form.

The function is found from the event: an HTTP API event by its routeKey (as API Gateway routes
it), an SQS/S3 event by the template's event sources; name it explicitly to override. With
`--as-new-user` a fresh user is signed up first and put in the event's authorizer context, so a
protected route answers for a real caller instead of the placeholder id in the file.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path
from typing import Any

from .stack import LocalStack


def pick_function(stack: LocalStack, event: dict[str, Any], name: str | None) -> Any:
    if name:
        for logical, fn in stack.functions.items():
            if name in (logical, fn.name) or f"{name.lower()}function" == logical.lower():
                return fn
        raise SystemExit(f"no function {name!r}; the template has {', '.join(sorted(stack.functions))}")
    route_key = event.get("routeKey")
    if route_key == "$default":
        return stack.functions["PlatformFunction"]
    if route_key and stack.api is not None:
        method = route_key.split(" ", 1)[0]
        method = event["requestContext"]["http"]["method"] if method == "ANY" else method
        route, _ = stack.api.match(method, event["rawPath"])
        if route is None:
            raise SystemExit(f"no route matches {route_key}")
        return route.function
    records = event.get("Records") or []
    arn = (records[0].get("eventSourceARN") or "") if records else ""
    queue = arn.rsplit(":", 1)[-1]
    for source in stack.sources:
        if queue and queue == source.queue_arn.rsplit(":", 1)[-1]:
            return source.function
    raise SystemExit("cannot tell which function takes this event: name it (FN=...)")


def as_new_user(stack: LocalStack, event: dict[str, Any]) -> dict[str, Any]:
    import uuid

    import httpx

    resp = httpx.post(f"{stack.url}/v1/auth/register",
                      json={"email": f"invoke-{uuid.uuid4().hex[:12]}@example.com",
                            "password": "correct-horse-battery"})
    resp.raise_for_status()
    user = resp.json()["user"]
    authorizer = event.setdefault("requestContext", {}).setdefault("authorizer", {})
    authorizer["lambda"] = {"authenticated": True, "user_id": user["id"], "email": user["email"],
                            "auth_type": "jwt", "key_id": ""}
    return event


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("event", type=Path, help="an event file, e.g. events/auth-me.json")
    parser.add_argument("function", nargs="?", help="logical id (AuthFunction) or short name (auth)")
    parser.add_argument("--as-new-user", action="store_true", help="sign up a user and invoke as them")
    args = parser.parse_args(argv)
    event = json.loads(args.event.read_text())
    stack = LocalStack(port=0).start()
    try:
        function = pick_function(stack, event, args.function)
        if args.as_new_user:
            event = as_new_user(stack, event)
        result = function.invoke(event)
    finally:
        stack.stop()
    if isinstance(result, dict) and result.get("isBase64Encoded"):
        raw = base64.b64decode(result["body"])
        result = {**result, "body": f"<{len(raw)} bytes, base64 in the real response>"}
    print(f"{function.logical_id} <- {args.event}", file=sys.stderr)
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
