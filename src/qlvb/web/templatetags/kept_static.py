"""Django's ``static`` template library, with ``{% static 'a/constant/path' %}`` kept.

``settings.TEMPLATES`` loads this module for ``{% load static %}`` (``OPTIONS["libraries"]``): every tag is
Django's own; a ``static`` of a constant path without ``as`` keeps its address per path (the layout asks four on
every page, each a look-up in the static files' manifest). Emptied when a test changes a setting (``STATIC_URL``,
``STORAGES``). ``web/tests/test_kept_tags.py``."""

from __future__ import annotations

import threading
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.templatetags import static as django_static

from .kept_url import _constant

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)

_KEPT: dict[tuple[Any, ...], str] = {}
_KEPT_MAX = 4096
_lock = threading.Lock()


class KeptStaticNode(django_static.StaticNode):
    def render(self, context: Any) -> str:
        if self.varname is not None or not _constant(self.path):
            return str(super().render(context))
        key = (self.path.token, context.autoescape)
        url = _KEPT.get(key)
        if url is None:
            url = str(super().render(context))
            with _lock:
                if len(_KEPT) >= _KEPT_MAX:
                    _KEPT.clear()
                _KEPT[key] = url
        return url


@register.tag("static")
def do_static(parser: Any, token: Any) -> django_static.StaticNode:
    node = django_static.do_static(parser, token)
    if type(node) is django_static.StaticNode:
        node.__class__ = KeptStaticNode
    return node


def forget(**_kwargs: Any) -> None:
    with _lock:
        _KEPT.clear()


setting_changed.connect(forget)
