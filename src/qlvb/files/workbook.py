"""Building blocks of the printed registers and summaries (openpyxl): fonts, boxes, merged heading cells,
row heights for wrapped text, and the A4 print setup that LibreOffice follows when it prints the
workbook to PDF (``qlvb.files.convert.xlsx_to_pdf``).

Formula injection: openpyxl writes any text that starts with ``=`` as a formula, which the spreadsheet
then runs (``=HYPERLINK(...)`` in a subject typed by anyone, or imported from an old register). Every
cell our exports write goes through :func:`put` (or :func:`merged`, which uses it): a text is always a
text cell, never a formula. :func:`no_formulas` turns any formula left in a workbook into text before
it is saved (the registers and search exports call it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FONT = "Times New Roman"  # LibreOffice prints it with Liberation Serif (same metrics, Vietnamese glyphs)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")


def font(size: float = 11, *, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic)


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """``value`` in the cell; a text is stored as text (``t="s"``) even when it starts with ``=``."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def no_formulas(book: Workbook) -> Workbook:
    """Every formula cell of ``book`` turned into the same text (our exports never mean a formula)."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return book


def merged(
    ws: Worksheet, row: int, first: int, last: int, value: str, *, font: Font, align: Alignment = CENTER
) -> None:
    """``value`` in the cells ``first``…``last`` of ``row``, merged."""
    cell = put(ws, row, first, value)
    cell.font, cell.alignment = font, align
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def lines(text: Any, width: float) -> int:
    """Lines a wrapped cell needs: ~1.2 characters of 11 pt Times per unit of column width."""
    per_line = max(1, int(width * 1.2))
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def row_height(values: Sequence[Any], widths: Sequence[int], *, line: float = 14.5) -> float:
    """Row height in points (LibreOffice does not grow a wrapped row of an XLSX by itself)."""
    counts = [lines(v, w) for v, w in zip(values, widths, strict=False) if v not in (None, "")]
    return line * max(counts or [1]) + 4


def page_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None) -> None:
    """A4, fit to the page width, centred, page numbers; ``title_rows`` repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left, ws.page_margins.right = 0.6, 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT
    if title_rows:
        ws.print_title_rows = title_rows
