"""Issue 8, "the issued document is garbled": the number and the date must *replace* the template's
placeholder ("Số:      /UBND-VHXH", "Liên Minh, ngày   tháng   năm 2026"), not sit on top of it.

Each template is made the way agencies make them (tests/templates.py: .docx and .odt, the header as a
two-column table or as left/right paragraphs, blanks of spaces, tabs, "…", dots and underscores, the
year typed or not) and goes the real way: LibreOffice → personal signature → number and date →
agency signature.

What the checks prove, and how. Text extraction cannot prove it: the template's own text is still in
the page content under the field (the signed revision may not change), so ``pdftotext`` reads both.
The proof is on the rendered page (``pdftoppm``, 110 dpi) and on word boxes measured by poppler, which
shares no code with ours:

1. outside the number and date fields (and the signature and seal), the issued page is pixel for
   pixel the approved page — nothing else moved or was covered;
2. inside each field, the issued page is pixel for pixel the field's appearance drawn alone on
   white — no template ink shows through (the appearance is opaque);
3. every inked pixel of the template's placeholder words (located by poppler) lies inside a field,
   and every inked pixel inside a field belongs to those words — the whole placeholder is covered
   and no other text is;
4. the appearance drawn alone reads exactly "Số: 01/UBND-VHXH" and "Liên Minh, ngày 05 tháng 3 năm
   2026", the field values say the same, and both signatures are valid (the personal one with only
   permitted changes: form filling).
"""

from __future__ import annotations

import functools
import html
import io
import re
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, StreamObject

from qlvb.conftest import SCREENSHOTS
from qlvb.files.convert import to_pdf
from qlvb.signing import number_fields, services
from qlvb.signing.tests import templates
from qlvb.signing.tests.pki import P12_PASSWORD
from qlvb.signing.verify import verify_pdf

PIN = P12_PASSWORD
DPI = 110
SCALE = DPI / 72
INK = 160  # a pixel darker than this is ink
FIELDS = (number_fields.NUMBER_FIELD, number_fields.DATE_FIELD)


@functools.cache
def approved_pdf(name: str) -> bytes:
    data, ext = templates.build(name)
    return to_pdf(data, ext=ext)


def _render(pdf: bytes, folder: Path, stem: str) -> Image.Image:
    source = folder / f"{stem}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", str(source), str(folder / stem)],
        check=True,
        capture_output=True,
    )
    return Image.open(folder / f"{stem}.png").convert("L")


def _pixels(rect: list[float], page_height: float, grow: int = 0) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = rect
    return (
        int(x1 * SCALE) - grow,
        int((page_height - y2) * SCALE) - grow,
        int(x2 * SCALE + 0.999) + grow,
        int((page_height - y1) * SCALE + 0.999) + grow,
    )


def _widgets(pdf: bytes) -> dict[str, list[float]]:
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for annot in reader.pages[0].get("/Annots") or []:
        annot = annot.get_object()
        if "/T" in annot:
            found[str(annot["/T"])] = [float(v) for v in annot["/Rect"]]
    return found


def _values(pdf: bytes) -> dict[str, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return {str(a.get_object()["/T"]): str(a.get_object().get("/V")) for a in reader.pages[0]["/Annots"]}


def _appearance_only(pdf: bytes) -> bytes:
    """The issued file with page 1's content emptied and only the number and date widgets left: what
    their appearances draw, alone on white."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    page = writer.pages[0]
    page[NameObject("/Contents")] = writer._add_object(StreamObject())
    keep = [a for a in page["/Annots"] if str(a.get_object().get("/T")) in FIELDS]
    page[NameObject("/Annots")] = ArrayObject(keep)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _poppler_words(pdf: bytes, folder: Path) -> list[tuple[str, float, float, float, float]]:
    source = folder / "words.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [
        (unicodedata.normalize("NFC", html.unescape(text)), float(a), float(b), float(c), float(d))
        for a, b, c, d, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out
        )
    ]


def _words_of(words: list[tuple[str, float, float, float, float]], typed: str) -> list[tuple[float, ...]]:
    """The consecutive poppler words that spell ``typed`` (white space and tabs ignored)."""
    target = "".join(unicodedata.normalize("NFC", typed).split())
    for start in range(len(words)):
        joined = ""
        for end in range(start, len(words)):
            joined += words[end][0]
            if joined == target:
                return [w[1:] for w in words[start : end + 1]]
            if not target.startswith(joined):
                break
    raise AssertionError(f"poppler does not find {typed!r} on page 1")


def _inked(image: Image.Image, box: tuple[int, int, int, int]) -> set[tuple[int, int]]:
    x1, y1, x2, y2 = box
    region = image.crop(box).load()
    assert region is not None
    return {(x1 + x, y1 + y) for x in range(x2 - x1) for y in range(y2 - y1) if region[x, y] < INK}


def _inside(point: tuple[int, int], boxes: list[tuple[int, int, int, int]]) -> bool:
    return any(b[0] <= point[0] < b[2] and b[1] <= point[1] < b[3] for b in boxes)


@pytest.mark.parametrize("name", list(templates.TEMPLATES))
def test_number_and_date_replace_the_placeholder(  # type: ignore[no-untyped-def]
    name, personal_key, agency_key, signature_image, seal_image, tmp_path
):
    template, _ext = templates.TEMPLATES[name]
    approved = approved_pdf(name)
    personal = services.pdf_sign_personal(pdf=approved, key=personal_key, pin=PIN, image_png=signature_image)
    numbered = services.pdf_write_number(pdf=personal.pdf, number="01/UBND-VHXH", issue_date=date(2026, 3, 5))
    issued = services.pdf_sign_agency(pdf=numbered, key=agency_key, pin=PIN, seal_png=seal_image).pdf

    # 4. values, what the appearance draws, signatures
    assert _values(issued)[number_fields.NUMBER_FIELD] == "Số: 01/UBND-VHXH"
    assert _values(issued)[number_fields.DATE_FIELD] == "Liên Minh, ngày 05 tháng 3 năm 2026"
    alone = _appearance_only(issued)
    (tmp_path / "alone.pdf").write_bytes(alone)
    drawn = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "alone.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert sorted(line.strip() for line in drawn.splitlines() if line.strip()) == [
        "Liên Minh, ngày 05 tháng 3 năm 2026",
        "Số: 01/UBND-VHXH",
    ]
    report = verify_pdf(issued)
    assert report["verdict"] == "valid", report["reasons"]
    personal_sig = report["signatures"][0]
    changes = {c["check"]: c for c in personal_sig["checks"]}["modifications"]
    assert changes["status"] == "ok" and "điền biểu mẫu" in changes["message"]

    height = float(PdfReader(io.BytesIO(approved)).pages[0].mediabox.top)
    widgets = _widgets(issued)
    fields = {n: _pixels(widgets[n], height) for n in FIELDS}
    before = _render(approved, tmp_path, "approved")
    after = _render(issued, tmp_path, "issued")
    appearance = _render(alone, tmp_path, "alone")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # to look at: var/screenshots/so-ngay-<template>.png
    after.save(SCREENSHOTS / f"so-ngay-{name}.png")

    # 1. nothing changed outside the fields, the signature and the seal
    changed = ImageChops.difference(before, after).point(lambda v: 255 if v > 40 else 0)
    for rect in widgets.values():
        changed.paste(0, _pixels(rect, height, grow=1))
    outside = changed.getbbox()
    assert outside is None, f"pixels changed outside the fields, in {outside}"

    # 2. inside the fields: exactly the appearance, nothing of the template shows through
    for field_name, box in fields.items():
        inner = (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)
        diff = ImageChops.difference(after.crop(inner), appearance.crop(inner)).point(lambda v: 255 if v > 40 else 0)
        assert diff.getbbox() is None, f"{field_name}: the template shows through at {diff.getbbox()}"

    # 3. the placeholder's ink is all inside the fields, and nothing else is. poppler's word boxes
    # (ascent to descent) of two neighbouring lines overlap a little; a pixel in both is left out.
    words = _poppler_words(approved, tmp_path)
    spelled = [w for typed in (template.number, template.date) for w in _words_of(words, typed)]
    placeholder = [_pixels([w[0], height - w[3], w[2], height - w[1]], height) for w in spelled]
    others = [_pixels([w[1], height - w[4], w[3], height - w[2]], height) for w in words if tuple(w[1:]) not in spelled]
    ink = {p for box in placeholder for p in _inked(before, box) if not _inside(p, others)}
    assert ink, "the template's placeholder has ink"
    uncovered = [p for p in ink if not _inside(p, list(fields.values()))]
    assert not uncovered, f"{len(uncovered)} pixels of the placeholder stay visible, e.g. {uncovered[:5]}"
    other_ink = {p for box in others for p in _inked(before, box) if not _inside(p, placeholder)}
    hidden = [p for p in other_ink if _inside(p, list(fields.values()))]
    assert not hidden, f"the fields cover {len(hidden)} pixels of other text, e.g. {sorted(hidden)[:5]}"


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
def test_placeholders_are_measured_from_the_glyphs(name, align, notation, year_typed):  # type: ignore[no-untyped-def]
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
def test_date_text_pads_day_below_ten_and_months_one_and_two(day, text):  # type: ignore[no-untyped-def]
    assert number_fields.date_text(day) == text


def test_the_place_comes_from_the_template_else_from_the_caller():
    run = number_fields.find_placeholders(approved_pdf("odt-spaces"))[number_fields.DATE_FIELD]
    assert number_fields.date_line(date(2026, 1, 5), run, place="Mê Linh") == "Liên Minh, ngày 05 tháng 01 năm 2026"
    assert number_fields.date_line(date(2026, 1, 5), None, place="Mê Linh") == "Mê Linh, ngày 05 tháng 01 năm 2026"
