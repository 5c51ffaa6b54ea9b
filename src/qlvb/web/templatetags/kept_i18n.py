"""Django's ``i18n`` template library, with ``{% translate "a constant text" %}`` kept per language.

``settings.TEMPLATES`` loads this module for ``{% load i18n %}`` (``OPTIONS["libraries"]``): every tag and filter
is Django's own; only a ``translate`` (``trans``) of a constant text with no filter, no ``as`` and no ``context``
keeps its rendered text per language — the same text, since it depends on nothing else — instead of asking the
catalogue through the template variable machinery on every page (~80 Python calls each; a page shows 15–60:
docs/benchmarks.md, "CPU per request, part 8"). ``makemessages`` reads the tags' names in the templates, which
do not change. ``web/tests/test_kept_i18n.py`` compares both in both languages."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Variable
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

from qlvb.web.kept_texts import KeptTexts

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

_KEPT = KeptTexts(20_000)  # texts per process (every constant text of every template, in every language)


class KeptTranslateNode(django_i18n.TranslateNode):
    def render(self, context: Any) -> str:
        var = self.filter_expression.var
        if (
            self.asvar
            or self.message_context is not None
            or self.filter_expression.filters
            or not isinstance(var, Variable)
            or var.literal is None
        ):
            return str(super().render(context))
        key = (get_language(), var.literal, self.noop, context.autoescape)
        return _KEPT.get(key, lambda: super(KeptTranslateNode, self).render(context))


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Any, token: Any) -> django_i18n.TranslateNode:
    node = django_i18n.do_translate(parser, token)
    if type(node) is django_i18n.TranslateNode:
        node.__class__ = KeptTranslateNode
    return node
