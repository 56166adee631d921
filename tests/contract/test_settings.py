"""Each function's settings model, its app, its imports and template.yaml agree (issue 11 §4).

- every function's app.py validates one settings model at cold start (`load(XSettings)`);
- the template gives the function exactly that model's variables (Globals included; POWERTOOLS_*
  configure Powertools, and the runtime variables are set by Lambda or point at a stand-in);
- every settings field read by any module the app imports (at module level or lazily) is
  declared in that model, so no code path of the function can read a variable it is not given.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

from infra.local.template import load

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "core" / "autograph"
sys.path.insert(0, str(ROOT / "layers" / "core"))
TEMPLATE = load(ROOT / "template.yaml")
FUNCTIONS = {k: v["Properties"] for k, v in TEMPLATE["Resources"].items()
             if v["Type"] == "AWS::Serverless::Function"}

from autograph import config  # noqa: E402  (after the layer is on sys.path)


def _app(props: dict) -> Path:
    module = props["Handler"].rpartition(".")[0]
    return ROOT / props["CodeUri"] / f"{module.replace('.', '/')}.py"


def _loaded_model(app: Path) -> type:
    """The model the app passes to load(...) at module level."""
    names = [node.value.args[0].id for node in ast.parse(app.read_text()).body
             if isinstance(node, ast.Expr | ast.Assign) and isinstance(node.value, ast.Call)
             and getattr(node.value.func, "id", getattr(node.value.func, "attr", "")) == "load"
             and node.value.args and isinstance(node.value.args[0], ast.Name)]
    assert len(names) == 1, f"{app} must call load(<its settings model>) once at module level"
    return getattr(config, names[0])


def _module_path(dotted: str) -> Path | None:
    base = PACKAGE.joinpath(*dotted.split(".")) if dotted else PACKAGE
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    """autograph modules a file imports anywhere (lazy imports run on some path too)."""
    rel = path.relative_to(PACKAGE).with_suffix("").parts if path.is_relative_to(PACKAGE) else ()
    package = list(rel[:-1])  # a module's package; for __init__.py, the package itself
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and (node.module == "autograph" or node.module.startswith("autograph.")):
                module = node.module.removeprefix("autograph").lstrip(".")
            else:
                continue
            targets = [module] + [f"{module}.{a.name}".lstrip(".") for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name.removeprefix("autograph").lstrip(".") for a in node.names
                       if a.name == "autograph" or a.name.startswith("autograph.")]
        for target in targets:
            parts = target.split(".") if target else []
            for i in range(len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
                out.add(".".join(parts[:i]))
    return {m for m in out if _module_path(m)}


@cache
def _reachable(app: Path) -> frozenset[Path]:
    seen: set[Path] = set()
    todo = [_module_path(m) for m in _imports(app)]
    while todo:
        path = todo.pop()
        if path is None or path in seen:
            continue
        seen.add(path)
        todo.extend(_module_path(m) for m in _imports(path))
    return frozenset(seen)


def _is_accessor_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "get_settings"


def _walk_scope(scope: ast.AST) -> list[ast.AST]:
    """The nodes of one scope, not those of the functions defined inside it."""
    out, todo = [], list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        out.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))
    return out


def settings_reads(path: Path) -> set[str]:
    """Fields read as get_settings().x, or as s.x after s = get_settings() in the same scope."""
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    for scope in scopes:
        body = _walk_scope(scope)
        bound = {t.id for n in body if isinstance(n, ast.Assign) and _is_accessor_call(n.value)
                 for t in n.targets if isinstance(t, ast.Name)}
        for n in body:
            if isinstance(n, ast.Attribute) and (
                    _is_accessor_call(n.value) or (isinstance(n.value, ast.Name) and n.value.id in bound)):
                out.add(n.attr)
    return out


def _template_variables(props: dict) -> set[str]:
    merged = {**TEMPLATE["Globals"]["Function"]["Environment"]["Variables"],
              **((props.get("Environment") or {}).get("Variables") or {})}
    return {k for k in merged if not k.startswith("POWERTOOLS_")}


@pytest.mark.parametrize("logical", sorted(FUNCTIONS))
def test_template_passes_exactly_the_variables_of_the_functions_settings_model(logical: str) -> None:
    model = _loaded_model(_app(FUNCTIONS[logical]))
    declared = config.variables(model) - config.RUNTIME_VARIABLES
    given = _template_variables(FUNCTIONS[logical])
    assert given == declared, (f"{logical} ({model.__name__}): template lacks {sorted(declared - given)}, "
                               f"passes undeclared {sorted(given - declared)}")


@pytest.mark.parametrize("logical", sorted(FUNCTIONS))
def test_every_setting_a_function_can_read_is_in_its_model(logical: str) -> None:
    app = _app(FUNCTIONS[logical])
    model = _loaded_model(app)
    fixed = {k for k in vars(config.Policy) if not k.startswith("_")}
    missing = {}
    for path in sorted(_reachable(app)):
        for name in settings_reads(path) - set(model.model_fields) - fixed:
            missing.setdefault(name, []).append(str(path.relative_to(PACKAGE)))
    assert not missing, f"{logical} ({model.__name__}) reads settings its model does not declare: {missing}"


def test_the_reader_finds_reads() -> None:
    # Guard the analysis itself: both spellings are seen in a module known to use them.
    assert {"public_base_url", "public_base_url_parameter"} <= settings_reads(PACKAGE / "links.py")
    assert "diagrams_bucket" in settings_reads(PACKAGE / "health.py")
    every = set().union(*(settings_reads(p) for p in PACKAGE.rglob("*.py")))
    unknown = every - set(config._FIELDS) - set(vars(config.Policy))
    assert not unknown, f"settings read that no group declares: {unknown}"


def test_every_function_model_is_loaded_by_some_app() -> None:
    loaded = {_loaded_model(_app(props)) for props in FUNCTIONS.values()}
    assert loaded == set(config.FUNCTION_MODELS)
