"""The tooling CI relies on: ruff, cfn-lint, `sam validate --lint` and a Docker-free `sam build`
whose output holds what Lambda needs (arm64 wheels in the deps layer, the package in the core
layer, app.py in each function)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAM = os.environ.get("SAM_BIN") or shutil.which("sam") or str(ROOT / ".venv-sam" / "bin" / "sam")
ENV = {**os.environ, "SAM_CLI_TELEMETRY": "0"}

pytestmark = pytest.mark.build


def _run(*cmd: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ENV, check=False, timeout=900)


def test_ruff_is_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_passes() -> None:
    result = _run(str(Path(sys.executable).with_name("cfn-lint")), "template.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def _require_sam() -> None:
    if not Path(SAM).exists():
        pytest.fail(f"aws-sam-cli not found at {SAM}: run `make test`, which installs it")


def test_sam_validate_lint() -> None:
    _require_sam()
    result = _run(SAM, "validate", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_sam_build_without_docker(tmp_path: Path) -> None:
    _require_sam()
    build_dir = tmp_path / "build"
    result = _run(SAM, "build", "--build-dir", str(build_dir), "--parallel")
    assert result.returncode == 0, result.stdout + result.stderr
    deps = build_dir / "DepsLayer" / "python"
    for package in ("fastapi", "mangum", "pynamodb", "aws_lambda_powertools", "jwt", "bcrypt", "pydantic_core"):
        assert (deps / package).is_dir(), package
    native = list(deps.rglob("*.so"))
    assert native and all("x86_64" not in so.name for so in native)
    assert any("aarch64" in so.name for so in native)
    assert not list(deps.rglob("*cpython-311*")), "wheels must target python3.12"
    core = build_dir / "CoreLayer" / "python" / "autograph"
    assert (core / "__init__.py").is_file() and (core / "auth" / "common_passwords.txt").is_file()
    _assert_bytecode_matches_the_build_python(core, deps)
    functions = [p.name for p in (ROOT / "functions").iterdir() if (p / "Makefile").exists()]
    built = [d for d in build_dir.iterdir() if d.name.endswith("Function")]
    assert len(built) == len(functions)
    for fn in built:
        assert (fn / "app.py").is_file(), fn.name
    assert (build_dir / "PlatformFunction" / "openapi.json").is_file()
    # Lambda's limit: a function plus its layers, unzipped, at most 250 MB.
    layers = _size(build_dir / "DepsLayer") + _size(build_dir / "CoreLayer")
    assert layers + max(_size(fn) for fn in built) < 250 * 1024 * 1024


def _py312_at_hand() -> bool:
    if list(Path.home().glob(".pyenv/versions/3.12.*/bin/python3.12")):
        return True
    if not shutil.which("python3.12"):
        return False
    return subprocess.run(["python3.12", "-c", "pass"], capture_output=True, check=False).returncode == 0


def _assert_bytecode_matches_the_build_python(core: Path, deps: Path) -> None:
    """With a 3.12 at build time the layers carry 3.12 bytecode that Lambda uses unchanged
    (unchecked-hash: valid whatever mtimes the zip gives the sources); without one, none."""
    pycs = list(core.rglob("*.pyc"))
    if not _py312_at_hand():
        assert not pycs
        return
    sources = list(core.rglob("*.py"))
    assert len(pycs) == len(sources), "every module of the core layer is precompiled"
    assert all(p.name.endswith(".cpython-312.pyc") for p in pycs)
    # PEP 552 flags word: bit 0 = hash-based, bit 1 = check_source; unchecked-hash is 0b01.
    assert all(int.from_bytes(p.read_bytes()[4:8], "little") == 1 for p in pycs)
    assert (deps / "fastapi" / "__pycache__" / "applications.cpython-312.pyc").is_file()


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
