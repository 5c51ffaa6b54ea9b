"""Phụ lục IV outputs: the XLSX read back (headers, rows) and the PDF printed from it by LibreOffice
(text extracted with pypdf; the pages are rendered to PNG under var/screenshots/incoming/ to be looked at)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from qlvb.core.errors import PermissionDenied
from qlvb.incoming import reports, slip
from qlvb.incoming.services import (
    Target,
    assignment_assign,
    assignment_complete,
    assignment_report,
    incoming_direct,
    reminder_send,
)

OUT = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "incoming"
DUE = timezone.localdate() + dt.timedelta(days=29)


def rows(content: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(content)).active
    return [tuple(c.value for c in r) for r in ws.iter_rows()]


def table(content: bytes, columns: tuple[str, ...]) -> tuple[list[tuple], list[tuple]]:
    """(rows above the table, data rows): the table starts at the row of column headings and "(1)…(n)"."""
    data = rows(content)
    start = next(i for i, r in enumerate(data) if tuple(r[: len(columns)]) == columns)
    assert data[start + 1][: len(columns)] == tuple(f"({i})" for i in range(1, len(columns) + 1))
    return data[:start], [r[: len(columns)] for r in data[start + 2 :]]


def pdf_text(content: bytes, name: str) -> str:
    """The text of a PDF; the PDF and its pages as PNG are kept under var/screenshots/incoming/."""
    assert content.startswith(b"%PDF-")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.pdf").write_bytes(content)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(OUT / f"{name}.pdf"), str(OUT / name)], check=True)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def two_documents(receive, person, dept):
    first = receive(subject="Về việc rà soát hộ nghèo", code_number="45", code_notation="UBND-LĐTBXH")
    second = receive(
        subject="Giấy mời dự họp tổng kết công tác văn thư, lưu trữ năm 2025 và triển khai nhiệm vụ năm 2026",
        code_number="7",
        code_notation="GM-UBND",
        organ_name="Sở Nội vụ tỉnh Phú Thọ",
    )
    (lead, _s) = incoming_direct(
        actor=person("nguyenvanhung"),
        document=first,
        directive="Đề nghị Phòng VHXH chủ trì rà soát, Phòng KT phối hợp; báo cáo trước ngày 31/12.",
        targets=[Target(role="lead", unit=dept("VHXH"), due_date=DUE), Target(role="support", unit=dept("KT"))],
    )
    (mine,) = assignment_assign(
        actor=person("hoangvannam"),
        assignment=lead,
        note="Đồng chí Hương thực hiện",
        targets=[Target(role="lead", user=person("dothanhhuong"))],
    )
    reminder_send(actor=person("nguyenvanhung"), assignment=lead, kind="nhac_nho", text="Khẩn trương")
    assignment_report(
        actor=person("dothanhhuong"),
        assignment=mine,
        kind="opinion",
        text="Đề xuất tổng hợp theo mẫu của huyện",
        progress=50,
    )
    assignment_complete(actor=person("dothanhhuong"), assignment=mine, result="Đã gửi danh sách hộ nghèo")
    return first, second


def test_register_has_the_ten_columns_and_a_row_per_document(two_documents, person, ubnd):
    today = timezone.localdate()
    content = reports.register_xlsx(actor=person("lethuha"), agency=ubnd, date_from=today, date_to=today)
    above, body = table(content, reports.REGISTER_COLUMNS)
    assert len(reports.REGISTER_COLUMNS) == 10
    assert any(r[0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" for r in above)
    assert any(r[0] == "ỦY BAN NHÂN DÂN XÃ LIÊN MINH" for r in above)
    assert any(r[0] == "Từ số 1 đến số 2" for r in above)
    assert [r[1] for r in body] == [1, 2]
    assert body[0][0] == f"{today:%d/%m/%Y}" and body[0][3] == "45/UBND-LĐTBXH"
    assert body[0][5] == "Công văn: Về việc rà soát hộ nghèo"
    assert "Phòng Văn hóa - Xã hội" in body[0][6] and "Phòng Kinh tế" in body[0][6]
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1


def test_register_pdf_has_the_headings_and_the_rows(two_documents, person, ubnd):
    today = timezone.localdate()
    text = squash(
        pdf_text(
            reports.register_pdf(actor=person("lethuha"), agency=ubnd, date_from=today, date_to=today), "so-dang-ky"
        )
    )
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    for heading in ("Ngày đến", "Số đến", "Tác giả", "Tên loại và trích yếu nội dung văn bản", "Ký nhận"):
        assert heading in text
    assert "45/UBND-LĐTBXH" in text and "Về việc rà soát hộ nghèo" in text and "Sở Nội vụ tỉnh Phú Thọ" in text


def test_followup_register_has_the_seven_columns(two_documents, person, ubnd):
    today = timezone.localdate()
    content = reports.followup_xlsx(actor=person("nguyenvanhung"), agency=ubnd, date_from=today, date_to=today)
    _above, body = table(content, reports.FOLLOWUP_COLUMNS)
    first = body[0]
    assert first[0] == 1 and first[3] == f"{DUE:%d/%m/%Y}"
    assert "Đã gửi danh sách" in first[4] and first[6] == "Đôn đốc 1 lần"
    text = squash(
        pdf_text(
            reports.followup_pdf(actor=person("nguyenvanhung"), agency=ubnd, date_from=today, date_to=today),
            "so-theo-doi",
        )
    )
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in text and "Tiến độ giải quyết" in text
    assert "Đã gửi danh sách hộ nghèo" in text


def test_slip_of_one_document(two_documents, person):
    first, _second = two_documents
    content = slip.slip_xlsx(actor=person("lethuha"), document=first)
    cells = [v for r in rows(content) for v in r if v]
    assert slip.SLIP_TITLE in cells and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "Về việc rà soát hộ nghèo" in cells and "45/UBND-LĐTBXH" in cells
    assert any(str(c).startswith(f"- Chủ trì: Phòng Văn hóa - Xã hội (hạn {DUE:%d/%m/%Y})") for c in cells)
    assert any("Đỗ Thanh Hương" in str(c) for c in cells)
    text = squash(pdf_text(slip.slip_pdf(actor=person("lethuha"), document=first), "phieu-giai-quyet"))
    for part in (
        slip.SLIP_TITLE,
        "1. Ý kiến của lãnh đạo cơ quan, tổ chức",
        "2. Ý kiến của lãnh đạo đơn vị",
        "3. Ý kiến đề xuất của người giải quyết",
        "Đề xuất tổng hợp theo mẫu của huyện",
        "Liên Minh, ngày",
    ):
        assert part in text
    assert len(PdfReader(io.BytesIO(slip.slip_pdf(actor=person("lethuha"), document=first))).pages) == 1


def test_only_clerks_and_leaders_print_and_outsiders_get_404(two_documents, person, ubnd, client):
    today = timezone.localdate()
    span = {"date_from": today.isoformat(), "date_to": today.isoformat()}
    with pytest.raises(PermissionDenied):
        reports.register_xlsx(actor=person("dothanhhuong"), agency=ubnd, date_from=today, date_to=today)
    client.force_login(person("lethuha"))
    url = reverse("incoming:report", args=["so-dang-ky", "xlsx"])
    response = client.get(url, span)
    assert response.status_code == 200 and len(table(response.content, reports.REGISTER_COLUMNS)[1]) == 2
    pdf = client.get(reverse("incoming:report", args=["so-theo-doi", "pdf"]), span)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(person("ngothuytrang"))
    assert client.get(url, span).status_code == 404


def test_slip_pages_follow_visibility(two_documents, person, client):
    first, second = two_documents
    client.force_login(person("dothanhhuong"))  # assigned the first document, not the second
    ok = client.get(reverse("incoming:slip", args=[first.pk, "xlsx"]))
    assert ok.status_code == 200 and ok.content[:2] == b"PK"
    assert client.get(reverse("incoming:slip", args=[second.pk, "pdf"])).status_code == 404
    client.force_login(person("lethuha"))
    html = client.get(reverse("incoming:detail", args=[first.pk])).content.decode()
    assert reverse("incoming:slip", args=[first.pk, "pdf"]) in html


def test_api_outputs(two_documents, person, client):
    first, _second = two_documents
    today = timezone.localdate().isoformat()
    client.force_login(person("nguyenvanhung"))
    xlsx = client.get("/api/v1/incoming/outputs/so-dang-ky.xlsx", {"date_from": today, "date_to": today})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(f"/api/v1/incoming/{first.pk}/phieu-giai-quyet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(person("ngothuytrang"))
    assert client.get(f"/api/v1/incoming/{first.pk}/phieu-giai-quyet.pdf").status_code == 404
    assert (
        client.get("/api/v1/incoming/outputs/so-dang-ky.pdf", {"date_from": today, "date_to": today}).status_code == 403
    )
