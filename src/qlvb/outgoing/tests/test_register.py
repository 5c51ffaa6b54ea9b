"""Sổ đăng ký văn bản đi (NĐ 30 Phụ lục IV, 10 columns) for a date range, as XLSX (read back) and PDF
(text checked; set QLVB_OUTGOING_SAVE_DIR to keep the PDF and render its pages)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.outgoing import reports, services

pytestmark = pytest.mark.django_db


def _rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_register_lists_every_numbered_document_of_the_range(issued, signed, person, ubnd, tyt):
    clerk = person("lethuha")
    first = issued(subject="Triển khai tiêm chủng mở rộng")
    second = issued(subject="Báo cáo tình hình dịch bệnh tháng 11", copy_count=3)
    services.outgoing_revoke(actor=clerk, outgoing=second, reason="Sai số liệu")
    third = signed(subject="Kế hoạch trực Tết")
    services.outgoing_number(actor=clerk, outgoing=third)  # numbered, not yet issued
    today = timezone.localdate()

    rows = _rows(reports.register_xlsx(actor=clerk, agency=ubnd, date_from=today, date_to=today))
    flat = [str(v) for row in rows for v in row if v is not None]
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in flat and "ỦY BAN NHÂN DÂN XÃ LIÊN MINH" in flat
    assert any(
        v.startswith(f"Từ ngày {today:%d/%m/%Y} đến ngày {today:%d/%m/%Y}") and "Từ số 01 đến số 03" in v for v in flat
    )
    head = rows.index(list(reports.REGISTER_COLUMNS))
    assert len(reports.REGISTER_COLUMNS) == 10
    assert rows[head + 1] == [f"({i})" for i in range(1, 11)]
    body = rows[head + 2 : head + 5]
    assert [r[0] for r in body] == ["01/UBND-VHXH", "02/UBND-VHXH", "03/UBND-VHXH"]
    one, two, three = body
    assert one[1] == f"{today:%d/%m/%Y}"
    assert one[2] == "Công văn: V/v triển khai tiêm chủng mở rộng"
    assert "Nguyễn Văn Hùng" in one[3]
    assert "Trạm Y tế xã Liên Minh" in one[4]
    assert "Văn thư" in one[5] and "Văn hóa" in one[5]
    assert (one[6], two[6]) == (5, 3)
    assert one[7] == f"{today:%d/%m/%Y}" and three[7] is None  # ngày chuyển: issue date
    assert one[8] is None  # ký nhận: left for the hand signature
    assert "Đã thu hồi: Sai số liệu" in two[9]
    assert "Chưa phát hành" in three[9]
    assert first.document.number_notation == "01/UBND-VHXH"

    # another range: nothing, said so
    rows = _rows(
        reports.register_xlsx(
            actor=clerk, agency=ubnd, date_from=today - dt.timedelta(days=30), date_to=today - dt.timedelta(days=1)
        )
    )
    assert any("Không có văn bản đi" in str(v) for row in rows for v in row if v)

    pdf = reports.register_pdf(actor=clerk, agency=ubnd, date_from=today, date_to=today)
    if os.environ.get("QLVB_OUTGOING_SAVE_DIR"):
        Path(os.environ["QLVB_OUTGOING_SAVE_DIR"], "so-dang-ky-van-ban-di.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    for needle in (
        "01/UBND-VHXH",
        "02/UBND-VHXH",
        "03/UBND-VHXH",
        "Trạm Y tế xã Liên Minh",
        "Ký nhận",
        "Ghi chú",
        "Trang 1/1",
    ):
        assert needle in text, needle


def test_who_may_print_and_bad_ranges(person, ubnd):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        reports.register_xlsx(actor=person("dothanhhuong"), agency=ubnd, date_from=today, date_to=today)
    with pytest.raises(PermissionDenied):  # a clerk of another agency
        reports.register_xlsx(actor=person("tytlienminh_buithiloan"), agency=ubnd, date_from=today, date_to=today)
    reports.register_xlsx(actor=person("nguyenvanhung"), agency=ubnd, date_from=today, date_to=today)  # a leader
    with pytest.raises(ValidationFailed, match="sau ngày đầu"):
        reports.register_xlsx(actor=person("lethuha"), agency=ubnd, date_from=today, date_to=today - dt.timedelta(1))


def test_register_through_the_api_and_the_page(person, ubnd, page_as, api_as):
    today = timezone.localdate().isoformat()
    api = api_as("lethuha")
    r = api.get(f"/api/v1/outgoing/register/export?date_from={today}&date_to={today}&format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "so-dang-ky-van-ban-di" in r["Content-Disposition"]
    officer = api_as("dothanhhuong")
    assert officer.get(f"/api/v1/outgoing/register/export?date_from={today}&date_to={today}").status_code == 403
    web = page_as("lethuha")
    assert 'data-qlvb="register-form"' in web.get("/van-ban-di/so-dang-ky/").content.decode()
    r = web.get(f"/van-ban-di/so-dang-ky/?date_from={today}&date_to={today}&format=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")


def test_postal_register_lists_the_paper_copies(issued, person, ubnd, cong_van, page_as):
    from qlvb.outgoing.models import TypeSetting

    clerk = person("lethuha")
    issued(subject="Không gửi giấy")
    TypeSetting.objects.create(agency=ubnd, doc_type=cong_van, also_paper=True)
    paper = issued(subject="Gửi kèm bản giấy")
    assert paper.also_paper and paper.document.deliveries.get().also_paper
    today = timezone.localdate()
    rows = _rows(reports.postal_xlsx(actor=clerk, agency=ubnd, date_from=today, date_to=today))
    head = rows.index(list(reports.POSTAL_COLUMNS))
    assert rows[head + 1] == [f"({i})" for i in range(1, 7)]
    assert rows[head + 2][:4] == [f"{today:%d/%m/%Y}", "02/UBND-VHXH", "Trạm Y tế xã Liên Minh", 1]
    assert all(r[1] != "01/UBND-VHXH" for r in rows[head + 2 :])  # the one without paper is not listed
    rows = _rows(_register_with_paper_note(clerk, ubnd, today))
    assert any("Gửi kèm bản giấy" in str(r[9]) for r in rows if r and r[0] == "02/UBND-VHXH")
    with pytest.raises(PermissionDenied):
        reports.postal_xlsx(actor=person("dothanhhuong"), agency=ubnd, date_from=today, date_to=today)
    web = page_as(clerk)
    r = web.get(f"/van-ban-di/so-dang-ky/?date_from={today}&date_to={today}&book=postal&format=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=r.content, capture_output=True, check=True
    ).stdout.decode()
    assert "SỔ GỬI VĂN BẢN ĐI BƯU ĐIỆN" in text and "02/UBND-VHXH" in text


def _register_with_paper_note(clerk, agency, today):
    return reports.register_xlsx(actor=clerk, agency=agency, date_from=today, date_to=today)
