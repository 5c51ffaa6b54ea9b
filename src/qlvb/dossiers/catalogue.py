"""Mục lục văn bản, tài liệu of one dossier (NĐ 30/2020 Phụ lục V) as XLSX and PDF: STT, số và ký hiệu,
ngày tháng năm, tên loại và trích yếu, tác giả, tờ số/trang số, ghi chú.

The XLSX carries its own print setup; the PDF is that workbook printed by LibreOffice Calc
(``qlvb.files.convert.xlsx_to_pdf``), the path of the other printed registers, so both say the same.
The dossier comes from ``selectors.dossier_get`` (the actor may see it)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from qlvb.core.errors import ValidationFailed
from qlvb.files.convert import xlsx_to_pdf
from qlvb.files.workbook import BOX, CENTER, WRAP_TOP, font, merged, no_formulas, page_setup, row_height

from .models import Dossier
from .selectors import dossier_items, dossier_totals

COLUMNS = (
    "STT",
    "Số, ký hiệu văn bản",
    "Ngày tháng năm văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Tác giả văn bản",
    "Tờ số/Trang số",
    "Ghi chú",
)
WIDTHS = (6, 16, 12, 46, 26, 10, 16)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _d(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def catalogue_rows(dossier: Dossier) -> list[list[Any]]:
    """One row per item, in the dossier's order; the page column is the item's pages within the dossier."""
    rows: list[list[Any]] = []
    page = 1
    for n, item in enumerate(dossier_items(dossier), start=1):
        doc = item.document
        if doc is None:
            rows.append([n, "", "", item.title or (item.stored_file.name if item.stored_file else ""), "", "", ""])
            continue
        pages = doc.page_amount or 0
        span = "" if not pages else (str(page) if pages == 1 else f"{page}-{page + pages - 1}")
        page += pages
        rows.append(
            [
                n,
                doc.number_notation,
                _d(doc.issued_date),
                f"{doc.doc_type.name}: {doc.subject}",
                doc.organ_name,
                span,
                doc.description,
            ]
        )
    return rows


def catalogue_xlsx(dossier: Dossier) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Mục lục văn bản"
    n = len(COLUMNS)
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    merged(ws, 1, 1, n, "MỤC LỤC VĂN BẢN, TÀI LIỆU", font=font(14, bold=True))
    merged(ws, 2, 1, n, f"Mã hồ sơ: {dossier.file_code}", font=font(12))
    merged(ws, 3, 1, n, f"Tiêu đề hồ sơ: {dossier.title}", font=font(12, bold=True))
    span = (
        f"Thời gian: {_d(dossier.start_date)} – {_d(dossier.end_date)}"
        if dossier.end_date
        else (f"Thời gian bắt đầu: {_d(dossier.start_date)}")
    )
    merged(ws, 4, 1, n, f"{span}. Thời hạn bảo quản: {dossier.maintenance}", font=font(12, italic=True))
    header = 6
    for i, name in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header, column=i, value=name)
        cell.font, cell.alignment, cell.border = font(11, bold=True), CENTER, BOX
        number = ws.cell(row=header + 1, column=i, value=f"({i})")
        number.font, number.alignment, number.border = font(10, italic=True), CENTER, BOX
    ws.row_dimensions[header].height = 45
    rows = catalogue_rows(dossier)
    for r, values in enumerate(rows, start=header + 2):
        ws.row_dimensions[r].height = row_height(values, WIDTHS)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = font(11), BOX
            cell.alignment = CENTER if c in (1, 3, 6) else WRAP_TOP
    docs, pages = dossier_totals(dossier)
    foot = header + 2 + len(rows) + 1
    merged(ws, foot, 1, n, f"Tổng số văn bản: {docs}. Tổng số trang: {pages}.", font=font(12), align=WRAP_TOP)
    page_setup(ws, landscape=False, title_rows=f"{header}:{header + 1}")
    out = io.BytesIO()
    no_formulas(wb).save(out)
    return out.getvalue()


def catalogue_pdf(dossier: Dossier) -> bytes:
    return xlsx_to_pdf(catalogue_xlsx(dossier), name="muc-luc.xlsx")


def catalogue_response(d: Dossier, fmt: str) -> HttpResponse:
    name = f"muc-luc-ho-so-{d.year}-{d.pk}"
    if fmt == "pdf":
        response = HttpResponse(catalogue_pdf(d), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(catalogue_xlsx(d), content_type=XLSX)
    else:
        raise ValidationFailed("Định dạng phải là xlsx hoặc pdf.")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
