"""The pages of the second slice: bulk filing from the "chưa lập hồ sơ" page (all or nothing), "tài liệu khác"
through the files intake, the dossier list in XLSX (export neutralises formulas; import: dry run with a
row-by-row report, bad rows refused, formulas refused), the printed Phụ lục V list, and the package pages."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from openpyxl import Workbook, load_workbook

from qlvb.core.errors import NotFound
from qlvb.core.models import AuditEntry
from qlvb.dossiers import services
from qlvb.dossiers.bulk import documents_file_bulk
from qlvb.dossiers.errors import ErrorCode
from qlvb.dossiers.models import DossierItem, PlanRow
from qlvb.dossiers.plan_xlsx import plan_import_xlsx, plan_xlsx
from qlvb.files.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_PACKAGES_DIR = str(tmp_path / "packages")
    return tmp_path


def test_bulk_filing_files_every_chosen_document_or_none(free_dossier, handled, person, page_as):
    mine = [handled(code_number=str(n)) for n in (20, 21, 22)]
    not_hers = handled(to="ngothuytrang", code_number="23")
    dossier = free_dossier()
    officer = person("dothanhhuong")
    page = page_as("dothanhhuong")
    listed = page.get("/ho-so/chua-lap-ho-so/").content.decode()
    assert all(f'value="{d.pk}"' in listed for d in mine) and f'value="{not_hers.pk}"' not in listed
    refused = page.post(
        "/ho-so/chua-lap-ho-so/", {"dossier": dossier.pk, "document": [*(d.pk for d in mine), not_hers.pk]}, follow=True
    )
    assert "không văn bản nào được đưa vào hồ sơ" in refused.content.decode()
    assert not DossierItem.objects.filter(dossier=dossier).exists()
    with pytest.raises(NotFound) as exc:
        documents_file_bulk(actor=officer, dossier=dossier, document_ids=[mine[0].pk, not_hers.pk])
    assert exc.value.code == ErrorCode.BULK_REFUSED and f"#{not_hers.pk}" in exc.value.message
    done = page.post("/ho-so/chua-lap-ho-so/", {"dossier": dossier.pk, "document": [d.pk for d in mine]})
    assert done.status_code == 302
    assert sorted(DossierItem.objects.filter(dossier=dossier).values_list("document_id", flat=True)) == [
        d.pk for d in mine
    ]


def test_other_files_go_through_the_intake(free_dossier, page_as, store):
    dossier = free_dossier()
    page = page_as("dothanhhuong")
    photo = io.BytesIO(samples.image_bytes("PNG"))
    photo.name = "anh-hop.png"
    page.post(f"/ho-so/{dossier.pk}/tai-lieu-khac/", {"title": "Ảnh buổi họp", "file": photo})
    (item,) = DossierItem.objects.filter(dossier=dossier)
    assert item.title == "Ảnh buổi họp" and item.stored_file is not None and item.stored_file.blob.kind == "png"
    program = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    program.name = "bao-cao.png"
    answer = page.post(
        f"/ho-so/{dossier.pk}/tai-lieu-khac/", {"title": "Báo cáo", "file": program}, follow=True
    ).content.decode()
    assert "không được tiếp nhận" in answer
    assert DossierItem.objects.filter(dossier=dossier).count() == 1
    assert AuditEntry.objects.filter(action="dossiers.file_added").count() == 1
    # someone else may not add to this dossier
    other = io.BytesIO(samples.image_bytes("PNG"))
    other.name = "x.png"
    refused = page_as("ngothuytrang").post(f"/ho-so/{dossier.pk}/tai-lieu-khac/", {"title": "x", "file": other})
    assert refused.status_code == 404


@pytest.fixture
def draft(person, ubnd):
    clerk = person("lethuha")
    plan = services.plan_create(actor=clerk, agency=ubnd, year=2026)
    heading = services.plan_heading_add(actor=clerk, plan=plan, title="Văn hóa - Xã hội", abbreviation="VX")
    services.plan_row_add(actor=clerk, plan=plan, heading=heading, title='=HYPERLINK("http://x")', retention_years=None)
    return plan


def workbook(rows: list[tuple]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    for r, values in enumerate(rows, start=5):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_list_exported_in_xlsx_never_holds_a_formula(draft):
    ws = load_workbook(io.BytesIO(plan_xlsx(draft)))["Danh mục"]
    cells = [c for row in ws.iter_rows() for c in row if c.value]
    assert not [c for c in cells if c.data_type == "f"]
    assert '\'=HYPERLINK("http://x")' in [c.value for c in cells]
    assert [ws.cell(row=5, column=1).value, ws.cell(row=5, column=2).value] == ["I", "Văn hóa - Xã hội"]
    assert ws.cell(row=6, column=3).value == "Vĩnh viễn"


def test_the_xlsx_import_reports_each_row_and_refuses_bad_rows(draft, person):
    clerk = person("lethuha")
    rows = [
        ("II", "Tổ chức, cán bộ", None, None, None, None, "TCCB"),
        ("01.TCCB", "Hồ sơ quy chế làm việc", "20 năm", None, None, "Mục 3", None),
        ("1", "Thi đua, khen thưởng", None, None, None, None, None),
        (None, "Hồ sơ hội nghị thi đua", "Vĩnh viễn", None, None, None, None),
        ("03.TCCB", "=1+1", "10", None, None, None, None),
        ("04.TCCB", "Hồ sơ tuyển dụng", "99 năm", None, None, None, None),
        ("01.TCCB", "Hồ sơ trùng số", "5", None, None, None, None),
    ]
    report = plan_import_xlsx(actor=clerk, plan=draft, data=workbook(rows), dry_run=False)
    assert not report.imported
    reasons = {r.row: r.reason for r in report.rows}
    assert reasons[5] == reasons[6] == reasons[7] == reasons[8] == ""
    assert "công thức" in reasons[9] and "70 năm" in reasons[10] and "lặp lại" in reasons[11]
    assert PlanRow.objects.filter(plan=draft).count() == 1  # nothing imported
    good = workbook(rows[:4])
    checked = plan_import_xlsx(actor=clerk, plan=draft, data=good)  # dry run
    assert not checked.refused and not checked.imported and PlanRow.objects.filter(plan=draft).count() == 1
    done = plan_import_xlsx(actor=clerk, plan=draft, data=good, dry_run=False)
    assert done.imported
    imported = {r.notation: r for r in PlanRow.objects.filter(plan=draft)}
    assert imported["01.TCCB"].retention_years == 20 and imported["01.TCCB"].retention_ref == "Mục 3"
    numbered = next(r for r in imported.values() if r.title == "Hồ sơ hội nghị thi đua")
    assert numbered.retention_years is None and numbered.heading.parent is not None
    assert AuditEntry.objects.filter(action="dossiers.plan_imported").count() == 1


def test_the_import_page_shows_the_dry_run_report(draft, page_as):
    page = page_as("lethuha")
    upload = io.BytesIO(
        workbook([("III", "Kinh tế", None, None, None, None, "KT"), ("01.KT", "+cmd", "5", None, None, None, None)])
    )
    upload.name = "danh-muc.xlsx"
    body = page.post(f"/ho-so/danh-muc/{draft.pk}/nhap-xlsx/", {"file": upload, "action": "check"}).content.decode()
    assert "công thức" in body and "Hợp lệ" in body
    assert page.get("/ho-so/danh-muc/mau.xlsx").status_code == 200
    # an officer cannot change the list
    assert page_as("dothanhhuong").post(f"/ho-so/danh-muc/{draft.pk}/nhap-xlsx/", {"file": upload}).status_code == 403


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_the_printed_list_is_a_landscape_pdf(draft, page_as, tmp_path):
    answer = page_as("lethuha").get(f"/ho-so/danh-muc/{draft.pk}/tai-ve.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF-")
    pdf = tmp_path / "danh-muc.pdf"
    pdf.write_bytes(answer.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(x) for x in info.split("Page size:")[1].split("pts")[0].split("x"))
    assert width > height  # landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "DANH MỤC HỒ SƠ NĂM 2026" in text and "Bản Danh mục hồ sơ này có 1 hồ sơ" in text
