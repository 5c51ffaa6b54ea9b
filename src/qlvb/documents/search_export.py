"""A list of search results as an XLSX workbook (openpyxl, the printed registers' building blocks)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from qlvb.files import workbook as wb

from .models import Document

EXPORT_LIMIT = 5000
WIDTHS = (6, 14, 18, 12, 30, 60, 22, 14)


def search_xlsx(documents: Iterable[Document], *, query: str) -> bytes:
    """One row per document (at most :data:`EXPORT_LIMIT`): the fields a clerk files a list by."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = gettext("Kết quả tìm kiếm")[:31]
    heading = gettext("KẾT QUẢ TÌM KIẾM VĂN BẢN")
    wb.merged(ws, 1, 1, len(WIDTHS), heading, font=wb.font(13, bold=True))
    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    shown = ILLEGAL_CHARACTERS_RE.sub(" ", query[:200])  # control characters a query may carry
    said = gettext("Từ khóa: «%(q)s» · lập lúc %(t)s") % {"q": shown, "t": stamp}
    wb.merged(ws, 2, 1, len(WIDTHS), said, font=wb.font(11, italic=True))
    headers = [
        gettext("STT"),
        gettext("Loại"),
        gettext("Số, ký hiệu"),
        gettext("Ngày văn bản"),
        gettext("Cơ quan ban hành"),
        gettext("Trích yếu"),
        gettext("Người ký"),
        gettext("Trạng thái"),
    ]
    for col, (title, width) in enumerate(zip(headers, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=4, column=col, value=title)
        cell.font, cell.alignment, cell.border = wb.font(bold=True), wb.CENTER, wb.BOX
        ws.column_dimensions[cell.column_letter].width = width
    row = 4
    for n, document in enumerate(documents, start=1):
        if n > EXPORT_LIMIT:
            break
        row += 1
        values = [
            n,
            document.get_direction_display(),
            document.number_notation,
            document.issued_date.strftime("%d/%m/%Y") if document.issued_date else "",
            document.organ_name,
            document.subject,
            document.signer_name,
            document.get_status_display(),
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font, cell.alignment, cell.border = wb.font(), wb.WRAP_TOP, wb.BOX
        ws.row_dimensions[row].height = wb.row_height(values, WIDTHS)
    wb.page_setup(ws, landscape=True, title_rows="4:4")
    out = io.BytesIO()
    wb.no_formulas(book).save(out)
    return out.getvalue()
