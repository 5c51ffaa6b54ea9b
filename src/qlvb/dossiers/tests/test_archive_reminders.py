"""The daily job: a closed dossier's creator is told once, 30 days before its transfer deadline; on the last
day of a quarter everyone with documents still "chưa lập hồ sơ" is told how many, once."""

from __future__ import annotations

import datetime as dt

import pytest

from qlvb.assignments.models import Notification
from qlvb.dossiers import archive, services
from qlvb.dossiers.archive import quarter_of, transfer_reminders_send, unfiled_reminders_send

pytestmark = pytest.mark.django_db


def test_the_transfer_deadline_is_reminded_once_thirty_days_ahead(
    free_dossier, handled, person, celery_eager, django_capture_on_commit_callbacks
):
    huong = person("dothanhhuong")
    dossier = free_dossier()
    services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[handled().pk])
    services.dossier_close(actor=huong, dossier=dossier, end_date=dt.date(2026, 6, 30))  # due 30/06/2027
    with django_capture_on_commit_callbacks(execute=True):
        assert transfer_reminders_send(dt.date(2027, 5, 30)) == 0  # 31 days ahead
        assert transfer_reminders_send(dt.date(2027, 5, 31)) == 1
        assert transfer_reminders_send(dt.date(2027, 6, 1)) == 0  # once
    (note,) = Notification.objects.filter(user=huong, kind="due_soon")
    assert "đến hạn nộp lưu ngày 30/06/2027" in note.text and dossier.notation in note.text


def test_a_capital_construction_dossier_is_due_three_months_after(free_dossier, handled, person):
    huong = person("dothanhhuong")
    dossier = free_dossier()
    services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[handled().pk])
    dossier = services.dossier_close(actor=huong, dossier=dossier, end_date=dt.date(2026, 6, 30))
    archive.dossier_terms_set(actor=huong, dossier=dossier, rights="Hạn chế", capital_construction=True)
    assert transfer_reminders_send(dt.date(2026, 8, 30)) == 0
    assert transfer_reminders_send(dt.date(2026, 8, 31)) == 1  # due 30/09/2026


def test_the_quarterly_unfiled_reminder(handled, person, celery_eager, django_capture_on_commit_callbacks):
    handled(code_number="1")
    handled(code_number="2")
    assert quarter_of(dt.date(2026, 6, 30)) == (2026, 2, True)
    assert quarter_of(dt.date(2026, 6, 29)) == (2026, 2, False)
    with django_capture_on_commit_callbacks(execute=True):
        assert unfiled_reminders_send(dt.date(2026, 6, 29)) == 0  # not the quarter's last day
        told = unfiled_reminders_send(dt.date(2026, 6, 30))
        assert unfiled_reminders_send(dt.date(2026, 6, 30)) == 0  # a rerun of the job tells nobody again
    assert told >= 1
    note = Notification.objects.get(user=person("dothanhhuong"), kind="reminder")
    assert note.text == "Quý 2/2026: bạn còn 2 văn bản đã xử lý chưa lập hồ sơ."
