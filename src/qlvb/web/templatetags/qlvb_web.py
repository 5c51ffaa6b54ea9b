"""Template helpers for every app's pages: ``{% load qlvb_web %}``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from qlvb.core import permissions
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
