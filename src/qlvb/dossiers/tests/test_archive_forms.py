"""The printed forms of a batch (Phụ lục V): the Mục lục hồ sơ, tài liệu nộp lưu (landscape) and the Biên bản
giao nhận tài liệu, as XLSX with the counts of dossiers, documents and files, and as PDF printed by
LibreOffice (rendered to PNG under var/screenshots/dossiers/ for a person to look at)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from qlvb.dossiers import archive, services
from qlvb.incoming.attaching import IncomingFile, attachments_add
from qlvb.incoming.tests.test_attachments import pdf_bytes, take_in

pytestmark = pytest.mark.django_db
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "dossiers"


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


@pytest.fixture
def batch(free_dossier, handled, person, archivist):
    huong = person("dothanhhuong")
    ids = []
    for n, title in ((5, "Hồ sơ tiêm chủng mở rộng năm 2026"), (6, "Hồ sơ kiểm tra an toàn thực phẩm năm 2026")):
        dossier = free_dossier(notation=f"0{n}.VX", title=title)
        docs = [handled(subject=f"{title}: văn bản {i}", code_number=f"{n}{i}", page_amount=2) for i in (1, 2)]
        stored = take_in(person("lethuha"), f"{n}.pdf", pdf_bytes(2))
        attachments_add(actor=None, document=docs[0], files=[IncomingFile(stored)], checked=True)
        services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[d.pk for d in docs])
        services.dossier_close(actor=huong, dossier=dossier, end_date=dt.date(2026, 6, 30))
        ids.append(dossier.pk)
    made = archive.transfer_create(actor=huong, dossier_ids=ids, title="Tài liệu Phòng Văn hóa - Xã hội năm 2026")
    archive.transfer_submit(actor=huong, batch=made)
    for item in made.items.all():
        archive.transfer_accept(actor=archivist, item=item)
    made.refresh_from_db()
    return made


def _cells(data: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(data)).active
    return [str(c) for row in ws.iter_rows(values_only=True) for c in row if c not in (None, "")]


def test_the_list_and_the_record_count_dossiers_documents_and_files(page_as, batch, archivist):
    keeper = page_as(archivist)
    listing = keeper.get(f"/ho-so/nop-luu/{batch.pk}/muc-luc-nop-luu.xlsx")
    assert listing.status_code == 200
    cells = _cells(listing.content)
    assert "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU" in cells and "Hồ sơ tiêm chủng mở rộng năm 2026" in cells
    assert "Mục này gồm" not in cells
    assert any(c.startswith("Mục lục này gồm: 2 hồ sơ, 4 văn bản, tài liệu (8 trang; 2 tệp điện tử)") for c in cells)
    assert "02/01/2026 – 30/06/2026" in cells and "10 năm" in cells
    ws = load_workbook(io.BytesIO(listing.content)).active
    assert ws.page_setup.orientation == "landscape"
    record = _cells(keeper.get(f"/ho-so/nop-luu/{batch.pk}/bien-ban-giao-nhan.xlsx").content)
    assert "Về việc giao nhận tài liệu" in record
    assert any("BÊN NHẬN: Lưu trữ cơ quan, đại diện là Trần Thị Lan" in c for c in record)
    assert any(
        "3. Số lượng tài liệu: 2 hồ sơ, 4 văn bản, tài liệu (8 trang); tài liệu điện tử: 2 hồ sơ, 2 tệp" in c
        for c in record
    )
    assert (
        page_as("tytlienminh_buithiloan").get(f"/ho-so/nop-luu/{batch.pk}/bien-ban-giao-nhan.xlsx").status_code == 404
    )
    assert keeper.get(f"/ho-so/nop-luu/{batch.pk}/bien-ban-giao-nhan.doc").status_code == 302  # refused with a message


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None, reason="LibreOffice")
def test_the_forms_print_to_pdf(page_as, batch, archivist):
    keeper = page_as(archivist)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for form, landscape in (("muc-luc-nop-luu", True), ("bien-ban-giao-nhan", False)):
        response = keeper.get(f"/ho-so/nop-luu/{batch.pk}/{form}.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(response.content))
        page = reader.pages[0]
        wide = float(page.mediabox.width) > float(page.mediabox.height)
        assert wide == landscape
        text = page.extract_text()
        assert ("MỤC LỤC HỒ SƠ" in text) if landscape else ("giao nhận tài liệu" in text)
        pdf = SHOTS / f"{form}.pdf"
        pdf.write_bytes(response.content)
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SHOTS / form)], check=True
            )


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None, reason="LibreOffice")
def test_the_disposal_list_and_record_print_after_the_execution(page_as, free_dossier, handled, person, archivist):
    from qlvb.dossiers import disposal

    huong = person("dothanhhuong")
    dossier = free_dossier(notation="01.VX", title="Hồ sơ hội nghị năm 2014", start_date=dt.date(2014, 1, 2))
    doc = handled(subject="Giấy mời hội nghị", code_number="90", page_amount=1)
    attachments_add(
        actor=None, document=doc, files=[IncomingFile(take_in(huong, "moi.pdf", pdf_bytes(1)))], checked=True
    )
    services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[doc.pk])
    services.dossier_close(actor=huong, dossier=dossier, end_date=dt.date(2014, 12, 31))
    made = archive.transfer_create(actor=huong, dossier_ids=[dossier.pk], title="")
    archive.transfer_submit(actor=huong, batch=made)
    archive.transfer_accept(actor=archivist, item=made.items.get())
    proposal = disposal.disposal_propose(
        actor=archivist, dossier_ids=[dossier.pk], reason="Hết thời hạn bảo quản 10 năm"
    )
    disposal.disposal_appraise(
        actor=archivist,
        proposal=proposal,
        members="Nguyễn Văn Hùng (Chủ tịch hội đồng), Lê Thu Hà, Trần Thị Lan",
        opinion="Đồng ý hủy.",
        meeting_date=dt.date(2026, 1, 5),
        agreed=True,
    )
    disposal.disposal_approve(actor=person("nguyenvanhung"), proposal=proposal)
    disposal.disposal_execute(actor=archivist, proposal=proposal)
    keeper = page_as(archivist)
    page = keeper.get(f"/ho-so/huy/{proposal.pk}/").content.decode()
    assert "Đã hủy" in page and "Hồ sơ hội nghị năm 2014" in page
    record = _cells(keeper.get(f"/ho-so/huy/{proposal.pk}/bien-ban-huy.xlsx").content)
    assert any("Tài liệu điện tử: đã xóa 1 tệp" in c for c in record)
    assert any("Đã tiến hành hủy 1 hồ sơ (1 văn bản, tài liệu)" in c for c in record)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for form in ("danh-muc-huy", "bien-ban-huy"):
        response = keeper.get(f"/ho-so/huy/{proposal.pk}/{form}.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        pdf = SHOTS / f"{form}.pdf"
        pdf.write_bytes(response.content)
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SHOTS / form)], check=True
            )
