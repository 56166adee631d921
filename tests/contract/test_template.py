"""template.yaml, the routes it declares, the functions on disk and the OpenAPI document agree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from infra.local.template import load

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load(ROOT / "template.yaml")
RESOURCES = TEMPLATE["Resources"]


def _functions() -> dict[str, dict]:
    return {k: v["Properties"] for k, v in RESOURCES.items() if v["Type"] == "AWS::Serverless::Function"}


def test_every_function_has_code_makefile_and_handler() -> None:
    for logical, props in _functions().items():
        code = ROOT / props["CodeUri"]
        module, _, attr = props["Handler"].rpartition(".")
        source = (code / f"{module}.py").read_text()
        assert re.search(rf"^{attr}\s*=|^def {attr}\(", source, re.M), logical
        makefile = (code / "Makefile").read_text()
        assert f"build-{logical}:" in makefile, logical
        assert RESOURCES[logical]["Metadata"]["BuildMethod"] == "makefile"


def test_globals_match_the_runtime_targets() -> None:
    fn = TEMPLATE["Globals"]["Function"]
    assert fn["Runtime"] == "python3.12" and fn["Architectures"] == ["arm64"] and fn["Tracing"] == "Active"
    env = fn["Environment"]["Variables"]
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "AutoGraph"
    for logical in _functions():
        assert RESOURCES[logical]["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]


def test_globals_pass_only_what_every_function_reads() -> None:
    """Each function gets its own variables (tests/contract/test_settings.py compares them with its
    settings model); Globals keep only the AWS target and Powertools' own configuration."""
    env = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert {k for k in env if not k.startswith("POWERTOOLS_")} == {"AUTOGRAPH_AWS"}
    assert env["AUTOGRAPH_AWS"] == "aws"


def test_buckets_are_private_encrypted_and_expire_things() -> None:
    for logical, spec in RESOURCES.items():
        if spec["Type"] != "AWS::S3::Bucket":
            continue
        props = spec["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values()), logical
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], logical
        assert props["LifecycleConfiguration"]["Rules"], logical


def test_queues_have_dead_letter_queues() -> None:
    for logical in ("RenderQueue", "AiQueue"):
        redrive = RESOURCES[logical]["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] <= 5
        assert redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] in RESOURCES


def test_tables_have_ttl_and_point_in_time_recovery() -> None:
    for logical in ("AppTable", "IdempotencyTable"):
        props = RESOURCES[logical]["Properties"]
        assert props["TimeToLiveSpecification"]["Enabled"] is True
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_openapi_document_is_current() -> None:
    result = subprocess.run([sys.executable, "-m", "infra.build.openapi", "--check"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_every_declared_route_is_documented_and_every_documented_route_is_served() -> None:
    from infra.local.apigw import HttpApi
    from infra.local.lambdas import functions_from
    from infra.local.template import Resolver

    doc = json.loads((ROOT / "functions" / "platform" / "openapi.json").read_text())
    functions = functions_from(TEMPLATE, Resolver(TEMPLATE, "t", "us-east-1"), ROOT)
    api = HttpApi(TEMPLATE, functions)
    for route in api.routes:
        if route.path == "$default" or route.greedy:
            continue
        ops = doc["paths"].get(route.path)
        assert ops and (route.method == "ANY" or route.method.lower() in ops), route.route_key
    for path, ops in doc["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        for method in ops:
            served, _ = api.match(method.upper(), concrete)
            assert served is not None and served.path != "$default", f"{method} {path} is not routed"
            # The route's function is the one whose app documents it.
            protected = "security" in ops[method]
            assert protected == bool(served.authorizer), f"{method} {path}"
