"""Template helpers for every app's pages: ``{% load qlvb_web %}``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from qlvb.core import permissions
from qlvb.web.labels import action_label, role_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

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
