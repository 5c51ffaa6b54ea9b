"""Điều 31 (NĐ 30/2020): a unit keeps a due dossier with the written approval of the head of the agency, for at
most 2 years from its transfer deadline. The keeping suspends the transfer reminder until its end, shows on the
nộp lưu page; beyond 2 years it is refused; only the head approves."""

from __future__ import annotations

import datetime as dt

import pytest

from qlvb.assignments.models import Notification
from qlvb.core.audit import AuditEntry
from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.dossiers import services
from qlvb.dossiers.archive import transfer_reminders_send
from qlvb.dossiers.archive_models import DossierKeep
from qlvb.dossiers.keeping import dossier_keep
from qlvb.dossiers.models import Dossier

pytestmark = pytest.mark.django_db
ENDED = dt.date(2025, 11, 30)  # due 30/11/2026; kept at most until 30/11/2028


@pytest.fixture
def due_dossier(free_dossier, handled, person) -> Dossier:
    huong = person("dothanhhuong")
    dossier = free_dossier(start_date=dt.date(2025, 1, 2))
    services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[handled().pk])
    return services.dossier_close(actor=huong, dossier=dossier, end_date=ENDED)


def test_the_head_keeps_a_due_dossier_for_at_most_two_years(due_dossier, person):
    head = person("nguyenvanhung")
    with pytest.raises(PermissionDenied):  # the unit asks; only the head of the agency approves
        dossier_keep(actor=person("dothanhhuong"), dossier=due_dossier, reason="Còn dùng", until=dt.date(2027, 6, 30))
    with pytest.raises(ValidationFailed, match=r"tối đa 2 năm .* 30/11/2028") as refused:
        dossier_keep(actor=head, dossier=due_dossier, reason="Còn dùng", until=dt.date(2028, 12, 1))
    assert refused.value.code == "keep_too_long"
    assert not DossierKeep.objects.exists()

    keep = dossier_keep(
        actor=head, dossier=due_dossier, reason="Còn dùng để thanh tra năm 2027", until=dt.date(2028, 11, 30)
    )
    assert (keep.due_date, keep.until, keep.approved_by) == (dt.date(2026, 11, 30), dt.date(2028, 11, 30), head)
    entry = AuditEntry.objects.get(action="dossiers.kept")
    assert entry.data["until"] == "2028-11-30" and entry.actor_id == head.pk


def test_keeping_suspends_the_transfer_reminder_until_its_end(
    due_dossier, person, celery_eager, django_capture_on_commit_callbacks
):
    huong = person("dothanhhuong")
    with django_capture_on_commit_callbacks(execute=True):
        assert transfer_reminders_send(dt.date(2026, 11, 1)) == 1  # the deadline, 30 days ahead
    dossier_keep(actor=person("nguyenvanhung"), dossier=due_dossier, reason="Còn dùng", until=dt.date(2027, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        assert transfer_reminders_send(dt.date(2026, 12, 15)) == 0  # kept: nothing while it lasts
        assert transfer_reminders_send(dt.date(2027, 11, 30)) == 0  # 31 days before its end
        assert transfer_reminders_send(dt.date(2027, 12, 1)) == 1  # the end of the keeping, once
        assert transfer_reminders_send(dt.date(2027, 12, 2)) == 0
    texts = list(Notification.objects.filter(user=huong, kind="due_soon").order_by("pk").values_list("text", flat=True))
    assert "đến hạn nộp lưu ngày 30/11/2026" in texts[0]
    assert "hết thời hạn giữ lại, phải nộp lưu ngày 31/12/2027" in texts[1] and len(texts) == 2


def test_the_transfer_page_shows_the_keeping_and_the_head_records_it(due_dossier, page_as, person):
    head = page_as("nguyenvanhung")
    page = head.get("/ho-so/nop-luu/").content.decode()
    assert 'data-qlvb="keep"' in page  # the head's form
    assert 'data-qlvb="keep"' not in page_as("dothanhhuong").get("/ho-so/nop-luu/").content.decode()

    refused = head.post(
        "/ho-so/nop-luu/giu-lai/", {"dossier": due_dossier.pk, "until": "01/12/2028", "reason": "Còn dùng"}, follow=True
    )
    assert "tối đa 2 năm" in refused.content.decode() and not DossierKeep.objects.exists()
    head.post("/ho-so/nop-luu/giu-lai/", {"dossier": due_dossier.pk, "until": "30/06/2027", "reason": "Thanh tra"})
    assert DossierKeep.objects.get().until == dt.date(2027, 6, 30)

    page = page_as("dothanhhuong").get("/ho-so/nop-luu/").content.decode()
    assert "Giữ lại đến 30/06/2027 (Nguyễn Văn Hùng đồng ý)" in page and "Thanh tra" in page


def test_the_api_keeps_a_due_dossier_and_lists_it(due_dossier, api_as):
    base = f"/api/v1/dossiers/archive/dossiers/{due_dossier.pk}/keep"
    too_long = api_as("nguyenvanhung").post(
        base, {"until": "2028-12-01", "reason": "Còn dùng"}, content_type="application/json"
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "keep_too_long"
    assert (
        api_as("dothanhhuong")
        .post(base, {"until": "2027-06-30", "reason": "Còn dùng"}, content_type="application/json")
        .status_code
        == 403
    )
    made = api_as("nguyenvanhung").post(
        base, {"until": "2027-06-30", "reason": "Còn dùng"}, content_type="application/json"
    )
    assert made.status_code == 201
    assert made.json() == {
        "dossier_id": due_dossier.pk,
        "due_date": "2026-11-30",
        "until": "2027-06-30",
        "reason": "Còn dùng",
        "approved_by": "Nguyễn Văn Hùng",
    }
    due = api_as("dothanhhuong").get("/api/v1/dossiers/archive/due").json()
    assert [(d["id"], d["kept_until"]) for d in due] == [(due_dossier.pk, "2027-06-30")]
