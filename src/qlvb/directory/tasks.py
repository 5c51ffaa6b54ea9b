"""Celery tasks of the directory: thin wrappers around its services."""

from __future__ import annotations

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="qlvb.directory.sessions_clear")
def sessions_clear() -> int:
    """Daily (``CELERY_BEAT_SCHEDULE["directory-sessions-clear"]``): delete the expired sessions (what Django's
    ``clearsessions`` does), and with each its row of the "Phiên đăng nhập" page. Returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
