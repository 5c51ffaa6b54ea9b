"""The layers of docs/architecture.md hold in the code, for every pair of layers: an app imports its own
modules, the apps of the layers below it, and no app of its own layer except a peer listed in ``PEERS``
(the workflows of layer 5 never import each other: they meet in ``documents``); nothing imports the
project's wiring (``settings``, ``urls``, ...). Parsed with ``ast`` (every ``import``, ``from ... import``,
relative imports resolved, ``import_module("qlvb....")``/``import_string`` paths written as strings),
tests and migrations excluded."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]  # src/qlvb

# docs/architecture.md, "Layers": an app may import the apps of the layers below its own.
LAYERS: dict[str, int] = {
    "core": 1,
    "directory": 2,
    "files": 2,
    "documents": 3,
    "signing": 3,
    "assignments": 4,
    "incoming": 5,  # the workflows
    "outgoing": 5,
    "dossiers": 5,
    "direction": 5,
    "exchange": 6,
    "reports": 6,
    "notifications": 6,
    "operations": 6,
    "integrations": 6,  # connected systems: drafts into outgoing, documents into incoming
    "web": 7,
    "api": 7,
}
WORKFLOWS = tuple(app for app, layer in LAYERS.items() if layer == 5)
# Same-layer imports that the design allows, (importer, imported) with the reason; never two workflows.
PEERS: dict[tuple[str, str], str] = {
    ("files", "directory"): "a stored file is taken in and opened by a person of the directory (the acting "
    "user, his agency); directory never imports files",
    ("reports", "operations"): "the six-monthly report (Điều 21.10) counts the incident and maintenance log; "
    "operations never imports reports",
    ("operations", "exchange"): "a migration bundle's edXML packages are read by exchange.edxml and their "
    "metadata taken as the axis's inbox takes it (inbox_documents.incoming_data_of); exchange never imports "
    "operations",
}
# Packages under src/qlvb that are no layer of the system: each imports no app (checked).
STANDALONE: dict[str, str] = {
    "axissim": "a local stand-in for the national axis: it plays another system, so it shares no code",
    "formats": "Django's format modules (settings.FORMAT_MODULE_PATH): constants read by Django, no code",
}
# The project's wiring at the top of src/qlvb (settings.py, urls.py, celery_app.py, cli.py, wsgi.py) may
# import every app; no app imports it.
WIRING = tuple(p.stem for p in SRC.glob("*.py") if p.stem != "__init__")

# (importing module, imported app) pairs known to break the rule, each with the reason it stays. Empty
# (issue 10: the page helpers moved below the apps, to directory.access and core.role_labels); it may only
# stay empty or shrink (``test_every_allowed_exception_is_still_needed``).
ALLOWED: dict[tuple[str, str], str] = {}


def _packages() -> list[str]:
    return sorted(p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _modules(app: str) -> Iterator[tuple[str, Path]]:
    root = SRC / app  # an app not written yet (dossiers) has no modules
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def _imports(module: str, path: Path) -> Iterator[str]:
    """Every module name ``module`` imports, at any depth of its code (function bodies included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "import_string", "__import__") and isinstance(node.args[0].value, str):
                yield node.args[0].value


@lru_cache(maxsize=1)
def _graph() -> frozenset[tuple[str, str, str]]:
    """(importing module, its app, imported ``qlvb.<package>``) for every package under src/qlvb."""
    found = set()
    for app in _packages():
        for module, path in _modules(app):
            for target in _imports(module, path):
                parts = target.split(".")
                if len(parts) >= 2 and parts[0] == "qlvb" and parts[1] != app:
                    found.add((module, app, ".".join(parts[:2])))
    return frozenset(found)


def _violations(importer_layer: int, imported_layer: int) -> list[tuple[str, str]]:
    """Imports from an app of ``importer_layer`` into an app of ``imported_layer`` that the rule forbids."""
    found = set()
    for module, app, target in _graph():
        imported = target.split(".")[1]
        if LAYERS.get(app) != importer_layer or LAYERS.get(imported) != imported_layer:
            continue
        if importer_layer > imported_layer or (app, imported) in PEERS:
            continue
        found.add((module, target))
    return sorted(pair for pair in found if pair not in ALLOWED)


def test_the_parser_sees_every_kind_of_import(tmp_path):
    """The checker itself: absolute, relative, nested and string imports are all caught."""
    source = tmp_path / "mod.py"
    source.write_text(
        "import qlvb.a.b\nfrom qlvb.c import d\nfrom ..e import f\n"
        "def g():\n    from qlvb.h.i import j\n    import_module('qlvb.k.l')\n",
        encoding="utf-8",
    )
    seen = set(_imports("qlvb.outgoing.mod", source))
    assert {"qlvb.a.b", "qlvb.c", "qlvb.e", "qlvb.e.f", "qlvb.h.i", "qlvb.k.l"} <= seen


def test_every_package_has_a_layer():
    assert [p for p in _packages() if p not in LAYERS and p not in STANDALONE] == []


@pytest.mark.parametrize(
    ("importer", "imported"),
    [(a, b) for a in range(1, 8) for b in range(a, 8)],
    ids=lambda layer: f"layer{layer}",
)
def test_no_layer_imports_its_own_layer_or_one_above(importer, imported):
    """Layer ``importer`` imports nothing of layer ``imported`` (same layer: only the ``PEERS``)."""
    assert _violations(importer, imported) == []


def test_the_workflows_are_never_peers():
    assert [pair for pair in PEERS if pair[0] in WORKFLOWS and pair[1] in WORKFLOWS] == []
    assert all(LAYERS[a] == LAYERS[b] for a, b in PEERS)


def test_no_workflow_imports_another():
    assert _violations(5, 5) == []


def test_standalone_packages_import_no_app():
    assert sorted((m, t) for m, app, t in _graph() if app in STANDALONE and t.split(".")[1] in LAYERS) == []


def test_no_app_imports_the_project_wiring():
    assert sorted((m, t) for m, app, t in _graph() if t.split(".")[1] in WIRING and app in LAYERS) == []


def test_every_allowed_exception_is_still_needed():
    """An entry of ALLOWED that no longer happens must go, so the list only ever shrinks."""
    seen = {(module, target) for module, _app, target in _graph()}
    assert [pair for pair in ALLOWED if pair not in seen] == []
