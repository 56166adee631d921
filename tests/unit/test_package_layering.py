"""The autograph package's import rules (docs/architecture.md): no import loop between modules,
the render engine stands alone, persistence depends on nothing above it, and no domain module
talks to DynamoDB except through store/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "core" / "autograph"
FOUNDATION = {"config", "aws", "clock", "errors", "observability", "__version__", "__init__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "__init__"


def _top_level_imports(path: Path) -> set[str]:
    """autograph modules imported at module level (lazy imports inside functions are allowed)."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = base + (node.module.split(".") if node.module else [])
                # `from .pkg import name`: name may be a module of pkg, or an attribute of pkg
                out.update(".".join([*target, a.name]) for a in node.names)
                out.add(".".join(target))
            elif node.module and node.module.startswith("autograph."):
                module = node.module.removeprefix("autograph.")
                out.update(f"{module}.{a.name}" for a in node.names)
                out.add(module)
        elif isinstance(node, ast.Import):
            out.update(a.name.removeprefix("autograph.") for a in node.names if a.name.startswith("autograph."))
    return {m for m in out if m}


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        # an import of a package means its __init__; of a name in a module, that module
        graph[name] = {m if m in files else m.rpartition(".")[0] for m in _top_level_imports(path)} - {name, ""}
        graph[name] &= set(files)
    return graph


def test_no_import_loops_between_modules() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                loop = [*stack[stack.index(nxt):], nxt]
                raise AssertionError("import loop: " + " -> ".join(loop))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_render_stands_alone_and_store_sits_on_the_foundation() -> None:
    for name, deps in _graph().items():
        top = name.split(".")[0]
        outside = {d.split(".")[0] for d in deps} - {top}
        if top == "render":
            assert not outside - {"__init__"}, f"{name} imports {outside}: render must not depend on the app"
        if top == "store":
            assert outside <= FOUNDATION, f"{name} imports {outside - FOUNDATION}"
        if top in FOUNDATION:
            assert outside <= FOUNDATION, f"{name} imports {outside - FOUNDATION}"


# The persistence boundary (issue 11 §1): outside store/, no module imports PynamoDB, imports a
# store/*_models module at run time (type hints under `if TYPE_CHECKING:` are fine), spells a
# `XYZ#`-prefixed key, or opens a DynamoDB client. The legacy allowlist that used to exempt auth/
# and diagrams/ is gone: it is empty and may not come back.
DYNAMODB_CLIENT_OK = {
    "aws.py",  # builds the clients
}
KEY_LITERAL = re.compile(r"^[A-Z][A-Z0-9_]+#")


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of the nodes under `if TYPE_CHECKING:` (never executed)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return out


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for node in [tree, *ast.walk(tree)]:
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def persistence_leaks(rel: Path, source: str) -> list[str]:
    """What in one module outside store/ reaches past the persistence boundary."""
    tree = ast.parse(source)
    hints, docs = _type_checking_only(tree), _docstrings(tree)
    leaks = []
    for node in ast.walk(tree):
        where = f"{rel}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if isinstance(node, ast.ImportFrom):
                names += [f"{node.module or ''}.{a.name}" for a in node.names]
            if any(n == "pynamodb" or n.startswith("pynamodb.") for n in names):
                leaks.append(f"{where} imports pynamodb")
            elif id(node) not in hints and any(re.search(r"(^|\.)store\.\w+_models\b", n) for n in names):
                leaks.append(f"{where} imports a store model at run time")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if KEY_LITERAL.match(node.value):
                leaks.append(f"{where} spells the key prefix {node.value!r}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "client"
              and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "dynamodb"
              and str(rel) not in DYNAMODB_CLIENT_OK):
            leaks.append(f"{where} opens a DynamoDB client")
    return leaks


def test_dynamodb_is_reached_only_through_store() -> None:
    leaks = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] != "store":
            leaks += persistence_leaks(rel, path.read_text())
    assert not leaks, "persistence outside store/:\n" + "\n".join(leaks)


def test_the_boundary_check_sees_each_kind_of_leak() -> None:
    """The check above must be able to fail: each leak it exists for, in a made-up module."""
    leaky = (
        "from pynamodb.models import Model\n"
        "from ..store.diagram_models import DiagramItem\n"
        "def f(i):\n"
        "    return f\"DIAGRAM#{i}\", client(\"dynamodb\")\n"
    )
    found = persistence_leaks(Path("diagrams/x.py"), leaky)
    assert {f.split(" ", 1)[1] for f in found} == {
        "imports pynamodb", "imports a store model at run time", "spells the key prefix 'DIAGRAM#'",
        "opens a DynamoDB client"}, found
    clean = (
        '"""Keys look like `DIAGRAM#<id>` (store/diagram_models.py)."""\n'
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ..store.diagram_models import DiagramItem\n"
        "COLOR = '#ffffff'\n"
    )
    assert persistence_leaks(Path("diagrams/y.py"), clean) == []


# ------------------------------------------------------------------ S3 and the clock (issue 11 §1, §4)
FUNCTIONS_DIR = PACKAGE.parents[2] / "functions"


def _sources() -> list[tuple[str, str]]:
    files = [*PACKAGE.rglob("*.py"), *FUNCTIONS_DIR.glob("*/app.py")]
    return [(str(p.relative_to(PACKAGE) if p.is_relative_to(PACKAGE) else p.relative_to(FUNCTIONS_DIR.parent)),
             p.read_text()) for p in files]


def test_s3_is_reached_only_through_store_blobs() -> None:
    allowed = {"store/blobs.py", "aws.py"}  # aws.py makes the clients
    offenders = [name for name, text in _sources()
                 if name not in allowed and ('client("s3")' in text or "client('s3')" in text)]
    assert not offenders, f"S3 outside store/blobs.py: {offenders}"


def test_time_is_read_through_the_one_clock() -> None:
    """`from .. import clock` then `clock.now()`: tests move every module's time with one patch of
    `autograph.clock.now`. A name imported from the module, or a wall clock read elsewhere, would
    escape that patch."""
    offenders = []
    for name, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module and (
                    (node.module == "clock" and node.level) or node.module == "autograph.clock"):
                offenders.append(f"{name}: from {'.' * node.level}{node.module} import ...")
        if name != "clock.py" and not name.startswith("render/") and (
                "time.time()" in text or "datetime.now(" in text or "datetime.utcnow(" in text):
            offenders.append(f"{name}: reads the wall clock itself")
    assert not offenders, offenders
