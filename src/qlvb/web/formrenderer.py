"""The form renderer: Django's own, with its commonest widget templates written in Python.

Django renders every widget through a template, and a ``<select>`` through one more template per
``<option>`` plus the attributes template for each: a list page's filter form (a type list of 29 entries
and a few more selects) cost ~4 ms of CPU per request, a third of the page (docs/benchmarks.md,
"CPU per request"). The templates written here produce the same text, character for character, as
Django's ``django/forms/widgets/{input,attrs,select,select_option}.html`` and the input templates that
only include ``input.html`` (``tests/test_formrenderer.py`` compares them); every other template
(whole forms, radio lists, textareas, a project's own) goes through the templates as before.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs

WIDGETS = "django/forms/widgets/"
OPTION = WIDGETS + "select_option.html"
# the input templates whose whole text is {% include "django/forms/widgets/input.html" %}
INPUTS = frozenset(
    WIDGETS + name + ".html"
    for name in (
        "input",
        "text",
        "search",
        "date",
        "datetime",
        "time",
        "email",
        "number",
        "password",
        "tel",
        "url",
        "color",
        "hidden",
        "checkbox",
    )
)


def _s(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: kept as it is when already safe, escaped otherwise."""
    kind = type(value)
    if kind is str or kind is int:  # the commonest values (an option's): escaped as ``escape`` escapes them
        return html.escape(str(value))
    if isinstance(value, SafeData):
        return str(value)
    return escape(str(value))


def _v(value: Any) -> str:
    """``{{ value }}``: localised as a template prints it, then escaped unless safe."""
    if type(value) is str:  # plain text: nothing to localise (``localize`` and ``template_localtime`` keep it)
        return html.escape(value)
    return str(conditional_escape(localize(template_localtime(value))))


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_v(name)}" if value is True else f' {_v(name)}="{_s(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_s(widget["value"])}"'
    return f'<input type="{_v(widget["type"])}" name="{_v(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


def _option(option: dict[str, Any]) -> str:
    return f'<option value="{_s(option["value"])}"{_attrs(option["attrs"])}>{_v(option["label"])}</option>\n'


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{_v(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_v(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None  # an option of another kind: its own template
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


FAST: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **dict.fromkeys(INPUTS, _input),
    WIDGETS + "select.html": _select,
    OPTION: _option,
}


class FormRenderer(DjangoTemplates):
    """``FORM_RENDERER``: the widgets of :data:`FAST` in Python, everything else by template."""

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        fast = FAST.get(template_name)
        widget = context.get("widget") if fast is not None else None
        if fast is not None and isinstance(widget, dict):
            text = fast(widget)
            if text is not None:
                return text.strip()  # as Django's renderer strips a template's output
        return super().render(template_name, context, request=request)
