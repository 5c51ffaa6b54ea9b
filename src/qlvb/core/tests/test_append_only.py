"""``core.appendonly.AppendOnly``: the one guard of the history rows (audit log, document events,
reminders) against being changed or deleted through the ORM."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from qlvb.assignments.models import Assignment, Reminder
from qlvb.core import audit
from qlvb.core.appendonly import AppendOnlyError
from qlvb.core.models import AuditEntry
from qlvb.directory.models import Unit
from qlvb.documents.models import Document, DocumentEvent
from qlvb.incoming.services import incoming_receive
from qlvb.incoming.tests.conftest import make_data


def _document(person) -> Document:
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    return incoming_receive(actor=person("lethuha"), agency=agency, channel="paper", data=make_data()).document


def _reminder(person) -> Reminder:
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    clerk = person("lethuha")
    assignment = Assignment.objects.create(
        agency=agency, role="lead", unit=agency, assigned_by=clerk, assigned_at=timezone.now(), directive="Làm"
    )
    return Reminder.objects.create(
        assignment=assignment, seq=1, kind="nhac_nho", text="Nhắc lần 1", sent_by=clerk, sent_at=timezone.now()
    )


@pytest.mark.django_db
def test_each_history_refuses_a_change_and_a_deletion_naming_itself(person) -> None:
    entry = audit.record("user.created", actor=person("admin"), obj=person("lethuha"))
    event = _document(person).events.get(action="received")
    reminder = _reminder(person)
    for row, name in ((entry, "Nhật ký hệ thống"), (event, "Lịch sử xử lý"), (reminder, "Các lần đôn đốc")):
        stored = type(row).objects.get(pk=row.pk)
        with pytest.raises(AppendOnlyError) as changed:
            stored.save()
        assert str(changed.value) == f"{name} chỉ được ghi thêm, không được sửa."
        with pytest.raises(AppendOnlyError):
            stored.save(update_fields=["text"])  # type: ignore[misc]  # the field of two of the three
        with pytest.raises(AppendOnlyError) as deleted:
            stored.delete()
        assert str(deleted.value) == f"{name} không được xóa."
        assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_a_new_row_with_a_stored_rows_key_cannot_overwrite_it(person) -> None:
    document = _document(person)
    event = document.events.get(action="received")
    forged = DocumentEvent(pk=event.pk, document=document, action="received", text="Sửa", created_at=event.created_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert DocumentEvent.objects.get(pk=event.pk).text == event.text


@pytest.mark.django_db
def test_new_rows_are_still_added(person) -> None:
    before = AuditEntry.objects.count()
    audit.record("user.created", actor=person("admin"), obj=person("lethuha"))
    assert AuditEntry.objects.count() == before + 1
