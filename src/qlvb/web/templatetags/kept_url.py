"""Django's ``{% url %}``, with the address of a view named by a constant and given no arguments kept.

``settings.TEMPLATES`` adds this library to the builtins (``OPTIONS["builtins"]``), after Django's own, so its
``url`` is the one every template uses. ``{% url 'web:home' %}`` — a constant name, no arguments, no ``as`` —
is reversed once per name, application namespace, URLconf and script prefix, and kept (the layout has nine such
addresses on every page, ~110 Python calls each: docs/benchmarks.md, "CPU per request, part 8"); every other
form is Django's own ``URLNode``. Emptied when a test changes a setting. ``web/tests/test_kept_tags.py``."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Variable
from django.urls import get_script_prefix, get_urlconf

from qlvb.web.kept_texts import KeptTexts

register = template.Library()

_KEPT = KeptTexts(4096)


def _constant(expression: Any) -> bool:
    var = expression.var
    return not expression.filters and (isinstance(var, str) or (isinstance(var, Variable) and var.literal is not None))


class KeptURLNode(defaulttags.URLNode):
    def render(self, context: Any) -> str:
        if self.args or self.kwargs or self.asvar or not _constant(self.view_name):
            return str(super().render(context))
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        key = (self.view_name.token, current_app, get_urlconf(), get_script_prefix(), context.autoescape)
        return _KEPT.get(key, lambda: super(KeptURLNode, self).render(context))


@register.tag("url")
def url(parser: Any, token: Any) -> defaulttags.URLNode:
    node = defaulttags.url(parser, token)
    if type(node) is defaulttags.URLNode:
        node.__class__ = KeptURLNode
    return node
