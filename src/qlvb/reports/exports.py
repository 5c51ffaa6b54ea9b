"""The statistics and the six-monthly report as XLSX. Every text cell is written as a string cell (type
``s``): a name or a subject that begins with ``=``, ``+``, ``-`` or ``@`` is shown as typed and never run
by a spreadsheet as a formula; numbers stay numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qlvb.files.workbook import BOX, CENTER, WRAP_TOP, no_formulas
from qlvb.files.workbook import font as _font
from qlvb.files.workbook import merged as _merged
from qlvb.files.workbook import page_setup as _page_setup

from .usage import INCIDENTS_NOTE, ROWS, UsageReport

WORK_COLUMNS = ("Đúng hạn", "Trễ hạn", "Quá hạn", "Chưa đến hạn", "Tổng")
WORK_KEYS = ("on_time", "late", "overdue", "not_due", "total")


def put(ws: Worksheet, row: int, column: int, value: Any) -> None:
    """A cell that no spreadsheet evaluates: text is always a string cell."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value
    cell.border = BOX
    cell.alignment = WRAP_TOP if isinstance(value, str) else CENTER
    cell.font = _font(11)


def _sheet(
    ws: Worksheet, *, title: str, subtitle: str, columns: Sequence[str], widths: Sequence[int], rows: list[list[Any]]
) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _merged(ws, 1, 1, len(columns), title, font=_font(13, bold=True))
    _merged(ws, 2, 1, len(columns), subtitle, font=_font(11, italic=True))
    for i, name in enumerate(columns, start=1):
        put(ws, 4, i, name)
        ws.cell(row=4, column=i).font = _font(11, bold=True)
        ws.cell(row=4, column=i).alignment = CENTER
    for r, values in enumerate(rows, start=5):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value)
    _page_setup(ws, landscape=len(columns) > 6, title_rows="4:4")
    ws.freeze_panes = ws.cell(row=5, column=2)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    no_formulas(wb).save(out)
    return out.getvalue()


def statistics_xlsx(*, agency_name: str, period_label: str, data: dict[str, Any]) -> bytes:
    """Three sheets: work by unit, work by person, reminders received per person."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Theo đơn vị"
    subtitle = f"{agency_name} — kỳ {period_label}"
    by_unit = [[r["label"], *[r[k] for k in WORK_KEYS]] for r in data["by_unit"]]
    _sheet(
        ws,
        title="TÌNH HÌNH XỬ LÝ THEO ĐƠN VỊ",
        subtitle=subtitle,
        columns=("Đơn vị", *WORK_COLUMNS),
        widths=(40, 12, 12, 12, 14, 10),
        rows=by_unit,
    )
    ws = wb.create_sheet("Theo cá nhân")
    by_person = [[r["label"], *[r[k] for k in WORK_KEYS]] for r in data["by_person"]]
    _sheet(
        ws,
        title="TÌNH HÌNH XỬ LÝ THEO CÁ NHÂN",
        subtitle=subtitle,
        columns=("Họ và tên", *WORK_COLUMNS),
        widths=(32, 12, 12, 12, 14, 10),
        rows=by_person,
    )
    ws = wb.create_sheet("Số lần bị đôn đốc")
    reminded = [
        [r["label"], r["unit"], r["nhac_nho"], r["phe_binh"], r["kiem_diem"], r["total"]] for r in data["reminders"]
    ]
    _sheet(
        ws,
        title="SỐ LẦN BỊ ĐÔN ĐỐC",
        subtitle=subtitle,
        columns=("Người, đơn vị được giao", "Đơn vị", "Nhắc nhở", "Phê bình", "Kiểm điểm", "Tổng"),
        widths=(30, 30, 11, 11, 11, 9),
        rows=reminded,
    )
    return _save(wb)


def usage_xlsx(report: UsageReport, *, title_owner: str) -> bytes:
    """Sheet 1: every indicator for the report's total; sheet 2: one row per agency (whole deployment)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tổng hợp"
    subtitle = f"{title_owner} — kỳ {report.period.label}"
    rows: list[list[Any]] = [[label, report.total.values[key]] for key, label in ROWS]
    rows.append(["Ghi chú về sự cố", INCIDENTS_NOTE])
    _sheet(
        ws,
        title="BÁO CÁO TÌNH HÌNH HOẠT ĐỘNG CỦA HỆ THỐNG QLVB&ĐH",
        subtitle=subtitle,
        columns=("Chỉ tiêu", "Số liệu"),
        widths=(52, 30),
        rows=rows,
    )
    ws = wb.create_sheet("Theo cơ quan")
    per_agency = [[a.name, *[a.values[k] for k, _l in ROWS]] for a in [*report.agencies, report.total]]
    _sheet(
        ws,
        title="SỐ LIỆU THEO CƠ QUAN",
        subtitle=subtitle,
        columns=("Cơ quan", *[label.strip("— ") for _k, label in ROWS]),
        widths=(40, *([14] * len(ROWS))),
        rows=per_agency,
    )
    return _save(wb)
