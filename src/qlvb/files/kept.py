"""A file chosen on a form submission that was refused (a duplicate warning, a past date…): the browser forgets
a chosen file, so the page carries its id in a hidden field and the next submission takes it back.

One rule for every form that keeps a file: only the person's own upload, recent, and not used yet by the
workflow that asks (``used`` names the stored files it already holds) — so an id typed into the form can never
bring in somebody else's file or one already filed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import StoredFile

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.directory.models import User

KEPT_UPLOAD_MAX_AGE = dt.timedelta(hours=2)


def kept_upload_find(*, actor: User | AnonymousUser, file_id: int, used: QuerySet[Any]) -> StoredFile | None:
    """The kept upload ``file_id`` of ``actor``, or None when it is not (or no longer) his to reuse."""
    return (
        StoredFile.objects.select_related("blob")
        .filter(
            pk=file_id,
            uploaded_by_id=getattr(actor, "pk", None),
            uploaded_at__gte=timezone.now() - KEPT_UPLOAD_MAX_AGE,
        )
        .exclude(pk__in=used)
        .first()
    )
