"""The number/notation and the issue date of an electronic original (NĐ 30/2020 Điều 15–16, Phụ lục I
ô 3 and ô 4), written by the clerk after the personal signature.

The law fixes the order: the signer signs the approved version first (certifying it with DocMDP
"form filling"), then the clerk writes number and date, then the agency signs. A signed PDF is never
rewritten, so number and date go into two text fields that the personal signature creates and leaves
open (FieldMDP); filling them is an incremental update a validator reports as form filling.

The template keeps its own placeholder text under the fields — "Số:      /UBND-VHXH" and "Liên Minh,
ngày   tháng   năm 2026", with blanks of spaces, tabs, dots, "…" or underscores, as agencies type them
in Word or LibreOffice. So that the number and date *replace* that text instead of sitting on it:

* :func:`find_placeholders` measures both runs from the glyphs' real positions
  (:mod:`qlvb.signing.glyphs`): "Số" ":" the blank, up to the end of the notation; and
  "<place>, ngày … tháng … năm …" from the place name to the year (typed or not), stopping at the
  column gap of the two-column header table;
* :func:`add_fields` lays out each field over its whole run (and as wide as the longest text it can
  receive, within the room the line leaves), with a white background (``/MK /BG``) and an empty
  appearance so that nothing changes on the page until the clerk fills it;
* :func:`pdf_write_number` fills them: an appearance that first paints the whole field white (hiding
  the template text), then draws the complete line — "Số: 01/UBND-VHXH", "Liên Minh, ngày 05 tháng
  3 năm 2026" — in Liberation Serif (Times metrics) at the template's size, upright for the number,
  italic for the date line (Phụ lục I), starting where the template's text started.

Numbers are written as given ("01/UBND-VHXH"); a bare number ("01") keeps the template's notation.
The place is the template's own (the text the signer approved); ``place`` is used only when the
template has none. Day below 10 and months 1–2 take a leading zero (Phụ lục I.II.4).
"""

from __future__ import annotations

import io
from datetime import date

from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.form_tools import find_existing_empty_field, get_single_field_annot
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from .errors import ErrorCode
from .placeholders import (
    DATE_FIELD,
    NUMBER_FIELD,
    Box,
    Placeholder,
    date_line,
    date_text,
    find_placeholders,
    font_file,
    number_line,
    text_width,
)

# --- laying out the fields (with the personal signature) ----------------------------------------------


def field_boxes(runs: dict[str, Placeholder]) -> dict[str, tuple[int, Box]]:
    """The rectangle of each field (laid out with the personal signature, before any number exists)."""
    return {name: (run.page, run.box) for name, run in runs.items()}


def add_text_field(writer: IncrementalPdfFileWriter, name: str, page: int, box: Box) -> None:
    """An empty, visible text field (a widget on ``page``) to be filled later by the clerk: white
    background (``/MK /BG``) for a viewer that draws it itself, an empty appearance so the page looks
    unchanged until then."""
    page_ref, _resources = writer.find_page_for_modification(page)
    page_obj = page_ref.get_object()
    width, height = box[2] - box[0], box[3] - box[1]
    empty = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in (0, 0, width, height)),
            pdf_name("/Resources"): generic.DictionaryObject(),
        },
        stream_data=b"",
    )
    widget = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): generic.TextStringObject(name),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in box),
            pdf_name("/P"): page_ref,
            pdf_name("/MK"): generic.DictionaryObject({pdf_name("/BG"): generic.ArrayObject([generic.FloatObject(1)])}),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): writer.add_object(empty)}),
        }
    )
    widget_ref = writer.add_object(widget)
    annots = page_obj.get("/Annots")
    if annots is None:
        page_obj[pdf_name("/Annots")] = generic.ArrayObject([widget_ref])
        writer.update_container(page_obj)
    else:
        annots = annots.get_object()
        annots.append(widget_ref)
        writer.update_container(annots)
    root = writer.root
    form = root.get("/AcroForm")
    if form is None:
        root[pdf_name("/AcroForm")] = writer.add_object(
            generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject([widget_ref])})
        )
        writer.update_root()
    else:
        form = form.get_object()
        form_fields = form.get("/Fields")
        if form_fields is None:
            form[pdf_name("/Fields")] = generic.ArrayObject([widget_ref])
            writer.update_container(form)
        else:
            form_fields = form_fields.get_object()
            form_fields.append(widget_ref)
            writer.update_container(form_fields)


def add_fields(writer: IncrementalPdfFileWriter, boxes: dict[str, tuple[int, Box]]) -> None:
    for name, (page, box) in boxes.items():
        add_text_field(writer, name, page, box)


# --- filling them (the clerk) ----------------------------------------------------------------------


def pdf_number_fields_check(pdf: bytes) -> None:
    """Refuse (``PdfRefused``) a PDF without the two empty fields :func:`pdf_write_number` fills: the
    outgoing numbering checks it before it gives a number, so no number goes to a PDF it cannot fill."""
    from .pades import pdf_writer

    _empty_fields(pdf_writer(pdf))


def _empty_fields(writer: IncrementalPdfFileWriter) -> dict[str, generic.Reference]:
    from .pades import PdfRefused

    refs: dict[str, generic.Reference] = {}
    for name in (NUMBER_FIELD, DATE_FIELD):
        try:
            refs[name] = find_existing_empty_field(writer, name, "/Tx")
        except Exception as exc:
            raise PdfRefused(
                _("Văn bản không có ô “%(name)s” trống để ghi số và ngày (đã ghi rồi, hoặc chưa ký duyệt).")
                % {"name": name},
                code=ErrorCode.NO_NUMBER_FIELD,
            ) from exc
    return refs


def pdf_write_number(*, pdf: bytes, number: str, issue_date: date, place: str = "") -> bytes:
    """Write the number/notation and the issue date into the fields the personal signature left
    open — form filling, which the certification permits. Returns the PDF with one more revision."""
    from .pades import pdf_writer

    writer = pdf_writer(pdf)
    refs = _empty_fields(writer)
    reader = PdfReader(io.BytesIO(pdf))
    runs_by_page: dict[int, dict[str, Placeholder]] = {}
    for name, ref in refs.items():
        form_field = ref.get_object()
        assert isinstance(form_field, generic.DictionaryObject)
        annot = get_single_field_annot(form_field)
        page = _page_of(reader, annot)
        if page not in runs_by_page:
            runs_by_page[page] = find_placeholders(reader, page=page)
        run = runs_by_page[page].get(name)
        rect = tuple(float(v) for v in annot["/Rect"])
        if run is not None and not (rect[1] <= run.y <= rect[3] and rect[0] - 3 <= run.x0 <= rect[2]):
            run = None  # the field is elsewhere than the run found now (laid out by an older version)
        if name == NUMBER_FIELD:
            value, italic = number_line(number, run), False
        else:
            value, italic = date_line(issue_date, run, place), True
        _fill(writer, ref, value, run, italic=italic)
    out = io.BytesIO()
    writer.write(out)
    result = out.getvalue()
    assert result.startswith(pdf)
    return result


def _page_of(reader: PdfReader, annot: generic.DictionaryObject) -> int:
    """The 0-based page holding the widget (from its /P; page 1 when it has none)."""
    target = annot.get_object().raw_get("/P") if "/P" in annot else None
    if isinstance(target, generic.IndirectObject):
        for index, page in enumerate(reader.pages):
            if page.indirect_reference is not None and page.indirect_reference.idnum == target.idnum:
                return index
    return 0


def _fill(
    writer: IncrementalPdfFileWriter,
    ref: generic.Reference,
    value: str,
    run: Placeholder | None,
    *,
    italic: bool,
) -> None:
    form_field = ref.get_object()
    assert isinstance(form_field, generic.DictionaryObject)
    annot = get_single_field_annot(form_field)
    x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    x1, x2 = min(x1, x2), max(x1, x2)
    y1, y2 = min(y1, y2), max(y1, y2)
    width, height = x2 - x1, y2 - y1
    if run is not None:
        size, baseline = run.size, run.y - y1
    else:  # a field without a measured run under it (laid out by an older version): low in the box
        size = min(13.0, height / 1.32)
        baseline = 0.32 * size
    room = width - 1.0
    estimate = text_width(value, size, italic=italic)
    if estimate > room:
        size = max(size * room / estimate, 6.0)  # shrink rather than spill out of the field
    engine = GlyphAccumulatorFactory(font_file(italic), font_size=size).create_font_engine(writer)  # type: ignore[arg-type]
    shaped = engine.shape(value)
    engine.prepare_write()
    if shaped.x_advance * size > room:  # kerning made it a little wider than estimated
        size = max(room / shaped.x_advance, 6.0)
    text_w = shaped.x_advance * size
    start = (run.start(text_w) - x1) if run is not None else 2.0
    start = max(0.5, min(start, width - text_w - 0.5))
    ops = b"/Tx BMC q 1 g 0 0 %.2f %.2f re f BT 0 g /F1 %.2f Tf %.2f %.2f Td %s ET Q EMC" % (
        width,
        height,
        size,
        start,
        baseline,
        shaped.graphics_ops,
    )
    appearance = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in (0, 0, width, height)),
            pdf_name("/Resources"): generic.DictionaryObject(
                {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): engine.as_resource()})}
            ),
        },
        stream_data=ops,
    )
    annot[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): writer.add_object(appearance)})
    form_field[pdf_name("/V")] = generic.TextStringObject(value)
    form_field[pdf_name("/Ff")] = generic.NumberObject(int(form_field.get("/Ff", 0)) | 1)  # read-only
    writer.mark_update(ref)


__all__ = [
    "DATE_FIELD",
    "NUMBER_FIELD",
    "Placeholder",
    "add_fields",
    "date_line",
    "date_text",
    "field_boxes",
    "find_placeholders",
    "number_line",
    "pdf_write_number",
]
