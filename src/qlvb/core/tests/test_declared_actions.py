"""Every audit action and document event the code records is declared, by the app that owns it, at
start-up: a forgotten declaration would otherwise surface only when the act happens (``record`` and
``event_record`` refuse undeclared names)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from qlvb.core import audit
from qlvb.documents import events

SRC = Path(__file__).resolve().parents[2]  # src/qlvb


def _literal_calls(func_names: set[str], keyword: str | None) -> dict[str, str]:
    """``{name: module}`` for every literal first argument (or ``keyword=`` argument) of the calls."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called not in func_names:
                continue
            values = [kw.value for kw in node.keywords if kw.arg == keyword] if keyword else node.args[:1]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found[value.value] = str(path.relative_to(SRC))
                elif isinstance(value, ast.IfExp):  # action="a" if ... else "b"
                    for branch in (value.body, value.orelse):
                        if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                            found[branch.value] = str(path.relative_to(SRC))
    return found


def test_every_recorded_audit_action_is_declared():
    recorded = _literal_calls({"record"}, None)
    recorded = {name: where for name, where in recorded.items() if "." in name and " " not in name}
    assert len(recorded) > 20  # the scan sees the calls
    assert {name: where for name, where in recorded.items() if name not in audit.ACTIONS} == {}


def test_every_recorded_document_event_is_declared():
    recorded = _literal_calls({"event_record"}, "action")
    assert len(recorded) > 30
    assert {name: where for name, where in recorded.items() if name not in events.EVENTS} == {}


def test_each_app_declares_its_own():
    assert audit.ACTIONS["incoming.registered"] and audit.ACTIONS["file.uploaded"]
    assert events.EVENTS["registered"] == "Vào sổ văn bản đến"  # from incoming/events.py


def test_an_action_cannot_be_declared_twice_with_another_label():
    with pytest.raises(ValueError, match="already declared"):
        audit.audit_actions_declare({"file.uploaded": "Một nhãn khác"})
    with pytest.raises(ValueError, match="already declared"):
        events.events_declare({"registered": "Một nhãn khác"})
    audit.audit_actions_declare({"file.uploaded": audit.ACTIONS["file.uploaded"]})  # the same label: fine
