"""Outputs of Phụ lục IV as XLSX for a date range: Sổ đăng ký văn bản đến (10 columns) and Sổ theo dõi
giải quyết văn bản đến (7 columns). Rows are the agency's registered documents by arrival number."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qlvb.assignments.models import Assignment, AssignmentRole
from qlvb.core.permissions import require
from qlvb.directory.models import Unit
from qlvb.documents.models import Direction, Document

REGISTER_COLUMNS = (
    "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu văn bản", "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú",
)
FOLLOWUP_COLUMNS = (
    "Số đến", "Tên loại, số, ký hiệu, ngày tháng và tên cơ quan ban hành", "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú",
)


def _registered(agency: Unit, date_from: dt.date, date_to: dt.date) -> QuerySet[Document]:
    top = Assignment.objects.filter(parent__isnull=True).select_related("unit", "user").order_by("assigned_at", "pk")
    return (Document.objects.filter(agency=agency, direction=Direction.INCOMING, arrival_number__isnull=False,
                                    arrival_date__gte=date_from, arrival_date__lte=date_to)
            .select_related("doc_type").prefetch_related(Prefetch("assignments", queryset=top, to_attr="top"))
            .order_by("arrival_date", "arrival_number"))


def _d(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _recipients(doc: Any) -> str:
    return "; ".join(f"{a.assignee_label} ({a.get_role_display().lower()})" for a in doc.top)


def _sheet(title: str, heading: str, columns: tuple[str, ...], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(list(columns))
    ws.append([f"({i})" for i in range(1, len(columns) + 1)])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in rows:
        ws.append(row)
    for i, width in enumerate((12, 9, 30, 18, 12, 50, 30, 12, 12, 20)[: len(columns)], start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def register_xlsx(*, actor: Any, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    require(actor, "incoming.report", unit=agency)
    rows = []
    for doc in _registered(agency, date_from, date_to):
        first = doc.top[0] if doc.top else None  # type: ignore[attr-defined]
        rows.append([_d(doc.arrival_date), doc.arrival_number, doc.organ_name, doc.number_notation,
                     _d(doc.issued_date), f"{doc.doc_type.name}: {doc.subject}", _recipients(doc),
                     _d(first.assigned_at.date()) if first else "", "", doc.description])
    heading = f"SỔ ĐĂNG KÝ VĂN BẢN ĐẾN — {agency.name} — từ {_d(date_from)} đến {_d(date_to)}"
    return _sheet("So dang ky VB den", heading, REGISTER_COLUMNS, rows)


def followup_xlsx(*, actor: Any, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    require(actor, "incoming.report", unit=agency)
    rows = []
    for doc in _registered(agency, date_from, date_to):
        lead = next((a for a in doc.top if a.role == AssignmentRole.LEAD), None)  # type: ignore[attr-defined]
        progress = doc.get_status_display()
        if lead is not None and lead.result:
            progress += f": {lead.result}"
        reminders = sum(a.reminders.count() for a in doc.top)  # type: ignore[attr-defined]
        note = f"Đôn đốc {reminders} lần" if reminders else ""
        ident = f"{doc.doc_type.name} {doc.number_notation}, {_d(doc.issued_date)}, {doc.organ_name}"
        rows.append([doc.arrival_number, ident, _recipients(doc), _d(lead.due_date if lead else doc.due_date),
                     progress, "", note])
    heading = f"SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN — {agency.name} — từ {_d(date_from)} đến {_d(date_to)}"
    return _sheet("So theo doi giai quyet", heading, FOLLOWUP_COLUMNS, rows)
