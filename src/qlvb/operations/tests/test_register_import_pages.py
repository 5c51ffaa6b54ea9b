"""The register import page (clerk of the agency; 404 for others), its templates, the dry run shown row by
row, the confirmation, and the CLI ``qlvb import`` (the migration path) with the same sheet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from qlvb.documents.models import Direction, Document
from qlvb.files.tests.samples import pdf_bytes
from qlvb.operations.register_import_models import ImportState, RegisterImport

from .register_import_data import incoming_row, outgoing_row, xlsx

pytestmark = pytest.mark.django_db
URL = "/quan-tri/nhap-so/"


def upload(data: io.BytesIO, name: str = "so-den.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.getvalue())


def test_the_page_is_the_clerks_and_not_an_officers(page_as):
    page = page_as("lethuha").get(URL)
    assert page.status_code == 200
    assert "Nhập sổ đăng ký văn bản từ Excel/CSV" in page.content.decode()
    assert page_as("dothanhhuong").get(URL).status_code == 404
    assert page_as("dothanhhuong").get(f"{URL}mau-incoming.xlsx").status_code == 404
    # the top bar leads the clerk there, and not the officer
    assert f'href="{URL}" data-qlvb="nav-register-import"' in page_as("lethuha").get("/").content.decode()
    assert 'data-qlvb="nav-register-import"' not in page_as("dothanhhuong").get("/").content.decode()


@pytest.mark.parametrize(("direction", "first"), [("incoming", "Ngày đến"), ("outgoing", "Số, ký hiệu văn bản")])
def test_the_template_has_the_vietnamese_headers(page_as, direction, first):
    answer = page_as("lethuha").get(f"{URL}mau-{direction}.xlsx")
    assert answer.status_code == 200
    ws = load_workbook(io.BytesIO(answer.content)).active
    assert ws is not None and ws.cell(row=4, column=1).value == first


def test_upload_dry_run_then_import(page_as, person):
    client = page_as("lethuha")
    bad = client.post(URL, {"sheet": upload(xlsx([incoming_row(1), incoming_row(2, day="32/01/2025")]))})
    text = bad.content.decode()
    assert bad.status_code == 200 and "1 lỗi" in text and "không phải ngày hợp lệ" in text
    assert "Nhập 1 văn bản vào sổ" not in text

    good = client.post(URL, {"sheet": upload(xlsx([incoming_row(1), incoming_row(2)])), "direction": "incoming"})
    assert "Nhập 2 văn bản vào sổ" in good.content.decode()
    assert not Document.objects.exists()
    batch = RegisterImport.objects.filter(rows_error=0).get()
    done = client.post(f"{URL}{batch.pk}/nhap/")
    assert done.status_code == 200 and "Đã nhập 2 văn bản vào sổ" in done.content.decode()
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 2
    batch.refresh_from_db()
    assert batch.state == ImportState.IMPORTED and batch.rows_imported == 2

    again = client.post(f"{URL}{batch.pk}/nhap/")
    assert again.status_code == 422 and "đã được nhập" in again.content.decode()
    assert page_as("tytlienminh_buithiloan").post(f"{URL}{batch.pk}/nhap/").status_code == 404


def test_a_wrong_file_type_is_refused_with_a_message(page_as):
    answer = page_as("lethuha").post(URL, {"sheet": SimpleUploadedFile("so-den.xlsx", pdf_bytes())})
    assert answer.status_code == 422
    assert "không phải bảng tính XLSX hay CSV" in answer.content.decode()


def test_the_cli_checks_then_imports_the_same_sheet(person, tmp_path: Path, capsys):
    sheet = tmp_path / "so-di.xlsx"
    sheet.write_bytes(xlsx([outgoing_row(1), outgoing_row(2)], direction=Direction.OUTGOING).getvalue())
    clerk = person("lethuha")
    agency = clerk.unit.agency
    call_command("import", str(sheet), agency=str(agency.pk), user=clerk.username, dry_run=True)
    out = capsys.readouterr().out
    assert "Dòng 4: hợp lệ" in out and "2 hợp lệ, 0 lỗi" in out
    assert not Document.objects.exists()
    call_command("import", str(sheet), agency=agency.short_name, user=clerk.username, source="Hệ thống cũ")
    assert "Đã nhập 2 văn bản." in capsys.readouterr().out
    assert Document.objects.filter(direction=Direction.OUTGOING).count() == 2
    assert Document.objects.first().events.filter(action="imported", text__contains="Hệ thống cũ").exists()  # type: ignore[union-attr]

    bad = tmp_path / "so-den.xlsx"
    bad.write_bytes(xlsx([incoming_row(1, day="hôm qua")]).getvalue())
    with pytest.raises(CommandError, match="1 dòng lỗi"):
        call_command("import", str(bad), agency=str(agency.pk), user=clerk.username)
    with pytest.raises(CommandError, match="Không xác định được cơ quan"):
        call_command("import", str(bad), agency="KHONG-CO", user=clerk.username)
