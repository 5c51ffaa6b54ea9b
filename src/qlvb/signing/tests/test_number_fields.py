"""Issue 8, "the issued document is garbled": the number and the date must *replace* the template's
placeholder ("Số:      /UBND-VHXH", "Liên Minh, ngày   tháng   năm 2026"), not sit on top of it.

Each template is made the way agencies make them (tests/templates.py: .docx and .odt, the header as a
two-column table or as left/right paragraphs, blanks of spaces, tabs, "…", dots and underscores, the
year typed or not) and goes the real way: LibreOffice → personal signature → number and date →
agency signature. What is proved and how (on the rendered page; text extraction still reads the
template's text under the field): see tests/pages.py.
"""

from __future__ import annotations

import functools
from datetime import date

import pytest

from qlvb.files.convert import to_pdf
from qlvb.signing import number_fields, pdfsign
from qlvb.signing.tests import pages, templates
from qlvb.signing.tests.pki import P12_PASSWORD
from qlvb.signing.verify import verify_pdf

PIN = P12_PASSWORD


@functools.cache
def approved_pdf(name: str) -> bytes:
    data, ext = templates.build(name)
    return to_pdf(data, ext=ext)


@pytest.mark.parametrize("name", list(templates.TEMPLATES))
def test_number_and_date_replace_the_placeholder(name, personal_key, agency_key, signature_image, seal_image, tmp_path):
    template, _ext = templates.TEMPLATES[name]
    approved = approved_pdf(name)
    personal = pdfsign.pdf_sign_personal(pdf=approved, key=personal_key, pin=PIN, image_png=signature_image)
    numbered = pdfsign.pdf_write_number(pdf=personal.pdf, number="01/UBND-VHXH", issue_date=date(2026, 3, 5))
    issued = pdfsign.pdf_sign_agency(pdf=numbered, key=agency_key, pin=PIN, seal_png=seal_image).pdf

    values = pages.field_values(issued)
    assert values[number_fields.NUMBER_FIELD] == "Số: 01/UBND-VHXH"
    assert values[number_fields.DATE_FIELD] == "Liên Minh, ngày 05 tháng 3 năm 2026"
    report = verify_pdf(issued)
    assert report["verdict"] == "valid", report["reasons"]
    changes = {c["check"]: c for c in report["signatures"][0]["checks"]}["modifications"]
    assert changes["status"] == "ok" and "điền biểu mẫu" in changes["message"]  # personal: form filling only
    pages.assert_replaced(
        approved,
        issued,
        typed=(template.number, template.date),
        expected=("Số: 01/UBND-VHXH", "Liên Minh, ngày 05 tháng 3 năm 2026"),
        folder=tmp_path,
        name=name,
    )


# --- the placeholders found, without signing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "align", "notation", "year_typed"),
    [
        ("odt-spaces", "center", "UBND-VHXH", True),
        ("docx-ellipsis", "center", "UBND-VHXH", False),
        ("docx-underscores", "center", "UBND-VHXH", True),
        ("odt-tabs", "left", "UBND-VHXH", True),
        ("docx-dots-no-notation", "center", "", False),
    ],
)
def test_placeholders_are_measured_from_the_glyphs(name, align, notation, year_typed):
    runs = number_fields.find_placeholders(approved_pdf(name))
    number, day = runs[number_fields.NUMBER_FIELD], runs[number_fields.DATE_FIELD]
    assert (number.align, number.notation) == (align, notation)
    assert (day.place, day.year_typed) == ("Liên Minh", year_typed)
    # the field covers the run and stays clear of the other column of the header table
    for run in (number, day):
        x1, y1, x2, y2 = run.box
        assert x1 < run.x0 and run.x1 < x2 and y1 < run.y < y2
    if templates.TEMPLATES[name][0].table:
        assert number.box[2] < day.box[0]


def test_a_bare_number_keeps_the_templates_notation():
    run = number_fields.find_placeholders(approved_pdf("odt-spaces"))[number_fields.NUMBER_FIELD]
    assert number_fields.number_line("07", run) == "Số: 07/UBND-VHXH"
    assert number_fields.number_line("07/QĐ-UBND", run) == "Số: 07/QĐ-UBND"  # the register's notation wins
    none = number_fields.find_placeholders(approved_pdf("docx-dots-no-notation"))[number_fields.NUMBER_FIELD]
    assert number_fields.number_line("07/UBND-VHXH", none) == "Số: 07/UBND-VHXH"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
        (date(2026, 12, 25), "ngày 25 tháng 12 năm 2026"),
    ],
)
def test_date_text_pads_day_below_ten_and_months_one_and_two(day, text):
    assert number_fields.date_text(day) == text


def test_the_place_comes_from_the_template_else_from_the_caller():
    run = number_fields.find_placeholders(approved_pdf("odt-spaces"))[number_fields.DATE_FIELD]
    assert number_fields.date_line(date(2026, 1, 5), run, place="Mê Linh") == "Liên Minh, ngày 05 tháng 01 năm 2026"
    assert number_fields.date_line(date(2026, 1, 5), None, place="Mê Linh") == "Mê Linh, ngày 05 tháng 01 năm 2026"


def test_a_number_and_date_typed_in_the_draft_are_replaced_too():
    """A drafter who typed a guess ("Số: 15/UBND-VHXH", "ngày 20 tháng 02 năm 2026"): the runs cover it."""
    from fpdf import FPDF

    from qlvb.signing.tests.samples import _font

    pdf = FPDF(format="A4", unit="mm")
    pdf.add_page()
    family = _font(pdf)
    pdf.set_font(family, "", 13)
    pdf.set_xy(30, 36)
    pdf.cell(70, 6, "Số: 15/UBND-VHXH", align="C")
    pdf.set_xy(100, 36)
    pdf.cell(95, 6, "Liên Minh, ngày 20 tháng 02 năm 2026", align="C")
    runs = number_fields.find_placeholders(bytes(pdf.output()))
    assert runs[number_fields.NUMBER_FIELD].text == "Số: 15/UBND-VHXH"
    assert runs[number_fields.NUMBER_FIELD].notation == "UBND-VHXH"
    assert runs[number_fields.DATE_FIELD].text == "Liên Minh, ngày 20 tháng 02 năm 2026"
