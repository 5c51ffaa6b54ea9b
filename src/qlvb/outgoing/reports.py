"""Outputs of the outgoing flow as XLSX and PDF: the Sổ đăng ký văn bản đi (NĐ 30 Phụ lục IV, 10
columns) for a date range, and the summary of a consultation round (Bảng tổng hợp ý kiến góp ý).

Each workbook carries its own print setup (A4, orientation, fit to the page width, the column headings
repeated on every page, page numbers); the PDF is that workbook printed by LibreOffice Calc
(``convert.xlsx_to_pdf``), so both always say the same."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qlvb.core.errors import ValidationFailed
from qlvb.core.permissions import require
from qlvb.directory.models import Unit, User
from qlvb.documents.deliveries import Delivery
from qlvb.files.workbook import BOX, CENTER, TOP_CENTER, WRAP_TOP, no_formulas
from qlvb.files.workbook import font as _font
from qlvb.files.workbook import merged as _merged
from qlvb.files.workbook import page_setup as _page_setup
from qlvb.files.workbook import row_height as _height

from . import policies
from .consultation import summary_counts, summary_line
from .convert import xlsx_to_pdf
from .models import Consultation, Opinion, Outgoing

MAX_DAYS = 366 * 5

REGISTER_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
REGISTER_COLUMNS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
REGISTER_WIDTHS = (15, 11, 42, 20, 34, 18, 8, 11, 10, 18)
SUMMARY_TITLE = "BẢNG TỔNG HỢP Ý KIẾN GÓP Ý DỰ THẢO"
SUMMARY_COLUMNS = ("STT", "Họ và tên", "Chức vụ, đơn vị", "Ý kiến", "Nội dung góp ý", "Tệp kèm theo", "Thời gian góp ý")
SUMMARY_WIDTHS = (6, 22, 26, 14, 50, 18, 16)


def _d(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _dt(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else ""


def _table(
    ws: Worksheet,
    *,
    head_row: int,
    columns: Sequence[str],
    widths: Sequence[int],
    rows: Sequence[Sequence[Any]],
    numbered: bool,
) -> int:
    """Column headings (and their numbers (1)…(n) when ``numbered``), then the rows, all boxed. Returns
    the next free row."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for i, name in enumerate(columns, start=1):
        cell = ws.cell(row=head_row, column=i, value=name)
        cell.font, cell.alignment, cell.border = _font(11, bold=True), CENTER, BOX
    ws.row_dimensions[head_row].height = _height(columns, widths)
    row = head_row + 1
    if numbered:
        for i in range(1, len(columns) + 1):
            cell = ws.cell(row=row, column=i, value=f"({i})")
            cell.font, cell.alignment, cell.border = _font(10, italic=True), CENTER, BOX
        row += 1
    for values in rows:
        for i, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=i, value=value)
            cell.font, cell.alignment, cell.border = _font(11), TOP_CENTER if isinstance(value, int) else WRAP_TOP, BOX
        ws.row_dimensions[row].height = _height(values, widths)
        row += 1
    return row


def _heading(ws: Worksheet, agency: Unit, *, n: int) -> None:
    head_cols = max(3, n // 3)
    parent = agency.parent.name.upper() if agency.parent is not None else ""
    if parent:
        _merged(ws, 1, 1, head_cols, parent, font=_font(11))
    _merged(ws, 2, 1, head_cols, agency.name.upper(), font=_font(11, bold=True))


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    no_formulas(wb).save(out)
    return out.getvalue()


# --- Sổ đăng ký văn bản đi ------------------------------------------------------------------------


def register_documents(agency: Unit, date_from: dt.date, date_to: dt.date) -> QuerySet[Outgoing]:
    """The agency's numbered outgoing documents whose issue date is in the range, in number order."""
    return (
        Outgoing.objects.filter(
            document__agency=agency,
            number__isnull=False,
            document__issued_date__gte=date_from,
            document__issued_date__lte=date_to,
        )
        .select_related("document__doc_type", "drafting_unit", "replaces__document", "series")
        .prefetch_related(Prefetch("document__deliveries", queryset=Delivery.objects.order_by("organ_name")))
        .order_by("document__issued_date", "series_id", "number")
    )


def _register_row(o: Outgoing) -> list[Any]:
    d = o.document
    notes = []
    if o.state == "revoked":
        notes.append(f"Đã thu hồi: {o.frozen_reason}")
    elif o.state == "replaced":
        notes.append(o.frozen_reason)
    if o.replaces_id is not None and o.replaces is not None:
        verb = "Thay thế" if o.business_type == 3 else "Cập nhật"
        notes.append(f"{verb} văn bản {o.replaces.document.number_notation}")
    if o.also_paper:
        notes.append("Gửi kèm bản giấy")
    if o.issued_at is None:
        notes.append("Chưa phát hành")
    places = d.to_places or "\n".join(f"- {x.organ_name}" for x in d.deliveries.all())
    return [
        d.number_notation,
        _d(d.issued_date),
        f"{d.doc_type.name}: {d.subject}",
        f"{o.competence} {d.signer_position}\n{d.signer_name}".strip(),
        places,
        f"Văn thư; {o.drafting_unit.name}",
        o.copy_count,
        _d(timezone.localdate(o.issued_at) if o.issued_at else None),
        "",
        "\n".join(n for n in notes if n),
    ]


def _range(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise ValidationFailed("Ngày cuối phải sau ngày đầu.")
    if (date_to - date_from).days > MAX_DAYS:
        raise ValidationFailed("Chỉ in sổ cho tối đa 5 năm một lần.")


def register_xlsx(*, actor: User, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    """The Sổ đăng ký văn bản đi of ``agency`` for a date range (clerks and leaders of the agency)."""
    require(actor, policies.REGISTER_PRINT, unit=agency)
    _range(date_from, date_to)
    docs = list(register_documents(agency, date_from, date_to))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "So dang ky van ban di"
    n = len(REGISTER_COLUMNS)
    _heading(ws, agency, n=n)
    _merged(ws, 4, 1, n, REGISTER_TITLE, font=_font(15, bold=True))
    period = f"Năm {date_from:%Y}" if date_from.year == date_to.year else ""
    _merged(ws, 5, 1, n, period, font=_font(12, bold=True))
    numbers = sorted(int(o.number) for o in docs if o.number is not None)
    span = f"Từ ngày {_d(date_from)} đến ngày {_d(date_to)}"
    if numbers:
        span += f"    Từ số {numbers[0]:02d} đến số {numbers[-1]:02d}"
    _merged(ws, 6, 1, n, span, font=_font(12, italic=True))
    rows = [_register_row(o) for o in docs]
    last = _table(ws, head_row=8, columns=REGISTER_COLUMNS, widths=REGISTER_WIDTHS, rows=rows, numbered=True)
    if not rows:
        _merged(ws, last, 1, n, "Không có văn bản đi trong khoảng thời gian này.", font=_font(11, italic=True))
    _page_setup(ws, landscape=True, title_rows="8:9")
    return _save(wb)


def register_pdf(*, actor: User, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    return xlsx_to_pdf(
        register_xlsx(actor=actor, agency=agency, date_from=date_from, date_to=date_to),
        name="so-dang-ky-van-ban-di.xlsx",
    )


# --- Bảng tổng hợp ý kiến góp ý ---------------------------------------------------------------------


def _position(user: User) -> str:
    unit = user.unit.name if user.unit is not None else ""
    return ", ".join(x for x in (user.position, unit) if x)


def summary_rows(consultation: Consultation) -> list[list[Any]]:
    rows = []
    answers = consultation.answers.select_related("user__unit", "stored_file").order_by("user__full_name", "id")
    for i, a in enumerate(answers, start=1):
        opinion = str(Opinion(a.opinion).label) if a.opinion else "Chưa trả lời"
        when = _dt(a.answered_at) + (" (sau hạn)" if a.late else "")
        rows.append(
            [
                i,
                a.user.full_name,
                _position(a.user),
                opinion,
                a.comment,
                a.stored_file.name if a.stored_file_id and a.stored_file else "",
                when,
            ]
        )
    return rows


def consultation_xlsx(consultation: Consultation) -> bytes:
    """The summary of one round (the caller has checked that the actor may see it)."""
    c = Consultation.objects.select_related(
        "outgoing__document__agency__parent", "outgoing__document__doc_type", "version", "created_by", "closed_by"
    ).get(pk=consultation.pk)
    document = c.outgoing.document
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"Lay y kien lan {c.ordinal}"
    n = len(SUMMARY_COLUMNS)
    _heading(ws, document.agency, n=n)
    _merged(ws, 4, 1, n, SUMMARY_TITLE, font=_font(14, bold=True))
    _merged(ws, 5, 1, n, f"{document.doc_type.name}: {document.subject}", font=_font(12, bold=True))
    version = f", phiên bản dự thảo {c.version.ordinal}" if c.version is not None else ""
    deadline = f"hạn góp ý {_d(c.deadline)}" + (
        f" (gia hạn từ {_d(c.first_deadline)})" if c.deadline != c.first_deadline else ""
    )
    state = f"kết thúc lúc {_dt(c.closed_at)}" if c.closed_at else "đang lấy ý kiến"
    _merged(
        ws,
        6,
        1,
        n,
        f"Lấy ý kiến lần {c.ordinal}{version}; gửi ngày {_dt(c.created_at)}; {deadline}; {state}.",
        font=_font(11, italic=True),
    )
    rows = summary_rows(c)
    last = _table(ws, head_row=8, columns=SUMMARY_COLUMNS, widths=SUMMARY_WIDTHS, rows=rows, numbered=False)
    _merged(
        ws,
        last + 1,
        1,
        n,
        "Tổng hợp: " + summary_line(summary_counts(c)),
        font=_font(11, bold=True),
        align=Alignment(horizontal="left", vertical="top", wrap_text=True),
    )
    _merged(ws, last + 3, n - 2, n, "NGƯỜI TỔNG HỢP", font=_font(11, bold=True))
    _merged(ws, last + 7, n - 2, n, c.created_by.full_name, font=_font(11, bold=True))
    _page_setup(ws, landscape=True, title_rows="8:8")
    return _save(wb)


def consultation_pdf(consultation: Consultation) -> bytes:
    return xlsx_to_pdf(consultation_xlsx(consultation), name="tong-hop-y-kien.xlsx")


# --- Sổ gửi văn bản đi bưu điện -----------------------------------------------------------------------

POSTAL_TITLE = "SỔ GỬI VĂN BẢN ĐI BƯU ĐIỆN"
POSTAL_COLUMNS = (
    "Ngày chuyển",
    "Số, ký hiệu văn bản",
    "Nơi nhận văn bản",
    "Số lượng bì",
    "Ký nhận và dấu bưu điện",
    "Ghi chú",
)
POSTAL_WIDTHS = (12, 18, 46, 9, 26, 22)


def postal_deliveries(agency: Unit, date_from: dt.date, date_to: dt.date) -> list[Delivery]:
    """Deliveries of the agency's documents whose type also sends paper (``TypeSetting.also_paper``),
    issued in the range."""
    found = (
        Delivery.objects.filter(document__agency=agency, also_paper=True)
        .select_related("document")
        .order_by("created_at", "document_id", "organ_name")
    )
    return [x for x in found if date_from <= timezone.localdate(x.created_at) <= date_to]


def postal_xlsx(*, actor: User, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    """Sổ gửi văn bản đi bưu điện (Phụ lục IV, 6 columns): one row per paper copy to send."""
    require(actor, policies.REGISTER_PRINT, unit=agency)
    _range(date_from, date_to)
    rows = [
        [
            _d(timezone.localdate(x.created_at)),
            x.document.number_notation,
            x.organ_name,
            1,
            "",
            "Đã thu hồi" if x.recalled_at else "",
        ]
        for x in postal_deliveries(agency, date_from, date_to)
    ]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "So gui van ban di buu dien"
    n = len(POSTAL_COLUMNS)
    _heading(ws, agency, n=n)
    _merged(ws, 4, 1, n, POSTAL_TITLE, font=_font(15, bold=True))
    _merged(ws, 5, 1, n, f"Từ ngày {_d(date_from)} đến ngày {_d(date_to)}", font=_font(12, italic=True))
    last = _table(ws, head_row=7, columns=POSTAL_COLUMNS, widths=POSTAL_WIDTHS, rows=rows, numbered=True)
    if not rows:
        _merged(
            ws, last, 1, n, "Không có văn bản gửi kèm bản giấy trong khoảng thời gian này.", font=_font(11, italic=True)
        )
    _page_setup(ws, landscape=False, title_rows="7:8")
    return _save(wb)


def postal_pdf(*, actor: User, agency: Unit, date_from: dt.date, date_to: dt.date) -> bytes:
    return xlsx_to_pdf(
        postal_xlsx(actor=actor, agency=agency, date_from=date_from, date_to=date_to),
        name="so-gui-van-ban-di-buu-dien.xlsx",
    )
