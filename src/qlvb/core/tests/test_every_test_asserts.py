"""No test that cannot fail: every test function says what it expects — an ``assert``, a
``pytest.raises``, or a call to an ``assert_*`` helper (whose name promises that it asserts)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]  # src/qlvb


def _expects(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assert):
            return True
        if isinstance(inner, ast.Call):
            func = inner.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name.startswith("assert_") or name == "raises":
                return True
    return False


def _tests(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            found.append(node)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            found += [
                n
                for n in node.body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test")
            ]
    return found


def silent_tests(root: Path) -> list[str]:
    """``path:line name`` of every test function under ``root`` that asserts nothing."""
    offenders = []
    for path in sorted(root.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for test in _tests(tree):
            if not _expects(test):
                offenders.append(f"{path.relative_to(root)}:{test.lineno} {test.name}")
    return offenders


def test_every_test_function_asserts_something() -> None:
    offenders = silent_tests(SRC)
    assert not offenders, "tests that cannot fail (no assert, pytest.raises or assert_* call):\n" + "\n".join(offenders)


def test_the_scan_finds_a_test_without_an_assertion(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n"
        "def test_checks():\n    assert 1\n"
        "def test_raises():\n    with pytest.raises(ValueError):\n        int('x')\n"
        "def test_helper(page):\n    assert_accessible(page)\n"
        "def test_nothing():\n    print('ran')\n"
        "class TestGroup:\n    def test_silent(self):\n        pass\n",
        encoding="utf-8",
    )
    assert silent_tests(tmp_path) == ["test_sample.py:9 test_nothing", "test_sample.py:12 test_silent"]
