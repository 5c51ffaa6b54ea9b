"""The leader's dashboard aggregates, cached per agency and scope (Django's cache: Redis when
``QLVB_CACHE_URL`` is set, else the process's memory).

How they stay correct (docs/reports.md, "Cache"): the key carries a **version per agency** that is
bumped **after commit** whenever a row the figures count is written — a document event (every action
on a document records one: received, registered, directed, assigned, completed, issued, ...), an
assignment (tasks are assignments too) or a reminder —, and the **local date** (work becomes overdue
at midnight without any write). A short TTL bounds what a write made outside the ORM (a bulk load, a
SQL fix) can leave stale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from qlvb.assignments.models import Assignment, Reminder
from qlvb.documents.models import DocumentEvent

TTL_SECONDS = 300
T = TypeVar("T")


def _version_key(agency_id: int) -> str:
    return f"qlvb:reports:v:{agency_id}"


def version(agency_id: int) -> int:
    return int(cache.get(_version_key(agency_id)) or 0)


def bump(agency_id: int) -> None:
    """A new version for the agency: every cached figure of it is out of use from now on."""
    key = _version_key(agency_id)
    try:
        cache.incr(key)
    except ValueError:  # not there yet (or expired): start it
        cache.set(key, 1, timeout=None)


def bump_after_commit(agency_id: int | None) -> None:
    if agency_id is not None:
        transaction.on_commit(lambda: bump(agency_id))


def cached(agency_id: int, name: str, compute: Callable[[], T]) -> T:
    """``compute()``'s result under ``name`` for the agency's current version and today's date."""
    key = f"qlvb:reports:{name}:{agency_id}:{timezone.localdate():%Y%m%d}:{version(agency_id)}"
    found: Any = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=TTL_SECONDS)
    return found


@receiver(post_save, sender=DocumentEvent, dispatch_uid="reports_event_saved")
def _event_saved(sender: type, instance: DocumentEvent, **kwargs: Any) -> None:
    document = instance.document  # set by ``event_record`` (no query)
    bump_after_commit(document.agency_id)


@receiver(post_save, sender=Assignment, dispatch_uid="reports_assignment_saved")
def _assignment_saved(sender: type, instance: Assignment, **kwargs: Any) -> None:
    bump_after_commit(instance.agency_id)


@receiver(post_save, sender=Reminder, dispatch_uid="reports_reminder_saved")
def _reminder_saved(sender: type, instance: Reminder, **kwargs: Any) -> None:
    bump_after_commit(instance.assignment.agency_id)
