"""The tests keep to their own layout: a module under tests/ (and the benchmarks and evaluation
code that reuse test builders) imports from the test tree only shared code: tests/helpers,
tests/fakes and a conftest. A test module importing another test module couples two suites
(moving or deleting one breaks the other) and runs the other's module-level code; what two
suites share belongs in tests/helpers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("tests", "benchmarks", "evaluation")
SHARED = ("tests.helpers", "tests.fakes")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def tree_imports(path: Path, root: Path) -> list[str]:
    """Each ``tests.…`` module the file imports (absolute or relative), wherever in the file."""
    here = module_name(path, root).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = here[: len(here) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            # `from tests.helpers import cases` names a module; `from x import name` the module x.
            targets = [f"{base}.{alias.name}" for alias in node.names]
            targets = [t if (root / t.replace(".", "/")).with_suffix(".py").exists() else base
                       for t in targets]  # fmt: skip
        else:
            continue
        found += [t for t in targets if t == "tests" or t.startswith("tests.")]
    return list(dict.fromkeys(found))


def allowed(target: str) -> bool:
    last = target.rpartition(".")[2]
    if last.startswith("test_"):
        return False  # a test module, even one under tests/fakes
    if last == "conftest":
        return True
    return any(target == shared or target.startswith(shared + ".") for shared in SHARED)


def violations(root: Path) -> list[str]:
    found = []
    for top in SCANNED:
        for path in sorted((root / top).rglob("*.py")):
            if ".venv" in path.parts:
                continue
            for target in tree_imports(path, root):
                if not allowed(target):
                    found.append(f"{path.relative_to(root)} imports {target}")
    return found


def test_no_test_module_imports_another_only_helpers_fakes_and_conftest() -> None:
    assert violations(ROOT) == [], (
        "import shared test code from tests/helpers (move it there), tests/fakes or a conftest"
    )


def test_the_check_sees_a_test_module_imported(tmp_path: Path) -> None:
    """The rule above is not vacuous: each kind of import it must refuse is refused."""
    (tmp_path / "tests" / "db").mkdir(parents=True)
    (tmp_path / "tests" / "helpers").mkdir()
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "tests" / "db" / "test_a.py").write_text("def put() -> None: ...\n")
    (tmp_path / "tests" / "db" / "kit.py").write_text("X = 1\n")
    (tmp_path / "tests" / "helpers" / "__init__.py").write_text("from tests.fakes import x\n")
    (tmp_path / "tests" / "db" / "test_b.py").write_text(
        "from tests.db.test_a import put\n"
        "from . import kit\n"
        "from tests.helpers import ny\n"
        "from tests.conftest import TEST_KEY\n"
        "def f() -> None:\n"
        "    import tests.db.test_a\n"
        "    import tests.fakes.test_server\n"
    )
    (tmp_path / "benchmarks" / "b.py").write_text("from tests.db.kit import X\n")
    assert violations(tmp_path) == [
        "tests/db/test_b.py imports tests.db.test_a",
        "tests/db/test_b.py imports tests.db.kit",
        "tests/db/test_b.py imports tests.fakes.test_server",
        "benchmarks/b.py imports tests.db.kit",
    ]
