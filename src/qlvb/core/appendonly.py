"""History rows that are only ever added: the audit log, a document's events, the reminders sent.

A model that inherits ``AppendOnly`` refuses ``save()`` of a row already stored and every ``delete()``
with ``AppendOnlyError``. This guards the ORM path every service uses; the audit log is guarded in the
database as well (PostgreSQL triggers, ``core/migrations/0002``), since its tampering is what its chain
must reveal.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext


class AppendOnlyError(RuntimeError):
    """A stored history row was to be changed or deleted."""


class AppendOnly(models.Model):
    """Abstract base of an append-only model (adds no field, no table)."""

    # What the refusal calls the rows; the model's plural verbose name when not given.
    append_only_name: ClassVar[str | Promise | None] = None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Stores a new row, always by INSERT: an instance made with the primary key of a stored row
        fails on the key instead of overwriting it."""
        if not self._state.adding or kwargs.get("update_fields") is not None or kwargs.get("force_update"):
            raise AppendOnlyError(
                gettext("%(what)s chỉ được ghi thêm, không được sửa.") % {"what": self._append_only_what()}
            )
        kwargs["force_insert"] = kwargs.get("force_insert") or True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(gettext("%(what)s không được xóa.") % {"what": self._append_only_what()})

    @classmethod
    def _append_only_what(cls) -> str:
        return capfirst(str(cls.append_only_name or cls._meta.verbose_name_plural))
