"""The autograph package's import rules (docs/architecture.md): no import loop between modules,
the render engine stands alone, persistence depends on nothing above it, and no domain module
talks to DynamoDB except through store/."""

from __future__ import annotations

import ast
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


# Modules written before store/ became the persistence boundary; issue 11 moves their DynamoDB
# calls into store/. The list may only shrink: new code goes through store/.
LEGACY_DYNAMODB = {
    "auth/accounts.py", "auth/apikeys.py", "auth/sessions.py", "diagrams/service.py",
    "diagrams/access.py", "diagrams/folders.py", "diagrams/listing.py", "diagrams/shares.py",
    "diagrams/versions.py", "diagrams/expiry.py", "diagrams/collaborators.py", "diagrams/templates.py",
}


def test_dynamodb_is_reached_only_through_store() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("store",) or rel.name in ("aws.py", "health.py") or rel.parts[0] == "http":
            continue
        text = path.read_text()
        if "pynamodb" in text or 'client("dynamodb")' in text:
            offenders.append(str(rel))
    assert set(offenders) <= LEGACY_DYNAMODB, f"DynamoDB outside store/: {set(offenders) - LEGACY_DYNAMODB}"
