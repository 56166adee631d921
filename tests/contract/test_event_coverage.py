"""events/ covers the template: a sample event for every HTTP route, and an env.json that
`sam local invoke --env-vars` can use for every variable the functions read."""

from __future__ import annotations

import json
from pathlib import Path

from infra.local.template import load

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
TEMPLATE = load(ROOT / "template.yaml")


def _http_routes() -> set[str]:
    routes = set()
    for spec in TEMPLATE["Resources"].values():
        if spec["Type"] != "AWS::Serverless::Function":
            continue
        for event in (spec["Properties"].get("Events") or {}).values():
            if event["Type"] == "HttpApi":
                props = event["Properties"]
                routes.add("$default" if props["Path"] == "$default"
                           else f"{props['Method'].upper()} {props['Path']}")
    return routes


def _event_route_keys() -> set[str]:
    keys = set()
    for path in EVENTS.glob("*.json"):
        event = json.loads(path.read_text())
        if isinstance(event, dict) and event.get("version") == "2.0" and "routeKey" in event:
            assert event["requestContext"]["routeKey"] == event["routeKey"], path.name
            keys.add(event["routeKey"])
    return keys


def test_every_http_route_has_a_sample_event() -> None:
    missing = _http_routes() - _event_route_keys()
    assert not missing, f"add an events/*.json for: {sorted(missing)}"


def test_env_json_gives_each_function_exactly_its_variables() -> None:
    """SAM applies a function's section of env.json (by logical id) over its declared variables,
    and ignores names it does not declare: each section lists exactly the function's variables,
    so every one a `!Ref` would leave as a logical id gets a value (or a placeholder to fill)."""
    env = json.loads((EVENTS / "env.json").read_text())
    globals_vars = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert set(env["Parameters"]) <= set(globals_vars) | {"POWERTOOLS_TRACE_DISABLED", "POWERTOOLS_METRICS_DISABLED"}
    functions = {k: v["Properties"] for k, v in TEMPLATE["Resources"].items()
                 if v["Type"] == "AWS::Serverless::Function"}
    assert set(env) - {"Parameters"} == set(functions)
    for logical, props in functions.items():
        own = {k for k in ((props.get("Environment") or {}).get("Variables") or {}) if not k.startswith("POWERTOOLS_")}
        assert set(env[logical]) == own, f"{logical}: env.json lacks {sorted(own - set(env[logical]))}, " \
                                         f"has undeclared {sorted(set(env[logical]) - own)}"
