"""The layout is the architecture, and these tests keep it so: every import between notifier's
modules (at the top of a file, inside a function or under ``if TYPE_CHECKING:``, all alike)
points down the layer order below, and no group of modules imports itself in a circle.

The order (docs/architecture.md draws it): core < transports, understanding < roster <
outbound < staff < inbound < followup < retention < service < web < runner, demo < cli <
__main__. Packages on one line of the order do not import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import notifier

PACKAGE = Path(notifier.__file__).resolve().parent
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "core",
        "transports understanding",
        "roster",
        "outbound",
        "staff",
        "inbound",
        "followup",
        "retention",
        "service",
        "web",
        "runner demo",
        "cli",
        "__main__",
    )
)
LEVEL = {name: i for i, names in enumerate(LAYERS) for name in names}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The notifier modules ``name`` imports, wherever in the file the import is."""

    def resolve(target: str) -> str | None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target or None

    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = here[: len(here) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            # `from package import module` names the module; `from module import name` the module.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            if target.split(".")[0] == "notifier":
                resolved = resolve(target)
                if resolved not in (None, name, "notifier"):
                    found.add(str(resolved))
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def layer(module: str) -> str:
    """The layer a module belongs to: its package under notifier, or itself at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else module


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_is_read_whole() -> None:
    edges = graph()
    # A TYPE_CHECKING import and one inside a function count like any other.
    assert "notifier.core.models" in edges["notifier.core.keys"]  # inside a function
    assert "notifier.roster.consent" in edges["notifier.outbound.dispatch"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_every_layer_is_known() -> None:
    assert {layer(m) for m in graph()} - {"notifier"} <= set(LEVEL)


def test_imports_point_down_the_layers() -> None:
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if layer(module) != layer(target)
        and module != "notifier"
        and LEVEL[layer(target)] >= LEVEL[layer(module)]
    )
    assert upward == []


def test_only_the_twilio_slice_imports_the_twilio_sdk() -> None:
    slice_ = PACKAGE / "transports" / "twilio"
    outside = []
    for path in PACKAGE.rglob("*.py"):
        if slice_ in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            outside += [
                f"{path.relative_to(PACKAGE)}: {n}" for n in names if n.split(".")[0] == "twilio"
            ]
    assert outside == []


# Sizes a reader can hold in mind: a function that needs a scroll bar is two (issue "One home
# for each rule"), and a module past 500 lines holds more than one purpose.
MAX_FUNCTION_LINES = 100
MAX_MODULE_LINES = 500
TOP_LEVEL = {"__init__", "__main__", "service", "runner", "demo", "retention"}


def test_no_function_over_100_lines_and_no_module_over_500() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        where = path.relative_to(PACKAGE)
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{where}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{where}:{node.lineno} {node.name}: {length} lines")
    assert too_long == []


def test_at_most_six_modules_at_the_top_of_the_package() -> None:
    assert {p.stem for p in PACKAGE.glob("*.py")} <= TOP_LEVEL
