"""Template helpers for every app's pages: ``{% load qlvb_web %}``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from qlvb.core import permissions
from qlvb.web import layout_parts
from qlvb.web.labels import action_label, role_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from qlvb.directory.models import User

register = template.Library()


@register.filter
def can(user: User | AnonymousUser | None, name: str) -> bool:
    """``{% if user|can:"incoming.register" %}`` — the permission held in some unit."""
    return permissions.has(user, name)


@register.filter(name="role_label")
def role_label_filter(role: str) -> str:
    return role_label(role)


@register.filter(name="action_label")
def action_label_filter(action: str) -> str:
    return action_label(action)


@register.filter
def app_worker_allowed(request: HttpRequest | None) -> bool:
    """The page registers the service worker unless the person is held on the initial-password or the
    second-step page (those middlewares redirect ``/sw.js`` too, and the registration would fail)."""
    from qlvb.directory.twofactor import twofactor_pending

    if request is None:
        return False
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "must_change_password", False):
        return False
    return not twofactor_pending(request)


class _LayoutPartNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return layout_parts.render(self.name, context, lambda: self.nodelist.render(context))


@register.tag("layout_part")
def layout_part(parser: template.base.Parser, token: template.base.Token) -> _LayoutPartNode:
    """``{% layout_part "nav" %}…{% endlayout_part %}``: the layout's part rendered once per process for
    everyone its key says sees the same (``web/layout_parts.py``)."""
    bits = token.split_contents()
    name = bits[1].strip("\"'") if len(bits) == 2 else ""
    if name not in layout_parts.KEYS:
        raise template.TemplateSyntaxError(f"layout_part: unknown part {name!r} (web/layout_parts.py KEYS)")
    nodelist = parser.parse(("endlayout_part",))
    parser.delete_first_token()
    return _LayoutPartNode(name, nodelist)
