"""``{% unread_announcements %}``: the announcements addressed to the signed-in person, in force today and
not read yet, as a box for the home page ("phải đọc" first); nothing when there is none."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.directory.models import User

from ..announcement_selectors import announcements_unread

register = template.Library()
SHOWN = 5


@register.inclusion_tag("direction/announcements/_unread.html", takes_context=True)
def unread_announcements(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User) or not user.is_authenticated:
        return {"items": [], "more": 0}
    qs = announcements_unread(user)
    items = list(qs[: SHOWN + 1])
    return {"items": items[:SHOWN], "more": len(items) > SHOWN}
