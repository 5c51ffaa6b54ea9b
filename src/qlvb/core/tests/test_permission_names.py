"""Permission checks name the constant an app's ``policies.py`` declares
(``permissions.require(actor, policies.USER_MANAGE, unit=...)``), never its name written as a string:
a typo then fails at import, and a reader finds every check of a right by its constant. Parsed with
``ast`` like the layer test, tests and migrations excluded."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from qlvb.core import permissions

SRC = Path(__file__).resolve().parents[2]  # src/qlvb

CHECKS = {"has", "require", "permission_required"}


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def literal_permissions(tree: ast.Module, declared: set[str]) -> Iterator[tuple[int, str]]:
    """(line, text) of every string given to ``has``/``require``/``permission_required``, and of every
    other string naming a declared permission, outside the ``declare(...)`` that declares it and
    outside docstrings."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "declare":
            skip |= {id(child) for child in ast.walk(node)}
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # a docstring may show an example
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in CHECKS:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    skip.add(id(arg))
                    yield arg.lineno, arg.value
        elif isinstance(node, ast.Constant) and node.value in declared and id(node) not in skip:
            yield node.lineno, node.value


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_permission_checks_use_the_declared_constants():
    declared = set(permissions.registry())
    assert "directory.user_manage" in declared  # the apps' policies are loaded
    found = [
        f"{path.relative_to(SRC)}:{line}: {text!r}"
        for path, tree in _sources()
        for line, text in sorted(literal_permissions(tree, declared))
    ]
    assert found == []


def test_the_scan_sees_permission_names_written_as_strings():
    source = (
        '"""Docstring: require(actor, "files.upload")."""\n'
        'X = declare(APP, "files.upload", "Tải tệp lên", {"clerk"})\n'
        'require(actor, "files.upload")\n'
        "has(actor, X)\n"
        '@permission_required("a.b")\n'
        "def view(request): ...\n"
        'def helper(actor, permission="files.download"): ...\n'
    )
    found = sorted(literal_permissions(ast.parse(source), {"files.upload", "files.download"}))
    assert found == [(3, "files.upload"), (5, "a.b"), (7, "files.download")]
