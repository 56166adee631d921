"""The autograph package's import rules (docs/architecture.md): no import loop between modules,
the render engine stands alone, persistence depends on nothing above it, and no domain module
talks to DynamoDB except through store/."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "core" / "autograph"
FOUNDATION = {"config", "aws", "clock", "errors", "observability", "__version__", "__init__"}


def _module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "__init__"


def _top_level_imports(path: Path, root: Path = PACKAGE, modules: frozenset[str] = frozenset()) -> set[str]:
    """autograph modules that loading `path` imports: every import that runs at module level
    (inside `if`/`try`/class bodies too, not under `if TYPE_CHECKING:`), and the `# lazy:` ones
    inside functions, since lazy is for cost and must never be what keeps a loop from closing.
    An unmarked import inside a function fails test_no_function_level_imports_... below."""
    name = _module_name(path, root)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = [] if name == "__init__" else package
    out = set()
    source = path.read_text()
    for node in _imports_that_run(ast.parse(source), source.splitlines()):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                target = (package[: len(package) - (node.level - 1)] if node.level > 1 else package) + (
                    node.module.split(".") if node.module else [])
            elif node.module == "autograph" or (node.module or "").startswith("autograph."):
                target = node.module.split(".")[1:]
            else:
                continue
            # `from .pkg import name`: name is a submodule of pkg, or else an attribute of pkg/__init__
            for alias in node.names:
                sub = ".".join([*target, alias.name])
                out.add(sub if sub in modules else ".".join(target))
        elif isinstance(node, ast.Import):
            out.update(a.name.removeprefix("autograph.") for a in node.names if a.name.startswith("autograph."))
    return {m for m in out if m}


def _graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = {_module_name(p, root): p for p in root.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        # an import of a package means its __init__; of a name in a module, that module
        imported = _top_level_imports(path, root, frozenset(files))
        graph[name] = {m if m in files else m.rpartition(".")[0] for m in imported} - {name, ""}
        graph[name] &= set(files)
    return graph


def find_loop(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (loop := visit(nxt)):
                return loop
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (loop := visit(node)):
            return loop
    return None


def test_no_import_loops_between_modules() -> None:
    loop = find_loop(_graph())
    assert loop is None, "import loop: " + " -> ".join(loop or [])


def test_the_loop_check_sees_loops_however_imported(tmp_path: Path) -> None:
    """A loop closed at module level inside `try:`, or through a `# lazy:` import, is found; a
    submodule importing a sibling through its package (`from . import b`) is no loop."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("try:\n    from .c import x\nexcept ImportError:\n    pass\n")
    (pkg / "c.py").write_text("def f():\n    from .a import y  # lazy: heavy\n")
    assert find_loop(_graph(tmp_path)) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import y\n")
    assert find_loop(_graph(tmp_path)) is None


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


# ------------------------------------------------------------------ nothing hidden (issue 11 §2)
# An import inside a function hides a dependency from the loop check above. Only a deliberate
# lazy import of something heavy that the cold path does not need may sit in a function, and it
# says so on its line (`# lazy: <why>`); an unmarked one of the package or the standard library
# is a loop being dodged, or a saving of microseconds bought with a hidden dependency.
LAZY_MARK = "# lazy:"


def _function_imports(tree: ast.AST) -> list[tuple[ast.Import | ast.ImportFrom, str]]:
    """(import statement, name of the innermost function around it) for each import in a function."""
    found: list[tuple[ast.Import | ast.ImportFrom, str]] = []

    def visit(node: ast.AST, func: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if func and isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append((child, func))
            visit(child, child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func)

    visit(tree, None)
    return found


def _marked_lazy(node: ast.stmt, lines: list[str]) -> bool:
    return any(LAZY_MARK in line for line in lines[node.lineno - 1:node.end_lineno])


def _imports_that_run(tree: ast.Module, lines: list[str]) -> list[ast.Import | ast.ImportFrom]:
    """Module-level imports (not type hints) and the `# lazy:` imports inside functions."""
    hints = _type_checking_only(tree)
    in_function = {id(node) for node, _ in _function_imports(tree)}
    return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in hints
            and (id(n) not in in_function or _marked_lazy(n, lines))]


def hidden_imports(rel: Path, source: str) -> list[str]:
    """Unmarked function-level imports of autograph (relative or absolute) or the standard library."""
    lines = source.splitlines()
    found = []
    for node, func in _function_imports(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module, tops = "." * node.level + (node.module or ""), {(node.module or "").split(".")[0]}
        else:
            module, tops = ", ".join(a.name for a in node.names), {a.name.split(".")[0] for a in node.names}
        kind = ("autograph" if getattr(node, "level", 0) or "autograph" in tops
                else "stdlib" if tops <= sys.stdlib_module_names else None)
        if kind and not _marked_lazy(node, lines):
            found.append(f"{rel}:{node.lineno} imports {module} ({kind}) inside {func}()")
    return found


def test_no_function_level_imports_of_the_package_or_the_stdlib() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py"))
             for hit in hidden_imports(path.relative_to(PACKAGE), path.read_text())]
    assert not found, ("move these to module level (and fix the structure if that makes a loop), or "
                       "mark a deliberate lazy import of something heavy `# lazy: <why>`:\n" + "\n".join(found))


def test_the_hidden_import_check_sees_each_kind() -> None:
    module = (
        "import json\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ..store.diagram_models import DiagramItem\n"
        "def f():\n"
        "    import os\n"
        "    from .. import clock\n"
        "    from autograph.diagrams import service\n"
        "    import httpx\n"  # third-party: a cold-start choice, not this check's business
        "    import yaml  # lazy: only front matter needs it\n"
        "    from .engine import (  # lazy: the engine is heavy\n"
        "        render)\n"
        "    async def inner():\n"
        "        from .options import MAX\n"
        "    return inner\n"
    )
    assert hidden_imports(Path("x/y.py"), module) == [
        "x/y.py:6 imports os (stdlib) inside f()",
        "x/y.py:7 imports .. (autograph) inside f()",
        "x/y.py:8 imports autograph.diagrams (autograph) inside f()",
        "x/y.py:14 imports .options (autograph) inside inner()",
    ]
