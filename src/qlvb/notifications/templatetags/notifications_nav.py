"""``{% load notifications_nav %}``: the unread-notification count shown on the navigation."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.assignments.selectors import notifications_unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user: Any) -> int:
    return notifications_unread_count(user)
