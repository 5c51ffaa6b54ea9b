"""The week of the agency's calendar printed as agencies post it on the notice board: a landscape A4 table
(Thứ/ngày, Giờ, Nội dung, Chủ trì, Thành phần, Địa điểm, Chuẩn bị), one block of rows per day.

Built as a workbook with its own print setup and printed to PDF by LibreOffice Calc
(``qlvb.files.convert.xlsx_to_pdf``), the path of the other printed registers. A field changed after
publishing shows its new value and, struck through, the old one; a cancelled event is struck through."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils import get_column_letter

from qlvb.directory.models import Unit
from qlvb.files.convert import xlsx_to_pdf
from qlvb.files.workbook import (
    BOX,
    CENTER,
    FONT,
    TOP_CENTER,
    WRAP_TOP,
    font,
    merged,
    no_formulas,
    page_setup,
    row_height,
)

from .calendar_models import CalendarEvent, EventState
from .calendar_selectors import DayEntry, days_of_week, event_olds

COLUMNS = ("Thứ/ngày", "Giờ", "Nội dung", "Chủ trì", "Thành phần", "Địa điểm", "Chuẩn bị")
WIDTHS = (12, 11, 48, 20, 36, 20, 18)
MIN_HEIGHT = 34  # the day cell holds two lines: "Thứ Hai" and the date
CHANGE_FIELD = {3: "title", 4: "chair", 5: "attendees", 6: "place", 7: "preparing_unit", 2: "time"}


def _attendees(event: CalendarEvent) -> str:
    names = ", ".join(str(u) for u in event.attendee_users.all())
    units = ", ".join(u.name for u in event.attendee_units.all())
    return "; ".join(p for p in (names, units, event.guests) if p)


def event_cells(event: CalendarEvent, span: str) -> list[str]:
    return [
        span,
        event.title + (f"\n{event.note}" if event.note else ""),
        str(event.chair or ""),
        _attendees(event),
        event.place_label,
        event.preparing_unit.name if event.preparing_unit else "",
    ]


def _value(event: CalendarEvent, column: int, text: str) -> Any:
    """The cell's value: rich text with the struck-through old value when the field changed."""
    regular = InlineFont(rFont=FONT, sz=11)
    struck = InlineFont(rFont=FONT, sz=11, strike=True)
    if event.state == EventState.CANCELLED:
        return CellRichText(TextBlock(struck, text)) if text else ""
    old = event_olds(event).get(CHANGE_FIELD.get(column, ""), "")
    if not old:
        return text
    return CellRichText(TextBlock(regular, text + "\n"), TextBlock(struck, old))


def week_xlsx(*, agency: Unit, monday: dt.date, events: list[CalendarEvent]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Lịch công tác"
    n = len(COLUMNS)
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    sunday = monday + dt.timedelta(days=6)
    merged(ws, 1, 1, 3, agency.name.upper(), font=font(12, bold=True))
    merged(ws, 3, 1, n, "LỊCH CÔNG TÁC TUẦN CỦA LÃNH ĐẠO", font=font(14, bold=True))
    merged(ws, 4, 1, n, f"(Từ ngày {monday:%d/%m/%Y} đến ngày {sunday:%d/%m/%Y})", font=font(12, italic=True))
    header = 6
    for i, name in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header, column=i, value=name)
        cell.font, cell.alignment, cell.border = font(11, bold=True), CENTER, BOX
    row = header + 1
    for day in days_of_week(monday, events):
        first = row
        slots: list[DayEntry | None] = list(day.entries) or [None]  # a day with no event still has its row
        for entry in slots:
            event = entry.event if entry is not None else None
            values = event_cells(entry.event, entry.span) if entry is not None else ["", "", "", "", "", ""]
            extra = 14 if event is not None and event.changes.all() else 0  # the struck-through old value
            ws.row_dimensions[row].height = max(MIN_HEIGHT, row_height(["", *values], WIDTHS) + extra)
            for c, text in enumerate(values, start=2):
                cell = ws.cell(row=row, column=c, value=_value(event, c, text) if event is not None else text)
                cell.font, cell.border = font(11), BOX
                cell.alignment = TOP_CENTER if c == 2 else WRAP_TOP
            row += 1
        label = ws.cell(row=first, column=1, value=f"{day.name}\n{day.date:%d/%m/%Y}")
        label.font, label.alignment, label.border = font(11, bold=True), CENTER, BOX
        if row - 1 > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
        for r in range(first, row):
            ws.cell(row=r, column=1).border = BOX
    page_setup(ws, landscape=True, title_rows=f"{header}:{header}")
    out = io.BytesIO()
    no_formulas(wb).save(out)
    return out.getvalue()


def week_pdf(*, agency: Unit, monday: dt.date, events: list[CalendarEvent]) -> bytes:
    return xlsx_to_pdf(week_xlsx(agency=agency, monday=monday, events=events), name="lich-cong-tac.xlsx")
