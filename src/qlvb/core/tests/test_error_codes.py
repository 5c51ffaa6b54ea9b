"""Every domain error is raised with a code declared in its app's ``errors.py`` (``ErrorCode``, a
``StrEnum`` whose values API clients see), never with a string written at the raise. Parsed with
``ast`` like the layer test, tests and migrations excluded."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]  # src/qlvb


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def domain_error_classes(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """``DomainError`` and every class of the source tree that derives from it, at any depth."""
    found = {"DomainError"}
    classes = [node for _path, tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    while True:
        more = {c.name for c in classes if c.name not in found and any(_name(b) in found for b in c.bases)}
        if not more:
            return found
        found |= more


def literal_codes(tree: ast.Module, errors: set[str]) -> Iterator[tuple[int, str]]:
    """(line, code) of every ``code="..."`` given to a domain error: its constructor, or the
    ``super().__init__`` of a domain error class."""
    inside: dict[ast.AST, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for child in ast.walk(node):
                inside.setdefault(child, node.name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _name(node.func)
        is_super_init = called == "__init__" and inside.get(node) in errors
        if called not in errors and not is_super_init:
            continue
        for keyword in node.keywords:
            if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                yield node.lineno, repr(keyword.value.value)


def test_domain_errors_take_declared_codes():
    trees = list(_sources())
    errors = domain_error_classes(trees)
    found = [
        f"{path.relative_to(SRC)}:{line}: code={value}"
        for path, tree in trees
        for line, value in literal_codes(tree, errors)
    ]
    assert found == []


def test_the_scan_sees_literal_codes(tmp_path):
    """The checker itself: a subclass of a subclass, a plain raise and a ``super().__init__`` are caught;
    an enum member and Django's own ``ValidationError`` are not."""
    source = (
        "class Refused(ValidationFailed):\n"
        "    def __init__(self, m):\n"
        "        super().__init__(m, code='refused')\n"
        "class Deeper(Refused): ...\n"
        "raise Deeper('x', code='deep')\n"
        "raise Conflict('x', code=ErrorCode.TAKEN)\n"
        "raise ValidationError('x', code='form')\n"
    )
    tree = ast.parse(source)
    trees = [(tmp_path / "m.py", tree), *(_sources())]
    errors = domain_error_classes(trees)
    assert {"Refused", "Deeper", "ZipRefused", "SigningRefused"} <= errors
    assert sorted(literal_codes(tree, errors)) == [(3, "'refused'"), (5, "'deep'")]
