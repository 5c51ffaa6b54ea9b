"""The layers of docs/architecture.md hold in the code: the workflows (layer 5) never import each
other — they meet in ``documents`` — and the layers below them import no workflow and nothing of
layers 6 and 7. Parsed with ``ast`` (every ``import``, ``from ... import``, relative imports resolved,
``import_module("qlvb....")``/``import_string`` paths written as strings), tests excluded.

Also the replacement for the old import: outgoing asks ``qlvb.documents.visibility`` whether the
drafter may see the incoming document the draft answers, and the rule it gets is incoming's own."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.documents.models import Direction
from qlvb.documents.visibility import document_visible_get, documents_visible_to
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.selectors import documents_visible_to as incoming_rule
from qlvb.incoming.tests.conftest import make_data

SRC = Path(__file__).resolve().parents[2]  # src/qlvb

WORKFLOWS = ("incoming", "outgoing", "dossiers")  # layer 5
ABOVE_WORKFLOWS = ("exchange", "reports", "notifications", "operations", "api", "web")  # layers 6, 7
BELOW_WORKFLOWS = ("core", "directory", "files", "documents", "signing", "assignments")  # layers 1–4

# (importing module, imported module) pairs known to break the rule, each with the reason it stays.
ALLOWED: dict[tuple[str, str], str] = {}


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


def _violations(importers: tuple[str, ...], forbidden: tuple[str, ...]) -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for app in importers:
        for module, path in _modules(app):
            for target in _imports(module, path):
                parts = target.split(".")
                if len(parts) >= 2 and parts[0] == "qlvb" and parts[1] in forbidden and parts[1] != app:
                    found.add((module, ".".join(parts[:2])))
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


def test_outgoing_never_imports_incoming():
    assert _violations(("outgoing",), ("incoming",)) == []


def test_incoming_never_imports_outgoing():
    assert _violations(("incoming",), ("outgoing",)) == []


def test_no_workflow_imports_another():
    assert _violations(WORKFLOWS, WORKFLOWS) == []


def test_the_layers_below_the_workflows_import_no_workflow_and_nothing_above():
    assert _violations(BELOW_WORKFLOWS, WORKFLOWS + ABOVE_WORKFLOWS) == []


def test_every_allowed_exception_is_still_needed():
    """An entry of ALLOWED that no longer happens must go, so the list only ever shrinks."""
    everything = tuple(p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    seen = {
        (module, ".".join(target.split(".")[:2]))
        for app in everything
        for module, path in _modules(app)
        for target in _imports(module, path)
    }
    assert [pair for pair in ALLOWED if pair not in seen] == []


# --- the visibility registry that replaced outgoing's import of incoming ---------------------------


@pytest.mark.django_db
def test_incoming_registers_its_own_rule(person):
    clerk = person("lethuha")
    assert str(documents_visible_to(clerk, Direction.INCOMING).query) == str(incoming_rule(clerk).query)


@pytest.mark.django_db
def test_a_direction_nobody_registered_shows_nothing(person):
    assert not documents_visible_to(person("lethuha"), Direction.INTERNAL).exists()


@pytest.mark.django_db
def test_a_drafter_cannot_answer_an_incoming_document_she_may_not_see(draft, person, ubnd):
    asked = incoming_receive(actor=person("lethuha"), agency=ubnd, channel="email", data=make_data()).document
    drafter = person("dothanhhuong")  # nothing routed to her yet
    with pytest.raises(NotFound):
        document_visible_get(drafter, Direction.INCOMING, asked.pk)
    with pytest.raises(ValidationFailed, match="Không tìm thấy văn bản đến được trả lời"):
        draft(answers=asked)
    # the agency's clerk sees it, and a draft of hers may answer it
    assert document_visible_get(person("lethuha"), Direction.INCOMING, asked.pk) == asked
