"""Migration from an old system by a bundle (issue 15): the sample imported whole (units, locked accounts with
their old codes, registers, assignments, dossiers, files, edXML), the dry run writing nothing, a second run
creating nothing, bad rows and bad bundles refused with their reason and nothing half-written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from qlvb.assignments.models import Assignment, AssignmentStatus, Notification
from qlvb.core.audit import AuditEntry
from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Attachment, Channel, Direction, Document
from qlvb.dossiers.models import Dossier, DossierItem, DossierState
from qlvb.files.zipguard import ZipRefused
from qlvb.operations import migration_write
from qlvb.operations.migration import MigrationReport, migration_check, migration_run
from qlvb.operations.migration_models import MigratedAccount, MigratedRecord, MigrationRun, MigrationState
from qlvb.operations.migration_sample import Sizes, sample_bundle

pytestmark = pytest.mark.django_db
ORGAN_ID = "000.00.31.H42"  # the demo's Ủy ban nhân dân xã Liên Minh
MODELS = (Unit, User, Document, Attachment, Assignment, Dossier, DossierItem, Notification, MigratedAccount)


@pytest.fixture
def admin(person):
    return person("tranthilan")  # the demo agency's administrator


def bundle(replace: dict[str, bytes | None] | None = None, *, sizes: Sizes | None = None) -> io.BytesIO:
    """The sample bundle, with members replaced (or removed: None)."""
    raw = io.BytesIO()
    sample_bundle(raw, organ_id=ORGAN_ID, sizes=sizes)
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info.filename, src.read(info))
        for name, data in replace.items():
            if data is not None:
                dst.writestr(name, data)
    out.seek(0)
    return out


def sheet_of(fh: io.BytesIO, member: str) -> list[list[Any]]:
    with zipfile.ZipFile(fh) as zf:
        wb = load_workbook(io.BytesIO(zf.read(member)), read_only=True)
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    fh.seek(0)
    return rows


def workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def edited(member: str, edit: dict[tuple[int, int], Any]) -> io.BytesIO:
    """The sample with cells of one sheet changed ((row index, column index) from 0, header row 0)."""
    rows = sheet_of(bundle(), member)
    for (r, c), value in edit.items():
        if r >= len(rows):
            rows.append(list(rows[1]))
        rows[r][c] = value
    return bundle({member: workbook(rows)})


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS} | {"audit": AuditEntry.objects.count()}


def errors(report: MigrationReport, file: str) -> dict[int, str]:
    sheet = next(s for s in report.sheets if s.file == file)
    return {r.row: r.text for r in sheet.rows if r.status == "error"}


def test_the_sample_is_imported_whole_in_order_with_locked_accounts_and_no_notification(admin):
    before = counts()
    report = migration_run(actor=admin, bundle=bundle(), name="goi.zip")
    assert report.errors == 0 and report.done
    agency = admin.unit.agency
    created = {s.file: s.created for s in report.sheets}
    assert created == {
        "don-vi.xlsx": 3,  # two of the five merged into the demo's Văn phòng and Phòng Văn hóa - Xã hội
        "nguoi-dung.xlsx": 12,
        "so-den-2024.xlsx": 30,
        "so-di-2024.xlsx": 20,
        "giao-xu-ly.xlsx": 40,
        "ho-so.xlsx": 6,
        "edxml/": 1,
    }
    merged = next(s for s in report.sheets if s.file == "don-vi.xlsx").merged
    assert merged == 2
    # accounts: the naming rule, locked, a forced password change, the old codes kept and listed
    first = MigratedAccount.objects.get(agency=agency, old_code="NV0001").user
    assert first.username == "ublienminh_nguyenvanan" and first.full_name == "Nguyễn Văn An"
    assert not first.is_active and first.must_change_password and not first.has_usable_password()
    assert first.roles_for(agency) == {"leader"}
    assert ("NV0001", "ublienminh_nguyenvanan", "Nguyễn Văn An") in report.accounts
    head = MigratedAccount.objects.get(agency=agency, old_code="NV0003").user
    assert head.position == "Trưởng phòng" and "dept_leader" in head.roles_for(head.unit)
    # registers keep the old numbers; assignments are history (closed or done), on the migrated people
    doc = Document.objects.get(agency=agency, direction=Direction.INCOMING, year=2024, arrival_number=1)
    assert doc.attachments.count() == 1  # tep/cv-den-1.pdf
    lead = Assignment.objects.get(document=doc, role="lead")
    assert lead.user == head and lead.assigned_by == first and lead.status == AssignmentStatus.DONE
    assert lead.unit_id == head.unit_id and lead.result == "Đã xử lý, báo cáo lãnh đạo"
    # dossiers hold their documents of both directions; one with an end date is closed
    dossier = Dossier.objects.get(agency=agency, year=2024, notation="01.HS")
    assert dossier.state == DossierState.CLOSED and dossier.retention_years is None
    held = {
        (i.document.direction, i.document.code_number)
        for i in dossier.items.select_related("document")
        if i.document is not None
    }
    assert held == {("incoming", "1"), ("incoming", "2"), ("incoming", "3"), ("outgoing", "1")}
    # the edXML package is a received document of the axis channel, numbered after the register
    axis = Document.objects.get(agency=agency, channel=Channel.AXIS, code_number="77")
    assert axis.arrival_number == 31 and axis.organ_name == "UBND tỉnh Nghệ An" and axis.attachments.count() == 1
    after = counts()
    assert after["Notification"] == before["Notification"]  # history sends nothing
    assert MigrationRun.objects.get(pk=report.run_id or 0).state == MigrationState.IMPORTED


def test_the_dry_run_writes_nothing(admin):
    before = counts()
    report = migration_check(actor=admin, bundle=bundle(), name="goi.zip")
    assert report.errors == 0 and report.to_create == 114 and not report.done
    assert counts() == before
    assert MigrationRun.objects.count() == 0 and MigratedRecord.objects.count() == 0


def test_a_second_run_creates_nothing(admin):
    migration_run(actor=admin, bundle=bundle(), name="goi.zip")
    before = counts()
    again = migration_run(actor=admin, bundle=bundle(), name="goi.zip")
    assert again.done and again.created == 0 and again.errors == 0
    assert again.skipped == again.total == 114
    after = counts()
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}


def test_the_command_runs_the_dry_run_then_the_import(admin, tmp_path, capsys):
    path = tmp_path / "goi.zip"
    path.write_bytes(bundle().getvalue())
    call_command("migrate-bundle", str(path), "--dry-run", "--user", admin.username)
    out = capsys.readouterr().out
    assert "Kiểm tra xong: 114 mục sẽ được tạo hoặc gộp. Chưa ghi gì." in out
    assert MigratedAccount.objects.count() == 0
    call_command("migrate-bundle", str(path), "--quiet", "--user", admin.username)
    out = capsys.readouterr().out
    assert "NV0001 → ublienminh_nguyenvanan (Nguyễn Văn An)" in out
    assert MigratedAccount.objects.count() == 12


def test_bad_rows_are_refused_with_their_reason_and_nothing_is_written(admin):
    rows = {
        # accounts: an unknown unit, a duplicate old code, a formula for an e-mail
        ("nguoi-dung.xlsx", 3, 2): "KHONGCO",
        ("nguoi-dung.xlsx", 5, 0): "NV0004",
        ("nguoi-dung.xlsx", 6, 5): '=HYPERLINK("http://x.example/","bấm")',
    }
    people = edited("nguoi-dung.xlsx", {(r, c): v for (_f, r, c), v in rows.items()})
    before = counts()
    report = migration_run(actor=admin, bundle=people, name="goi.zip")
    bad = errors(report, "nguoi-dung.xlsx")
    assert bad[4] == "đơn vị “KHONGCO” không có trong don-vi.xlsx và chưa được chuyển đổi trước đây"
    assert bad[6] == "trùng mã người dùng “NV0004” với dòng 5"
    assert bad[7].startswith("cột “Thư điện tử” chứa công thức “=HYPERLINK(")
    assert "hãy ghi giá trị" in bad[7]
    assert len(bad) == 3 and not report.done
    # what names a refused account is refused too (its assignments, its dossiers), with the reason
    assert "người xử lý “NV0003” không có trong nguoi-dung.xlsx" in errors(report, "giao-xu-ly.xlsx")[4]
    after = counts()
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert MigrationRun.objects.get(pk=report.run_id or 0).state == MigrationState.FAILED


def test_a_wrong_date_and_an_unknown_document_or_person_are_refused(admin):
    fh = edited(
        "giao-xu-ly.xlsx",
        {(1, 5): "31/02/2024", (2, 0): 9999, (3, 3): "NV9999", (4, 7): '=HYPERLINK("http://x.example/","y")'},
    )
    report = migration_check(actor=admin, bundle=fh, name="goi.zip")
    bad = errors(report, "giao-xu-ly.xlsx")
    assert bad[2] == "“Ngày giao” “31/02/2024” không phải ngày hợp lệ (ghi theo dạng dd/mm/yyyy)"
    assert bad[3] == "không có văn bản đến số 9999 năm 2024 trong sổ hay trong gói"
    assert bad[4] == "người xử lý “NV9999” không có trong nguoi-dung.xlsx và chưa được chuyển đổi"
    assert 5 not in bad  # a formula in a directive is the text a person typed


def test_a_formula_in_free_text_is_kept_as_text(admin):
    formula = '=HYPERLINK("http://x.example/","xem")'
    report = migration_run(actor=admin, bundle=edited("giao-xu-ly.xlsx", {(1, 7): formula}), name="goi.zip")
    assert report.done
    assert Assignment.objects.filter(directive=formula).count() == 1


def test_a_dossier_naming_a_missing_document_or_a_taken_notation_is_refused(admin):
    Dossier.objects.create(
        agency=admin.unit.agency, year=2024, notation="02.HS", title="Có sẵn", creator=admin,
        creator_name="x", start_date="2024-01-02",
    )  # fmt: skip
    fh = edited("ho-so.xlsx", {(1, 7): "99/QĐ-UBND ngày 03/01/2024", (3, 1): "01.HS"})
    report = migration_check(actor=admin, bundle=fh, name="goi.zip")
    bad = errors(report, "ho-so.xlsx")
    assert bad[2] == "không có văn bản 99/QĐ-UBND ngày 03/01/2024 trong sổ hay trong gói"
    assert bad[3] == "cơ quan đã có hồ sơ “02.HS” năm 2024 (không do chuyển đổi)"
    assert bad[4] == "trùng số và ký hiệu hồ sơ “01.HS” năm 2024 với dòng 2"


def test_a_zip_bomb_is_refused_before_anything_is_read(admin):
    bomb = bundle({"tep/bom.pdf": b"\x00" * (20 * 1024 * 1024)})
    before = counts()
    with pytest.raises(ZipRefused) as refused:
        migration_run(actor=admin, bundle=bomb, name="goi.zip")
    assert "zip bomb" in refused.value.message
    assert counts() == before


def test_a_bundle_without_manifest_or_of_an_unknown_agency_is_refused(admin):
    with pytest.raises(ValidationFailed) as missing:
        migration_check(actor=admin, bundle=bundle({"manifest.json": None}), name="goi.zip")
    assert missing.value.message == "Gói “goi.zip” thiếu tệp manifest.json (định dạng, mã định danh cơ quan)."
    other = json.dumps({"format": "qlvb-migration", "version": 1, "organ_id": "000.00.99.H99"}).encode()
    with pytest.raises(ValidationFailed) as unknown:
        migration_check(actor=admin, bundle=bundle({"manifest.json": other}), name="goi.zip")
    assert "“000.00.99.H99” trong manifest.json không phải cơ quan nào trong hệ thống" in unknown.value.message
    with pytest.raises(ValidationFailed) as not_zip:
        migration_check(actor=admin, bundle=io.BytesIO(b"%PDF-1.7 not a zip"), name="goi.pdf")
    assert not_zip.value.message == "Tệp “goi.pdf” không phải tệp ZIP của gói chuyển đổi."


def test_only_the_agencys_administrator_migrates(person):
    with pytest.raises(PermissionDenied):
        migration_check(actor=person("lethuha"), bundle=bundle(), name="goi.zip")  # the clerk


def test_a_sheet_failing_while_written_leaves_nothing_of_itself(admin, monkeypatch):
    real = migration_write.DossierItem.objects.bulk_create
    calls = {"n": 0}

    def failing(objs: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 4:  # the fourth dossier's documents: three dossiers are written already
            raise RuntimeError("disk full")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(migration_write.DossierItem.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        migration_run(actor=admin, bundle=bundle(), name="goi.zip")
    assert Dossier.objects.count() == 0 and DossierItem.objects.count() == 0  # the sheet: all or nothing
    assert Assignment.objects.filter(agency=admin.unit.agency).count() == 40  # the sheets before it stay
    monkeypatch.undo()
    again = migration_run(actor=admin, bundle=bundle(), name="goi.zip")  # running again finishes the job
    assert {s.file: s.created for s in again.sheets}["ho-so.xlsx"] == 6
    assert again.created == 7  # the six dossiers and the edXML package


def _csv(rows: list[list[Any]]) -> str:
    def text(value: Any) -> str:
        if isinstance(value, dt.datetime | dt.date):
            return value.strftime("%d/%m/%Y")
        return "" if value is None else str(value)

    out = io.StringIO()
    csv.writer(out).writerows([text(v) for v in row] for row in rows)
    return "\ufeff" + out.getvalue()  # UTF-8 with BOM, as a spreadsheet saves it


def test_a_folder_with_its_sheets_in_csv_is_taken_like_the_zip(admin, tmp_path, capsys):
    """The old system exported a folder, each sheet as CSV (issue 15: "a folder or ZIP: XLSX/CSV")."""
    sample = bundle()
    folder = tmp_path / "goi-chuyen-doi"
    with zipfile.ZipFile(sample) as zf:
        for name in zf.namelist():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if name in ("don-vi.xlsx", "nguoi-dung.xlsx", "giao-xu-ly.xlsx", "ho-so.xlsx"):
                rows = sheet_of(sample, name)
                target.with_suffix(".csv").write_text(_csv(rows), encoding="utf-8")
            else:
                target.write_bytes(zf.read(name))
    assert {p.name for p in folder.glob("*.csv")} == {"don-vi.csv", "nguoi-dung.csv", "giao-xu-ly.csv", "ho-so.csv"}
    call_command("migrate-bundle", str(folder), "--dry-run", "--user", admin.username)
    out = capsys.readouterr().out
    assert "Kiểm tra xong: 114 mục sẽ được tạo hoặc gộp. Chưa ghi gì." in out
    assert "don-vi.csv (Đơn vị): 5 dòng" in out and "nguoi-dung.csv (Người dùng): 12 dòng" in out
    call_command("migrate-bundle", str(folder), "--quiet", "--user", admin.username)
    out = capsys.readouterr().out
    assert "NV0001 → ublienminh_nguyenvanan (Nguyễn Văn An)" in out
    assert MigratedAccount.objects.count() == 12 and Dossier.objects.filter(title__contains="2024").exists()


def test_a_folder_with_a_link_out_of_it_is_refused(admin, tmp_path):
    folder = tmp_path / "goi"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"format": "qlvb-migration", "version": 1, "organ_id": "x"}')
    (tmp_path / "secret.txt").write_text("mật")
    (folder / "tep").mkdir()
    (folder / "tep" / "secret.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(CommandError, match="không phải tệp thường"):
        call_command("migrate-bundle", str(folder), "--dry-run", "--user", admin.username)
    assert MigratedAccount.objects.count() == 0
