"""checkov over template.yaml: no finding without a reason.

Every failed check fails CI; a check may be suppressed only inline, on its resource, with a
one-line reason:

    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_117
            comment: "why this check does not apply to this resource"

Some checks guard what matters for this public API and may never be suppressed: API Gateway
access logs, reserved concurrency on the public render function, S3 access logs (prod).

checkov pins its own boto3 and packaging, so it lives in `.venv-checkov` (requirements-checkov.txt),
which `make test` builds and passes as CHECKOV_BIN, like aws-sam-cli's `.venv-sam`.
"""

from __future__ import annotations

import json
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = ROOT / ".venv-checkov" / "bin" / "checkov"
# Checks that protect the public surface: they must pass, a suppression does not count.
MUST_PASS = {
    ("CKV_AWS_95", "AWS::Serverless::HttpApi.HttpApi"),  # access logging on the HTTP API
    ("CKV_AWS_115", "AWS::Serverless::Function.ExportsFunction"),  # reserved concurrency (public render)
    ("CKV_AWS_18", "AWS::S3::Bucket.DiagramsBucket"),  # S3 server access logs (prod)
    ("CKV_AWS_18", "AWS::S3::Bucket.ExportsBucket"),
    ("CKV_AWS_18", "AWS::S3::Bucket.UploadsBucket"),
}
MIN_REASON = 20  # characters: a reason, not "ok" or checkov's "No comment provided"


def _checkov() -> Path:
    explicit = os.environ.get("CHECKOV_BIN")
    path = Path(explicit) if explicit else DEFAULT_BIN
    if not path.exists():
        if explicit or os.environ.get("CI"):
            pytest.fail(f"checkov not found at {path}: `make test` installs it (requirements-checkov.txt)")
        pytest.skip("checkov is not installed here: `make test` builds .venv-checkov")
    return path


@cache
def _run() -> tuple[dict[str, Any], str]:
    cmd = [str(_checkov()), "-f", "template.yaml", "--framework", "cloudformation", "--skip-download",
           "-o", "json"]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, env=env, timeout=600)
    assert result.stdout.strip(), result.stderr[-2000:]
    report = json.loads(result.stdout)
    if isinstance(report, list):  # one entry per framework
        report = next(r for r in report if r.get("check_type") == "cloudformation")
    return report, result.stderr


def _report() -> dict[str, Any]:
    report, stderr = _run()
    if report["summary"]["parsing_errors"]:
        # Nothing was checked at all: say why (checkov's loader refuses e.g. duplicate keys, which
        # a YAML merge key `<<:` overriding a merged key produces).
        errors = [line for line in stderr.splitlines() if "ERROR" in line or "rror parsing" in line]
        pytest.fail("checkov could not parse template.yaml:\n  " + "\n  ".join(errors[-5:] or [stderr[-1500:]]))
    return report


def _reason(check: dict[str, Any]) -> str:
    comment = (check.get("check_result") or {}).get("suppress_comment") or ""
    return "" if comment.strip().lower() == "no comment provided" else comment.strip()


def test_template_parses() -> None:
    assert _report()["summary"]["resource_count"] > 0


def test_no_finding_without_a_reason() -> None:
    failed = _report()["results"]["failed_checks"]
    lines = [f"{c['resource']}: {c['check_id']} ({c['check_name']})" for c in failed]
    assert not lines, (
        "checkov findings: fix them, or suppress each on its resource with a one-line reason "
        "(Metadata: checkov: skip: - id: <check>, comment: \"<why>\"):\n  " + "\n  ".join(sorted(lines)))


def test_every_suppression_has_a_reason() -> None:
    skipped = _report()["results"]["skipped_checks"]
    unexplained = [f"{c['resource']}: {c['check_id']}" for c in skipped if len(_reason(c)) < MIN_REASON]
    assert not unexplained, f"suppressed without a reason: {sorted(unexplained)}"


def test_checks_that_matter_pass_rather_than_being_suppressed() -> None:
    passed = {(c["check_id"], c["resource"]) for c in _report()["results"]["passed_checks"]}
    missing = MUST_PASS - passed
    assert not missing, f"these must pass, not be suppressed or fail: {sorted(missing)}"


def test_suppressions_are_inline_only() -> None:
    """No config file or command-line skip list: a reason lives beside its resource."""
    assert not (ROOT / ".checkov.yaml").exists() and not (ROOT / ".checkov.yml").exists()


def test_access_log_lines_carry_the_request_id() -> None:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=Loader)  # noqa: S506 - SafeLoader subclass
    settings = template["Resources"]["HttpApi"]["Properties"]["AccessLogSettings"]
    line = json.loads(settings["Format"])
    assert line["requestId"] == "$context.requestId"
    assert {"status", "routeKey", "ip"} <= set(line)
