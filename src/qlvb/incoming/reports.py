"""Outputs of Phụ lục IV (Nghị định 30/2020) as XLSX and PDF: Sổ đăng ký văn bản đến (10 columns) and Sổ
theo dõi giải quyết văn bản đến (7 columns) for a date range — the agency's registered documents by
arrival number —, and the Phiếu giải quyết văn bản đến of one document.

The XLSX carries its own print setup (A4, landscape for the registers, fit to the page width, the
column headings repeated on every page, page numbers); the PDF is that workbook printed by LibreOffice
Calc (``qlvb.files.convert.xlsx_to_pdf``), so both always say the same."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from qlvb.assignments.models import Assignment, AssignmentRole
from qlvb.core.permissions import require
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Direction, Document, DocumentEvent, DocumentStatus
from qlvb.files.convert import xlsx_to_pdf
from qlvb.files.workbook import BOX, CENTER, WRAP_TOP, no_formulas
from qlvb.files.workbook import font as _font
from qlvb.files.workbook import merged as _merged
from qlvb.files.workbook import page_setup as _page_setup
from qlvb.files.workbook import row_height as _height

from . import policies

REGISTER_COLUMNS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
REGISTER_WIDTHS = (11, 7, 22, 16, 11, 44, 28, 11, 10, 16)
FOLLOWUP_COLUMNS = (
    "Số đến",
    "Tên loại, số, ký hiệu, ngày tháng và tên cơ quan ban hành",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
)
FOLLOWUP_WIDTHS = (7, 44, 32, 12, 34, 16, 18)

PLACE_RE = re.compile(r"\b(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh)\s+(.+)$", re.IGNORECASE)


def _registered(agency: Unit, date_from: dt.date, date_to: dt.date) -> QuerySet[Document]:
    top = (
        Assignment.objects.filter(parent__isnull=True)
        .select_related("unit", "user")
        .prefetch_related("reminders")
        .order_by("assigned_at", "pk")
    )
    return (
        Document.objects.filter(
            agency=agency,
            direction=Direction.INCOMING,
            arrival_number__isnull=False,
            arrival_date__gte=date_from,
            arrival_date__lte=date_to,
        )
        .select_related("doc_type")
        .prefetch_related(
            Prefetch("assignments", queryset=top, to_attr="top"),
            Prefetch(
                "events",
                queryset=DocumentEvent.objects.filter(action="answered").order_by("created_at"),
                to_attr="answers",
            ),
        )
        .order_by("arrival_date", "arrival_number")
    )


def _d(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _recipients(doc: Any) -> str:
    return "; ".join(f"{a.assignee_label} ({a.get_role_display().lower()})" for a in doc.top)


def place_of(agency: Unit) -> str:
    """The place name of the date line (Phụ lục I): "Ủy ban nhân dân xã Liên Minh" → "Liên Minh"."""
    found = PLACE_RE.search(agency.name)
    return found.group(1).strip() if found else agency.name


def _date_line(agency: Unit, day: dt.date) -> str:
    return f"{place_of(agency)}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _rejection_note(doc: Document) -> str:
    if doc.status != DocumentStatus.REJECTED:
        return ""
    event = doc.events.filter(action="rejected").last()
    return f"Từ chối tiếp nhận: {event.text}" if event is not None else "Từ chối tiếp nhận"


# --- Workbook layout ----------------------------------------------------------------------------------------------


def _register_book(
    *,
    title: str,
    agency: Unit,
    date_from: dt.date,
    date_to: dt.date,
    columns: tuple[str, ...],
    widths: tuple[int, ...],
    rows: list[list[Any]],
    numbers: tuple[int | None, int | None],
) -> bytes:
    """A register page set: agency heading, register name, period, numbered column headings, rows."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    n = len(columns)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    parent = agency.parent.name.upper() if agency.parent is not None else ""
    head_cols = max(3, n // 3)
    if parent:
        _merged(ws, 1, 1, head_cols, parent, font=_font(11))
    _merged(ws, 2, 1, head_cols, agency.name.upper(), font=_font(11, bold=True))
    _merged(ws, 4, 1, n, title, font=_font(15, bold=True))
    period = f"Năm {date_from:%Y}" if date_from.year == date_to.year else ""
    period = f"{period} — Từ ngày {_d(date_from)} đến ngày {_d(date_to)}".strip(" —")
    _merged(ws, 5, 1, n, period, font=_font(12, italic=True))
    first, last = numbers
    span = f"Từ số {first} đến số {last}" if first is not None else "Không có văn bản trong khoảng thời gian này"
    _merged(ws, 6, 1, n, span, font=_font(12, italic=True))
    ws.row_dimensions[4].height = 22
    header = 8
    for i, name in enumerate(columns, start=1):
        cell = ws.cell(row=header, column=i, value=name)
        cell.font, cell.alignment, cell.border = _font(11, bold=True), CENTER, BOX
        number = ws.cell(row=header + 1, column=i, value=f"({i})")
        number.font, number.alignment, number.border = _font(10, italic=True), CENTER, BOX
    ws.row_dimensions[header].height = 45
    for r, values in enumerate(rows, start=header + 2):
        ws.row_dimensions[r].height = _height(values, widths)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = _font(11), BOX
            cell.alignment = (
                CENTER
                if isinstance(value, int) or (isinstance(value, str) and len(value) == 10 and value[2:3] == "/")
                else WRAP_TOP
            )
    _page_setup(ws, landscape=True, title_rows=f"{header}:{header + 1}")
    ws.freeze_panes = ws.cell(row=header + 2, column=1)
    out = io.BytesIO()
    no_formulas(wb).save(out)
    return out.getvalue()


# --- Sổ đăng ký văn bản đến, Sổ theo dõi giải quyết văn bản đến --------------------------------------------------


def register_rows(agency: Unit, date_from: dt.date, date_to: dt.date) -> list[list[Any]]:
    rows = []
    for doc in _registered(agency, date_from, date_to):
        first = doc.top[0] if doc.top else None  # type: ignore[attr-defined]
        note = "; ".join(p for p in (doc.description, _rejection_note(doc)) if p)
        rows.append(
            [
                _d(doc.arrival_date),
                doc.arrival_number,
                doc.organ_name,
                doc.number_notation,
                _d(doc.issued_date),
                f"{doc.doc_type.name}: {doc.subject}",
                _recipients(doc),
                _d(timezone.localdate(first.assigned_at)) if first else "",
                "",
                note,
            ]
        )
    return rows


def followup_rows(agency: Unit, date_from: dt.date, date_to: dt.date) -> list[list[Any]]:
    rows = []
    for doc in _registered(agency, date_from, date_to):
        lead = next((a for a in doc.top if a.role == AssignmentRole.LEAD), None)  # type: ignore[attr-defined]
        progress = doc.get_status_display()
        if lead is not None and lead.result:
            progress += f": {lead.result}"
        top: list[Assignment] = doc.top  # type: ignore[attr-defined]
        reminders = sum(len(a.reminders.all()) for a in top)
        note = "; ".join(p for p in (f"Đôn đốc {reminders} lần" if reminders else "", _rejection_note(doc)) if p)
        ident = f"{doc.doc_type.name} {doc.number_notation}, {_d(doc.issued_date)}, {doc.organ_name}"
        answers = "; ".join(str(e.data.get("notation", "")) for e in doc.answers)  # type: ignore[attr-defined]
        rows.append(
            [
                doc.arrival_number,
                ident,
                _recipients(doc),
                _d(lead.due_date if lead else doc.due_date),
                progress,
                answers,
                note,
            ]
        )
    return rows


def _numbers(rows: list[list[Any]], index: int) -> tuple[int | None, int | None]:
    values = [r[index] for r in rows]
    return (min(values), max(values)) if values else (None, None)


def register_xlsx(*, actor: User, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    require(actor, policies.REPORT, unit=agency)
    rows = register_rows(agency, date_from, date_to)
    return _register_book(
        title="SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        agency=agency,
        date_from=date_from,
        date_to=date_to,
        columns=REGISTER_COLUMNS,
        widths=REGISTER_WIDTHS,
        rows=rows,
        numbers=_numbers(rows, 1),
    )


def followup_xlsx(*, actor: User, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    require(actor, policies.REPORT, unit=agency)
    rows = followup_rows(agency, date_from, date_to)
    return _register_book(
        title="SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
        agency=agency,
        date_from=date_from,
        date_to=date_to,
        columns=FOLLOWUP_COLUMNS,
        widths=FOLLOWUP_WIDTHS,
        rows=rows,
        numbers=_numbers(rows, 0),
    )


def register_pdf(*, actor: User, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    return xlsx_to_pdf(register_xlsx(actor=actor, agency=agency, date_from=date_from, date_to=date_to))


def followup_pdf(*, actor: User, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    return xlsx_to_pdf(followup_xlsx(actor=actor, agency=agency, date_from=date_from, date_to=date_to))
