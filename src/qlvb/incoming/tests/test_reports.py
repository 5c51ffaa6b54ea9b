"""Phụ lục IV outputs read back from the XLSX: headers, one row per registered document."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qlvb.core.errors import PermissionDenied
from qlvb.incoming import reports
from qlvb.incoming.services import Target, assignment_complete, incoming_direct, reminder_send


def rows(content: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(content)).active
    return [tuple(c.value for c in r) for r in ws.iter_rows()]


@pytest.fixture
def two_documents(receive, person, dept):
    first = receive(subject="Về việc rà soát hộ nghèo", code_number="45", code_notation="UBND-LĐTBXH")
    second = receive(subject="Giấy mời dự họp", code_number="7", code_notation="GM-UBND")
    (lead, _s) = incoming_direct(actor=person("nguyenvanhung"), document=first, directive="", targets=[
        Target(role="lead", user=person("dothanhhuong"), due_date=dt.date(2026, 12, 31)),
        Target(role="support", unit=dept("KT"))])
    reminder_send(actor=person("nguyenvanhung"), assignment=lead, kind="nhac_nho", text="Khẩn trương")
    assignment_complete(actor=person("dothanhhuong"), assignment=lead, result="Đã gửi danh sách")
    return first, second


def test_register_has_the_ten_columns_and_a_row_per_document(two_documents, person, ubnd):
    today = timezone.localdate()
    data = rows(reports.register_xlsx(actor=person("lethuha"), agency=ubnd, date_from=today, date_to=today))
    assert data[0][0].startswith("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN")
    assert data[1] == reports.REGISTER_COLUMNS and len(data[1]) == 10
    body = data[3:]
    assert [r[1] for r in body] == [1, 2]
    assert body[0][0] == f"{today:%d/%m/%Y}" and body[0][3] == "45/UBND-LĐTBXH"
    assert body[0][5] == "Công văn: Về việc rà soát hộ nghèo"
    assert "Đỗ Thanh Hương" in body[0][6] and "Phòng Kinh tế" in body[0][6]


def test_followup_register_has_the_seven_columns(two_documents, person, ubnd):
    today = timezone.localdate()
    data = rows(reports.followup_xlsx(actor=person("nguyenvanhung"), agency=ubnd, date_from=today, date_to=today))
    assert data[1] == reports.FOLLOWUP_COLUMNS and len(data[1]) == 7
    first = data[3]
    assert first[0] == 1 and first[3] == "31/12/2026"
    assert "Đã gửi danh sách" in first[4] and first[6] == "Đôn đốc 1 lần"


def test_only_clerks_and_leaders_print_and_outsiders_get_404(two_documents, person, ubnd, client):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        reports.register_xlsx(actor=person("dothanhhuong"), agency=ubnd, date_from=today, date_to=today)
    client.force_login(person("lethuha"))
    url = reverse("incoming:report_xlsx", args=["so-dang-ky"])
    response = client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert response.status_code == 200 and len(rows(response.content)) == 5
    client.force_login(person("ngothuytrang"))
    assert client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()}).status_code == 404
