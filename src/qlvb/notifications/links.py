"""Where a notification leads, and opening it.

A notification names a document; the page that shows it depends on the document's direction (an
outgoing draft's notifications lead to ``/van-ban-di/<id>/``, an incoming document's to
``/van-ban-den/<id>/``). Opening a notification (the link on the notifications page goes through
:func:`notification_open`) marks it read, then leads to that page.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from qlvb.assignments.models import Notification
from qlvb.assignments.selectors import notifications_for
from qlvb.assignments.services import notifications_mark_read
from qlvb.core.errors import NotFound
from qlvb.documents.models import Direction

# The page of a document, by direction (URL names: resolved by name, no import of the other workflow).
DETAIL_PAGE = {Direction.INCOMING: "incoming:detail", Direction.OUTGOING: "outgoing:detail"}


def notification_url(notification: Notification) -> str:
    """The page the notification is about: its document's, or for a task's part (no document) the task's,
    the announcements for an announcement; "" when it names neither."""
    document = notification.document
    if document is None and notification.kind == "announcement":
        return reverse("direction:announcements")
    if document is None:
        return (
            reverse("direction:task_of_part", args=[notification.assignment_id]) if notification.assignment_id else ""
        )
    name = DETAIL_PAGE.get(Direction(document.direction), "incoming:detail")
    return reverse(name, args=[document.pk])


def notification_open(*, actor: Any, pk: Any) -> Notification:
    """The actor's own notification ``pk``, marked read (anyone else's: not found)."""
    try:
        found = notifications_for(actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    notifications_mark_read(actor=actor, ids=[found.pk])
    return found
