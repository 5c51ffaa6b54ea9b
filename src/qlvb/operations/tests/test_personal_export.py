"""Issue 15, Điều 22.1.d of the seed: a person asks for the export of his data; the head of his unit (or the
agency administrator) approves or refuses with a reason, the person told after commit either way; on approval
a ZIP of what he created and handled (metadata as XLSX and JSON, the files he may open, a SHA-256 manifest)
is built in the background; he alone downloads it, for 7 days, each download audited; then beat deletes it.
Bad input: a second request while one is pending, someone else's export, a head of another unit, deciding
twice, refusing without a reason, a formula in a cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qlvb.assignments.models import Notification
from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.operations.personal_export import (
    ExportExpired,
    export_path,
    personal_export_approve,
    personal_export_open,
    personal_export_refuse,
    personal_export_request,
    personal_exports_expire,
)
from qlvb.operations.personal_export_models import ExportState, PersonalExport

from .personal_export_data import FORMULA, handled_document, open_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores(settings: Any, tmp_path: Path) -> Path:
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_PERSONAL_EXPORTS_DIR = str(tmp_path / "exports")
    return tmp_path


def _approved(person: Any, capture: Any, *, by: str = "hoangvannam") -> PersonalExport:
    huong = person("dothanhhuong")
    with capture(execute=True):
        export = personal_export_request(actor=huong, note="Chuyển công tác")
    with capture(execute=True):
        personal_export_approve(actor=person(by), export_id=export.pk)
    export.refresh_from_db()
    return export


def test_the_head_is_told_approves_and_the_zip_holds_what_the_person_handled(
    stores: Path, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    handled = handled_document(person)
    huong, nam = person("dothanhhuong"), person("hoangvannam")
    with django_capture_on_commit_callbacks(execute=True):
        export = personal_export_request(actor=huong, note="Chuyển công tác")
    assert export.state == ExportState.PENDING and export.unit == huong.unit
    assert Notification.objects.filter(user=nam, text__contains="yêu cầu xuất dữ liệu cá nhân").exists()
    assert not Notification.objects.filter(user=person("vuquanghuy"), text__contains="xuất dữ liệu").exists()

    with django_capture_on_commit_callbacks(execute=True):
        personal_export_approve(actor=nam, export_id=export.pk)
    export.refresh_from_db()
    assert export.state == ExportState.READY and export.decided_by == nam
    assert export.expires_at is not None
    assert export.expires_at - export.finished_at == dt.timedelta(days=7)  # type: ignore[operator]
    told = Notification.objects.filter(user=huong).values_list("text", flat=True)
    assert any("đã duyệt" in t for t in told) and any("sẵn sàng" in t for t in told)

    opened = open_zip(export_path(export))
    assert export.file_count == 1 and export.size == export_path(export).stat().st_size
    sections = opened.data["sections"]
    assert opened.data["person"]["username"] == huong.username
    assert [d["id"] for d in sections["van_ban_den"]] == [handled.document.pk]  # not the other document
    assert sections["van_ban_den"][0]["subject"] == handled.document.subject
    mine = [a for a in sections["phan_cong"] if a["id"] == handled.assignment.pk]
    assert len(mine) == 1 and mine[0]["progress"] == 40
    assert {a["document_id"] for a in sections["phan_cong"]} == {handled.document.pk, None}  # + the task's
    assert [u["text"] for u in sections["tien_do_y_kien"]] == [FORMULA]
    assert [t["title"] for t in sections["cong_viec"]] == [handled.task.title]
    assert [(d["notation"], d["title"]) for d in sections["ho_so"]] == [("05.VX", "Hồ sơ tiêm chủng 2026")]
    assert sections["van_ban_di"] == [] and sections["duyet_ky"] == []
    assert {e["action"] for e in sections["nhat_ky"]} >= {"operations.personal_export_requested"}
    # the file he may open, byte for byte, and nothing of the document he never handled
    (path,) = opened.files
    assert path.startswith(f"tep/van-ban/{handled.document.pk}/")
    with _blob(handled.stored) as fh:
        assert opened.files[path] == fh.read()
    assert sections["tep"][0]["sha256"] == opened.manifest[path] == handled.stored.blob.sha256
    assert set(opened.manifest) == set(opened.names) - {"manifest-sha256.txt"}
    # the spreadsheet: the same rows, and the formula kept as text
    assert opened.formula_cells == 0
    progress = opened.sheets["Tiến độ, ý kiến"]
    assert progress[1][4] == "'" + FORMULA
    assert opened.sheets["Văn bản đến"][1][6] == handled.document.subject
    assert AuditEntry.objects.filter(action="operations.personal_export_built").exists()


def _blob(stored: Any) -> Any:
    from qlvb.files.storage import blob_path

    return blob_path(stored.blob.sha256).open("rb")


def test_a_second_request_while_one_is_pending_is_refused(stores: Path, person: Any) -> None:
    huong = person("dothanhhuong")
    personal_export_request(actor=huong)
    with pytest.raises(Conflict) as refused:
        personal_export_request(actor=huong)
    assert "đang chờ duyệt" in refused.value.message
    assert PersonalExport.objects.filter(person=huong).count() == 1


def test_the_head_refuses_with_a_reason_and_the_person_is_told(
    stores: Path, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    huong, nam = person("dothanhhuong"), person("hoangvannam")
    export = personal_export_request(actor=huong)
    with pytest.raises(ValidationFailed):
        personal_export_refuse(actor=nam, export_id=export.pk, reason="   ")
    with django_capture_on_commit_callbacks(execute=True):
        personal_export_refuse(actor=nam, export_id=export.pk, reason="Đang thanh tra, chờ kết luận")
    export.refresh_from_db()
    assert export.state == ExportState.REFUSED and export.refusal_reason == "Đang thanh tra, chờ kết luận"
    assert Notification.objects.filter(user=huong, text__contains="Đang thanh tra, chờ kết luận").exists()
    with pytest.raises(Conflict):  # decided already
        personal_export_approve(actor=nam, export_id=export.pk)
    with pytest.raises(Conflict) as not_ready:
        personal_export_open(actor=huong, export_id=export.pk)
    assert "từ chối" in not_ready.value.message
    personal_export_request(actor=huong)  # a refused request no longer blocks a new one


def test_only_the_head_of_his_unit_or_the_agency_admin_decides(
    stores: Path, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    huong = person("dothanhhuong")
    export = personal_export_request(actor=huong)
    with pytest.raises(NotFound):  # the head of another department does not even see it
        personal_export_approve(actor=person("vuquanghuy"), export_id=export.pk)
    with pytest.raises(NotFound):
        personal_export_approve(actor=person("tranthilan2"), export_id=export.pk)
    with pytest.raises(PermissionDenied):
        personal_export_approve(actor=huong, export_id=export.pk)
    with django_capture_on_commit_callbacks(execute=True):
        personal_export_approve(actor=person("tranthilan"), export_id=export.pk)  # the agency administrator
    export.refresh_from_db()
    assert export.state == ExportState.READY


def test_the_head_cannot_approve_his_own_request(stores: Path, person: Any) -> None:
    nam = person("hoangvannam")
    export = personal_export_request(actor=nam)
    with pytest.raises(PermissionDenied) as refused:
        personal_export_approve(actor=nam, export_id=export.pk)
    assert "chính mình" in refused.value.message


def test_only_the_person_downloads_and_each_download_is_audited(
    stores: Path, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    export = _approved(person, django_capture_on_commit_callbacks)
    for who in ("hoangvannam", "tranthilan", "lethuha"):
        with pytest.raises(NotFound):
            personal_export_open(actor=person(who), export_id=export.pk)
    for _ in range(2):
        _export, fh = personal_export_open(actor=person("dothanhhuong"), export_id=export.pk)
        fh.close()
    export.refresh_from_db()
    assert export.download_count == 2
    entries = AuditEntry.objects.filter(action="operations.personal_export_downloaded", object_id=str(export.pk))
    assert entries.count() == 2 and {e.actor_username for e in entries} == {person("dothanhhuong").username}


def test_before_approval_the_download_is_refused(stores: Path, person: Any) -> None:
    huong = person("dothanhhuong")
    export = personal_export_request(actor=huong)
    with pytest.raises(Conflict) as refused:
        personal_export_open(actor=huong, export_id=export.pk)
    assert "chưa được duyệt" in refused.value.message


def test_after_seven_days_it_is_refused_and_beat_deletes_the_file(
    stores: Path, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    export = _approved(person, django_capture_on_commit_callbacks)
    huong = person("dothanhhuong")
    path = export_path(export)
    assert path.exists()
    PersonalExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ExportExpired) as late:
        personal_export_open(actor=huong, export_id=export.pk)
    assert "đã hết hạn" in late.value.message and late.value.status_code == 410
    with django_capture_on_commit_callbacks(execute=True):
        assert personal_exports_expire() == 1
    export.refresh_from_db()
    assert export.state == ExportState.EXPIRED and not path.exists()
    with pytest.raises(ExportExpired):
        personal_export_open(actor=huong, export_id=export.pk)
    assert AuditEntry.objects.filter(action="operations.personal_export_expired").count() == 1
    assert personal_exports_expire() == 0


def test_a_ready_export_within_its_days_is_kept_by_beat(
    stores: Path, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    export = _approved(person, django_capture_on_commit_callbacks)
    assert personal_exports_expire(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert export_path(export).exists()
    assert personal_exports_expire(now=timezone.now() + dt.timedelta(days=7, minutes=1)) == 1
