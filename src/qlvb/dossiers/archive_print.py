"""The printed forms of the archive (NĐ 30/2020 Phụ lục V), as XLSX and as PDF (the same workbook printed by
LibreOffice, ``files.convert.xlsx_to_pdf``, like the other registers):

* per nộp lưu batch: **Mục lục hồ sơ, tài liệu nộp lưu** (landscape: Số TT; Số, ký hiệu hồ sơ; Tiêu đề hồ
  sơ; Thời gian tài liệu; Thời hạn bảo quản; Số văn bản; Số tờ/Số trang; Ghi chú) and **Biên bản giao nhận
  tài liệu** (the parties, the batch, its time span, the number of dossiers, documents and files);
* per disposal: **Danh mục hồ sơ, tài liệu hủy** and **Biên bản hủy tài liệu hết giá trị**.

Callers pass a batch or a proposal the actor may see (``archive.transfer_get``, ``disposal.disposal_get``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qlvb.core.dates import day_text as _d
from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import Unit
from qlvb.documents.models import Attachment
from qlvb.files.convert import xlsx_to_pdf
from qlvb.files.workbook import BOX, CENTER, WRAP_TOP, font, merged, no_formulas, page_setup, row_height

from .archive_models import Decision, DisposalProposal, DossierKeep, TransferBatch, TransferState
from .models import Dossier, DossierItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _span(dossier: Dossier) -> str:
    return f"{_d(dossier.start_date)} – {_d(dossier.end_date)}" if dossier.end_date else _d(dossier.start_date)


@dataclass
class Counts:
    dossiers: int
    documents: int
    pages: int
    files: int
    first_year: int | None
    last_year: int | None


def counts_of(dossiers: Sequence[Dossier]) -> Counts:
    """Dossiers, documents (DocTotal), pages (PageTotal) and electronic files (current attachments and the
    files filed in the dossiers) of a batch or a disposal."""
    ids = [d.pk for d in dossiers]
    docs = DossierItem.objects.filter(dossier_id__in=ids, document__isnull=False).values("document_id")
    files = Attachment.objects.filter(document_id__in=docs, superseded_at__isnull=True).count()
    files += DossierItem.objects.filter(dossier_id__in=ids, stored_file__isnull=False).count()
    years = [d.start_date.year for d in dossiers] + [d.end_date.year for d in dossiers if d.end_date]
    figures = DossierItem.objects.filter(dossier_id__in=ids).aggregate(n=Count("pk"), p=Sum("document__page_amount"))
    return Counts(
        dossiers=len(ids),
        documents=sum(d.doc_total or 0 for d in dossiers) or figures["n"] or 0,
        pages=sum(d.page_total or 0 for d in dossiers) or figures["p"] or 0,
        files=files,
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
    )


def batch_dossiers(batch: TransferBatch) -> list[Dossier]:
    """The dossiers the forms list: the accepted ones once the archive has checked the batch, else every
    dossier not returned."""
    items = batch.items.select_related("dossier")
    if batch.state == TransferState.DONE:
        items = items.filter(decision=Decision.ACCEPTED)
    else:
        items = items.filter(~Q(decision=Decision.RETURNED))
    return sorted((i.dossier for i in items), key=lambda d: d.notation)


def _sheet(title: str, widths: Sequence[int]) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return wb, ws


def _table(ws: Worksheet, top: int, columns: Sequence[str], widths: Sequence[int], rows: list[list[Any]]) -> int:
    """The header, the column numbers and the rows from ``top``; returns the first free row."""
    for i, name in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=i, value=name)
        cell.font, cell.alignment, cell.border = font(11, bold=True), CENTER, BOX
        number = ws.cell(row=top + 1, column=i, value=f"({i})")
        number.font, number.alignment, number.border = font(10, italic=True), CENTER, BOX
    ws.row_dimensions[top].height = 45
    for r, values in enumerate(rows, start=top + 2):
        ws.row_dimensions[r].height = row_height(values, widths)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = font(11), BOX
            cell.alignment = WRAP_TOP if c in (3, len(columns)) else CENTER
    return top + 2 + len(rows)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    no_formulas(wb).save(out)
    return out.getvalue()


def _header(ws: Worksheet, agency: str, n: int) -> None:
    half = max(1, n // 2 - 1)
    merged(ws, 1, 1, half, agency.upper(), font=font(12, bold=True))
    merged(ws, 1, half + 1, n, NATION, font=font(12, bold=True))
    merged(ws, 2, half + 1, n, MOTTO, font=font(13, bold=True))


# --- Mục lục hồ sơ, tài liệu nộp lưu --------------------------------------------------------------------------

LIST_COLUMNS = (
    "Số TT",
    "Số, ký hiệu hồ sơ",
    "Tiêu đề hồ sơ",
    "Thời gian tài liệu",
    "Thời hạn bảo quản",
    "Số văn bản",
    "Số tờ/ Số trang",
    "Ghi chú",
)
LIST_WIDTHS = (7, 16, 60, 24, 13, 10, 10, 24)


def transfer_list_xlsx(batch: TransferBatch) -> bytes:
    dossiers = batch_dossiers(batch)
    wb, ws = _sheet("Mục lục nộp lưu", LIST_WIDTHS)
    n = len(LIST_COLUMNS)
    _header(ws, batch.agency.name, n)
    merged(ws, 4, 1, n, "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU", font=font(14, bold=True))
    merged(ws, 5, 1, n, f"Đơn vị nộp lưu: {batch.unit.name}. Đợt nộp lưu số {batch.number}.", font=font(12))
    merged(ws, 6, 1, n, batch.title, font=font(12, italic=True))
    rows = [
        [i, d.notation, d.title, _span(d), d.maintenance, d.doc_total or 0, d.page_total or 0, d.description]
        for i, d in enumerate(dossiers, start=1)
    ]
    end = _table(ws, 8, LIST_COLUMNS, LIST_WIDTHS, rows)
    c = counts_of(dossiers)
    merged(
        ws,
        end + 1,
        1,
        n,
        f"Mục lục này gồm: {c.dossiers} hồ sơ, {c.documents} văn bản, tài liệu ({c.pages} trang; {c.files} tệp "
        "điện tử).",
        font=font(12),
        align=WRAP_TOP,
    )
    merged(ws, end + 3, n - 3, n, f"Ngày {_d(timezone.localdate())}", font=font(12, italic=True))
    merged(ws, end + 4, 1, 3, "NGƯỜI NỘP LƯU", font=font(12, bold=True))
    merged(ws, end + 4, n - 3, n, "NGƯỜI LẬP MỤC LỤC", font=font(12, bold=True))
    merged(ws, end + 8, 1, 3, batch.created_by.full_name, font=font(12, bold=True))
    page_setup(ws, landscape=True, title_rows="8:9")
    return _save(wb)


# --- Biên bản giao nhận tài liệu ------------------------------------------------------------------------------


def _statement(ws: Worksheet, start: int, n: int, paragraphs: list[tuple[str, bool]]) -> int:
    """Paragraphs of a record, one merged row each, tall enough for their wrapped lines."""
    width = sum(ws.column_dimensions[get_column_letter(i)].width or 10 for i in range(1, n + 1))
    row = start
    for text, bold in paragraphs:
        merged(ws, row, 1, n, text, font=font(13, bold=bold), align=WRAP_TOP)
        ws.row_dimensions[row].height = row_height([text], [int(width * 0.85)], line=17)
        row += 1
    return row


def transfer_record_xlsx(batch: TransferBatch) -> bytes:
    dossiers = batch_dossiers(batch)
    c = counts_of(dossiers)
    widths = (14, 14, 14, 14, 14, 14)
    wb, ws = _sheet("Biên bản giao nhận", widths)
    n = len(widths)
    _header(ws, batch.agency.name, n)
    merged(ws, 4, 1, n, "BIÊN BẢN", font=font(14, bold=True))
    merged(ws, 5, 1, n, "Về việc giao nhận tài liệu", font=font(13, bold=True))
    receiver = batch.received_by.full_name if batch.received_by else "…………………………"
    when = batch.done_at or batch.submitted_at
    span = (
        f"{c.first_year} – {c.last_year}" if c.first_year and c.first_year != c.last_year else str(c.first_year or "")
    )
    paragraphs = [
        ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;", False),
        ("Căn cứ Danh mục hồ sơ của cơ quan và Mục lục hồ sơ, tài liệu nộp lưu kèm theo,", False),
        (f"Hôm nay, ngày {_d(when) or '…/…/……'}, tại {batch.agency.name}, chúng tôi gồm:", False),
        (f"BÊN GIAO: {batch.unit.name}, đại diện là {batch.created_by.full_name}.", True),
        (f"BÊN NHẬN: Lưu trữ cơ quan, đại diện là {receiver}.", True),
        ("Thống nhất lập biên bản giao nhận tài liệu với nội dung như sau:", False),
        (f"1. Tên khối tài liệu giao nộp: {batch.title}.", False),
        (f"2. Thời gian của tài liệu: {span}.", False),
        (
            f"3. Số lượng tài liệu: {c.dossiers} hồ sơ, {c.documents} văn bản, tài liệu ({c.pages} trang); "
            f"tài liệu điện tử: {c.dossiers} hồ sơ, {c.files} tệp.",
            False,
        ),
        ("4. Tình trạng tài liệu giao nộp: hồ sơ đã đóng, đủ thông tin đầu vào theo Phụ lục VI.", False),
        ("5. Mục lục hồ sơ, tài liệu nộp lưu kèm theo.", False),
        ("Biên bản này được lập thành hai bản; bên giao giữ một bản, bên nhận giữ một bản.", False),
    ]
    end = _statement(ws, 7, n, paragraphs)
    merged(ws, end + 1, 1, 3, "ĐẠI DIỆN BÊN GIAO", font=font(13, bold=True))
    merged(ws, end + 1, 4, n, "ĐẠI DIỆN BÊN NHẬN", font=font(13, bold=True))
    merged(ws, end + 2, 1, 3, "(Ký, ghi rõ họ tên)", font=font(12, italic=True))
    merged(ws, end + 2, 4, n, "(Ký, ghi rõ họ tên)", font=font(12, italic=True))
    merged(ws, end + 6, 1, 3, batch.created_by.full_name, font=font(13, bold=True))
    merged(ws, end + 6, 4, n, receiver, font=font(13, bold=True))
    page_setup(ws, landscape=False, title_rows=None)
    return _save(wb)


# --- Hủy tài liệu -----------------------------------------------------------------------------------------------

DISPOSAL_COLUMNS = (
    "Số TT",
    "Số, ký hiệu hồ sơ",
    "Tiêu đề hồ sơ",
    "Thời gian tài liệu",
    "Thời hạn bảo quản",
    "Số văn bản",
    "Số tệp đã hủy",
    "Lý do hủy",
)


def disposal_list_xlsx(proposal: DisposalProposal) -> bytes:
    items = list(proposal.items.select_related("dossier").order_by("dossier__notation"))
    wb, ws = _sheet("Danh mục tài liệu hủy", LIST_WIDTHS)
    n = len(DISPOSAL_COLUMNS)
    _header(ws, proposal.agency.name, n)
    merged(ws, 4, 1, n, "DANH MỤC HỒ SƠ, TÀI LIỆU HỦY", font=font(14, bold=True))
    merged(ws, 5, 1, n, f"Kèm theo đề nghị hủy tài liệu số {proposal.number}", font=font(12, italic=True))
    rows = [
        [
            i,
            it.dossier.notation,
            it.dossier.title,
            _span(it.dossier),
            it.dossier.maintenance,
            it.dossier.doc_total or 0,
            it.files_deleted,
            "Hết thời hạn bảo quản",
        ]
        for i, it in enumerate(items, start=1)
    ]
    end = _table(ws, 7, DISPOSAL_COLUMNS, LIST_WIDTHS, rows)
    c = counts_of([it.dossier for it in items])
    merged(ws, end + 1, 1, n, f"Tổng cộng: {c.dossiers} hồ sơ, {c.documents} văn bản, tài liệu.", font=font(12))
    page_setup(ws, landscape=True, title_rows="7:8")
    return _save(wb)


def disposal_record_xlsx(proposal: DisposalProposal) -> bytes:
    items = list(proposal.items.select_related("dossier"))
    c = counts_of([it.dossier for it in items])
    widths = (14, 14, 14, 14, 14, 14)
    wb, ws = _sheet("Biên bản hủy", widths)
    n = len(widths)
    _header(ws, proposal.agency.name, n)
    merged(ws, 4, 1, n, "BIÊN BẢN", font=font(14, bold=True))
    merged(ws, 5, 1, n, "Về việc hủy tài liệu hết giá trị", font=font(13, bold=True))
    executed = proposal.executed_by.full_name if proposal.executed_by else "…………………………"
    approver = proposal.approved_by.full_name if proposal.approved_by else "…………………………"
    files = sum(it.files_deleted for it in items)
    size = sum(it.bytes_deleted for it in items)
    paragraphs = [
        ("Căn cứ Luật Lưu trữ và Thông tư số 10/2022/TT-BNV quy định thời hạn bảo quản tài liệu;", False),
        (
            f"Căn cứ kết quả thẩm định của Hội đồng xác định giá trị tài liệu họp ngày {_d(proposal.council_date)} "
            f"và ý kiến phê duyệt của {approver} ngày {_d(proposal.approved_at)},",
            False,
        ),
        (f"Hôm nay, ngày {_d(proposal.executed_at) or '…/…/……'}, tại {proposal.agency.name}, chúng tôi gồm:", False),
        (f"Thành phần Hội đồng: {proposal.council_members or '…'}", False),
        (f"Người thực hiện hủy: {executed}, Lưu trữ cơ quan.", False),
        (f"Đã tiến hành hủy {c.dossiers} hồ sơ ({c.documents} văn bản, tài liệu) có trong Danh mục kèm theo.", False),
        (
            f"Tài liệu điện tử: đã xóa {files} tệp ({size:,} byte) khỏi hệ thống; ".replace(",", ".")
            + "thông tin đầu vào của hồ sơ, văn bản và biên bản này được giữ lại.",
            False,
        ),
        (f"Lý do hủy: {proposal.reason}", False),
        (f"Ý kiến của Hội đồng: {proposal.council_opinion or '…'}", False),
    ]
    end = _statement(ws, 7, n, paragraphs)
    merged(ws, end + 1, 1, 3, "NGƯỜI THỰC HIỆN HỦY", font=font(13, bold=True))
    merged(ws, end + 1, 4, n, "ĐẠI DIỆN HỘI ĐỒNG", font=font(13, bold=True))
    merged(ws, end + 5, 1, 3, executed, font=font(13, bold=True))
    page_setup(ws, landscape=False, title_rows=None)
    return _save(wb)


# --- Danh mục hồ sơ giữ lại (Điều 31) --------------------------------------------------------------------------

KEPT_COLUMNS = (
    "Số TT",
    "Số, ký hiệu hồ sơ",
    "Tiêu đề hồ sơ",
    "Đơn vị, người giữ",
    "Thời hạn bảo quản",
    "Hạn nộp lưu",
    "Giữ lại đến ngày",
    "Lý do giữ lại",
)
KEPT_WIDTHS = (7, 16, 48, 24, 13, 12, 12, 36)


def kept_list_xlsx(agency: Unit, rows: Sequence[tuple[Dossier, DossierKeep]]) -> bytes:
    """Danh mục hồ sơ giữ lại: the dossiers kept in their units past their transfer deadline, with the
    approval (who, when), A4 landscape."""
    wb, ws = _sheet("Hồ sơ giữ lại", KEPT_WIDTHS)
    n = len(KEPT_COLUMNS)
    _header(ws, agency.name, n)
    merged(ws, 4, 1, n, "DANH MỤC HỒ SƠ GIỮ LẠI", font=font(14, bold=True))
    merged(
        ws,
        5,
        1,
        n,
        f"Hồ sơ đến hạn nộp lưu được giữ lại tại đơn vị (Nghị định 30/2020/NĐ-CP, Điều 31), lập ngày "
        f"{_d(timezone.localdate())}",
        font=font(12, italic=True),
    )
    table = []
    for i, (d, keep) in enumerate(rows, start=1):
        holder = d.creator.full_name if d.creator else d.creator_name
        unit = d.creator.unit.name if d.creator and d.creator.unit else ""
        approval = f"{keep.reason} (đồng ý: {keep.approved_by.full_name}, {_d(keep.approved_at)})"
        table.append(
            [
                i,
                d.notation,
                d.title,
                f"{unit}, {holder}" if unit else holder,
                d.maintenance,
                _d(keep.due_date),
                _d(keep.until),
                approval,
            ]
        )
    end = _table(ws, 7, KEPT_COLUMNS, KEPT_WIDTHS, table)
    merged(ws, end + 1, 1, n, f"Danh mục này gồm {len(rows)} hồ sơ.", font=font(12))
    merged(ws, end + 3, n - 2, n, "NGƯỜI LẬP DANH MỤC", font=font(12, bold=True))
    page_setup(ws, landscape=True, title_rows="7:8")
    return _save(wb)


def kept_list_response(agency: Unit, rows: Sequence[tuple[Dossier, DossierKeep]], fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "pdf"):
        raise ValidationFailed("Không có biểu mẫu này (định dạng phải là xlsx hoặc pdf).")
    data = kept_list_xlsx(agency, rows)
    if fmt == "pdf":
        response = HttpResponse(xlsx_to_pdf(data, name="ho-so-giu-lai.xlsx"), content_type="application/pdf")
    else:
        response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ho-so-giu-lai.{fmt}"'
    return response


FORMS = {
    "muc-luc-nop-luu": transfer_list_xlsx,
    "bien-ban-giao-nhan": transfer_record_xlsx,
}
DISPOSAL_FORMS = {
    "danh-muc-huy": disposal_list_xlsx,
    "bien-ban-huy": disposal_record_xlsx,
}


def form_response(obj: TransferBatch | DisposalProposal, form: str, fmt: str) -> HttpResponse:
    """A printed form of a batch or a disposal, ``fmt`` = ``xlsx`` or ``pdf``."""
    table: dict[str, Any] = FORMS if isinstance(obj, TransferBatch) else DISPOSAL_FORMS
    build = table.get(form)
    if build is None or fmt not in ("xlsx", "pdf"):
        raise ValidationFailed("Không có biểu mẫu này (định dạng phải là xlsx hoặc pdf).")
    data = build(obj)
    name = f"{form}-{obj.number}"
    if fmt == "pdf":
        response = HttpResponse(xlsx_to_pdf(data, name=f"{form}.xlsx"), content_type="application/pdf")
    else:
        response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
