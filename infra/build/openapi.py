"""Merges every HTTP function's FastAPI OpenAPI into the one document served at /v1/openapi.json.

`python -m infra.build.openapi --write` regenerates functions/platform/openapi.json;
`--check` exits 1 when the committed file is stale (a contract test runs the same check).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "layers" / "core"))
OUTPUT = ROOT / "functions" / "platform" / "openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")


def _apps() -> dict[str, Any]:
    import os

    from infra.local.apigw import HttpApi
    from infra.local.lambdas import environment, functions_from
    from infra.local.template import Resolver, load

    template = load(ROOT / "template.yaml")
    resolver = Resolver(template, "autograph-openapi", "us-east-1", placeholders=True)
    # Each app validates its settings at import: give it the template's variables (resources
    # named by their logical ids; nothing is called while the document is built).
    for key, value in {**environment(template, resolver), "AWS_REGION": "us-east-1"}.items():
        os.environ.setdefault(key, value)
    functions = functions_from(template, resolver, ROOT)
    api = HttpApi(template, functions)
    apps = {}
    for logical, fn in sorted(functions.items()):
        if any(r.function is fn for r in api.routes):
            fn.handler()  # loads the module
            loaded = sys.modules[f"_autograph_fn_{logical}"]
            if hasattr(loaded, "app"):
                apps[logical] = loaded.app
    return {"apps": apps, "api": api}


def build() -> dict[str, Any]:
    from autograph import __version__

    found = _apps()
    api = found["api"]
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "AutoGraph API", "version": __version__,
                 "description": "AI diagramming backend. Errors are RFC 9457 problem details."},
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT or API key"},
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        }},
    }
    for _logical, app in found["apps"].items():
        part = app.openapi()
        for path, ops in part.get("paths", {}).items():
            for method, op in ops.items():
                route, _ = api.match(method.upper(), _example(path))
                if route is not None and route.authorizer:
                    op["security"] = [{"bearer": []}, {"apiKey": []}]
                doc["paths"].setdefault(path, {})[method] = op
        doc["components"]["schemas"].update(part.get("components", {}).get("schemas", {}))
    doc["paths"] = dict(sorted(doc["paths"].items()))
    doc["components"]["schemas"] = dict(sorted(doc["components"]["schemas"].items()))
    return doc


def _example(path: str) -> str:
    """A concrete path for a templated one, to ask the router which route serves it."""
    import re

    return re.sub(r"\{[^}]+\}", "x", path)


def render() -> str:
    return json.dumps(build(), indent=1, sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.write:
        OUTPUT.write_text(text)
        print(f"wrote {OUTPUT.relative_to(ROOT)}")
    elif args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print("functions/platform/openapi.json is stale: run `make openapi`", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
