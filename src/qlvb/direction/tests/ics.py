"""A strict small reader of iCalendar (RFC 5545) for the tests: CRLF line ends, folded lines of at most 75
octets, BEGIN/END properly nested, every content line ``name[;param=value]*:value``. Returns the components
as nested dicts: {"name": ..., "props": [(name, params, value)], "children": [...]}."""

from __future__ import annotations

import re
from typing import Any

LINE = re.compile(r"^(?P<name>[A-Za-z0-9-]+)(?P<params>(;[A-Za-z0-9-]+=(\"[^\"]*\"|[^;:,]*))*):(?P<value>.*)$")


def unfold(raw: bytes) -> list[str]:
    assert raw.endswith(b"\r\n"), "the stream ends with CRLF"
    physical = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in p and b"\r" not in p for p in physical), "bare LF or CR"
    assert all(len(p) <= 75 for p in physical), [p for p in physical if len(p) > 75]
    logical: list[bytes] = []
    for p in physical:
        if p.startswith((b" ", b"\t")):
            logical[-1] += p[1:]
        else:
            logical.append(p)
    return [line.decode("utf-8") for line in logical]  # a fold never split a UTF-8 character


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(raw: bytes) -> dict[str, Any]:
    stack: list[dict[str, Any]] = []
    root: dict[str, Any] | None = None
    for line in unfold(raw):
        match = LINE.match(line)
        assert match, f"not a content line: {line!r}"
        name, value = match["name"].upper(), match["value"]
        params = dict(p.split("=", 1) for p in match["params"].split(";")[1:]) if match["params"] else {}
        if name == "BEGIN":
            component: dict[str, Any] = {"name": value, "props": [], "children": []}
            if stack:
                stack[-1]["children"].append(component)
            else:
                assert root is None, "one VCALENDAR"
                root = component
            stack.append(component)
        elif name == "END":
            assert stack and stack[-1]["name"] == value, (
                f"END:{value} does not close {stack[-1]['name'] if stack else None}"
            )
            stack.pop()
        else:
            assert stack, "a property outside any component"
            stack[-1]["props"].append((name, params, value))
    assert not stack and root is not None and root["name"] == "VCALENDAR"
    return root


def prop(component: dict[str, Any], name: str) -> tuple[dict[str, str], str]:
    found = [(p, v) for n, p, v in component["props"] if n == name]
    assert len(found) == 1, f"{name}: {len(found)} times"
    return found[0]


def events(calendar: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in calendar["children"] if c["name"] == "VEVENT"]
