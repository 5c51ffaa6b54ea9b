"""Django's ``static`` template library, with ``{% static 'a/constant/path' %}`` kept.

``settings.TEMPLATES`` loads this module for ``{% load static %}`` (``OPTIONS["libraries"]``): every tag is
Django's own; a ``static`` of a constant path without ``as`` keeps its address per path (the layout asks four on
every page, each a look-up in the static files' manifest). Emptied when a test changes a setting (``STATIC_URL``,
``STORAGES``). ``web/tests/test_kept_tags.py``."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags import static as django_static

from qlvb.web.kept_texts import KeptTexts

from .kept_url import _constant

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)

_KEPT = KeptTexts(4096)


class KeptStaticNode(django_static.StaticNode):
    def render(self, context: Any) -> str:
        if self.varname is not None or not _constant(self.path):
            return str(super().render(context))
        return _KEPT.get((self.path.token, context.autoescape), lambda: super(KeptStaticNode, self).render(context))


@register.tag("static")
def do_static(parser: Any, token: Any) -> django_static.StaticNode:
    node = django_static.do_static(parser, token)
    if type(node) is django_static.StaticNode:
        node.__class__ = KeptStaticNode
    return node
