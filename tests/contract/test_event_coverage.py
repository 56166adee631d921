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


def test_env_json_names_only_variables_the_template_declares_and_covers_every_resource_ref() -> None:
    declared = dict(TEMPLATE["Globals"]["Function"]["Environment"]["Variables"])
    for spec in TEMPLATE["Resources"].values():
        if spec["Type"] == "AWS::Serverless::Function":
            declared.update(((spec["Properties"].get("Environment") or {}).get("Variables")) or {})
    env = json.loads((EVENTS / "env.json").read_text())
    given = {k for section in env.values() for k in section}
    # SAM only overrides variables a function declares; anything else would be silently ignored.
    assert given <= set(declared) | {"POWERTOOLS_TRACE_DISABLED", "POWERTOOLS_METRICS_DISABLED"}
    # sam local resolves !Ref/!GetAtt to the logical id: each such variable needs a real value.
    refs = {k for k, v in declared.items() if isinstance(v, dict) and ({"Ref", "Fn::GetAtt"} & set(v))
            and v.get("Ref") not in ("Stage", "MailSender") and not str(v.get("Ref", "")).startswith("AWS::")}
    assert refs <= set(env["Parameters"]), f"env.json lacks {sorted(refs - set(env['Parameters']))}"
