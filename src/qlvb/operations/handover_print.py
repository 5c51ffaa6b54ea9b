"""The Biên bản bàn giao as a workbook (and, printed by LibreOffice, a PDF): who handed over, why, and
each item with its successor; signatures of the one who hands over, the one who receives, the head."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from qlvb.core.errors import ValidationFailed
from qlvb.files.convert import xlsx_to_pdf
from qlvb.files.workbook import BOX, CENTER, WRAP_TOP, font, merged, no_formulas, page_setup, row_height

from .handover_models import Handover, ItemKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (6, 26, 60, 26)
HEAD = ("STT", "Loại việc", "Nội dung", "Người nhận")


def handover_xlsx(record: Handover) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Biên bản bàn giao"
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + col)].width = width
    made = timezone.localtime(record.made_at)
    merged(ws, 1, 1, 4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=font(12, bold=True))
    merged(ws, 2, 1, 4, "Độc lập - Tự do - Hạnh phúc", font=font(12, bold=True))
    merged(ws, 4, 1, 4, "BIÊN BẢN BÀN GIAO CÔNG VIỆC", font=font(14, bold=True))
    merged(ws, 5, 1, 4, f"Số {record.pk} — lập lúc {made:%H:%M} ngày {made:%d/%m/%Y}", font=font(italic=True))
    facts = [
        f"Người bàn giao: {record.person_name} — {record.person_unit}",
        f"Hình thức: {record.get_mode_display()}"
        + (f", chuyển đến {record.to_unit.name}" if record.to_unit else ", tài khoản bị khóa (không xóa)"),
        f"Lý do: {record.reason or '—'}",
        f"Người lập: {record.made_by_name}",
    ]
    for offset, text in enumerate(facts):
        merged(ws, 7 + offset, 1, 4, text, font=font(), align=WRAP_TOP)
    top = 12
    for col, title in enumerate(HEAD, start=1):
        cell = ws.cell(row=top, column=col, value=title)
        cell.font, cell.alignment, cell.border = font(bold=True), CENTER, BOX
    row = top
    for line in record.lines.all():
        row += 1
        values = (line.ordinal, str(ItemKind(line.kind).label), line.label, line.successor_name)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font, cell.alignment, cell.border = font(), WRAP_TOP, BOX
        ws.row_dimensions[row].height = row_height(values, WIDTHS)
    merged(ws, row + 1, 1, 4, f"Tổng số: {row - top} việc.", font=font(bold=True), align=WRAP_TOP)
    signs = row + 3
    for col, who in ((1, "NGƯỜI BÀN GIAO"), (3, "NGƯỜI NHẬN BÀN GIAO"), (4, "NGƯỜI LẬP BIÊN BẢN")):
        ws.cell(row=signs, column=col, value=who).font = font(bold=True)
    for col, name in ((1, record.person_name), (4, record.made_by_name)):
        ws.cell(row=signs + 4, column=col, value=name).font = font()
    page_setup(ws, landscape=False, title_rows=f"{top}:{top}")
    buffer = io.BytesIO()
    no_formulas(wb).save(buffer)
    return buffer.getvalue()


def handover_response(record: Handover, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "pdf"):
        raise ValidationFailed("Định dạng phải là xlsx hoặc pdf.")
    data = handover_xlsx(record)
    if fmt == "pdf":
        response = HttpResponse(xlsx_to_pdf(data, name="bien-ban-ban-giao.xlsx"), content_type="application/pdf")
    else:
        response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-ban-giao-{record.pk}.{fmt}"'
    return response
