"""Phiếu giải quyết văn bản đến (NĐ 30/2020, Phụ lục IV) of one document, as XLSX or PDF: the leader's
direction, the handlers' opinions and the result, for whoever may see the document."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from qlvb.assignments.models import Assignment, AssignmentRole
from qlvb.directory.models import User
from qlvb.documents.models import Document
from qlvb.files.convert import xlsx_to_pdf
from qlvb.files.workbook import WRAP_TOP, no_formulas
from qlvb.files.workbook import font as _font
from qlvb.files.workbook import merged as _merged
from qlvb.files.workbook import page_setup as _page_setup

from .reports import _d, _date_line

SLIP_TITLE = "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN"


def _slip_sections(doc: Document) -> list[tuple[str, list[str], str]]:
    """(heading, lines, signature line) of the three sections of the slip."""
    assignments = list(
        Assignment.objects.filter(document=doc)
        .select_related("unit", "user", "assigned_by")
        .prefetch_related("updates__author")
        .order_by("assigned_at", "pk")
    )
    top = [a for a in assignments if a.parent_id is None]
    leader_lines: list[str] = []
    directive = next((a.directive for a in top if a.directive), "")
    if directive:
        leader_lines.append(directive)
    for role in (AssignmentRole.LEAD, AssignmentRole.SUPPORT, AssignmentRole.INFO):
        chosen = [a for a in top if a.role == role]
        if chosen:
            leader_lines.append(
                f"- {role.label}: "
                + "; ".join(
                    a.assignee_label
                    + (f" (hạn {_d(a.due_date)})" if a.due_date and role != AssignmentRole.INFO else "")
                    for a in chosen
                )
            )
    leader_sign = ""
    if top:
        first = top[0]
        leader_sign = f"Ngày {_d(timezone.localdate(first.assigned_at))} — {first.assigned_by.full_name}" + (
            f", {first.assigned_by.position}" if first.assigned_by.position else ""
        )
    dept_lines: list[str] = []
    dept_sign: list[str] = []
    for parent in top:
        children = [a for a in assignments if a.parent_id == parent.pk]
        if not children:
            continue
        head = children[0].assigned_by
        parts = "; ".join(
            f"{a.get_role_display()}: {a.assignee_label}" + (f" (hạn {_d(a.due_date)})" if a.due_date else "")
            for a in children
        )
        dept_lines.append(f"- {parent.unit.name} ({head.full_name}): {parts}")
        if children[0].directive:
            dept_lines.append(f"  Ý kiến: {children[0].directive}")
        dept_sign.append(f"Ngày {_d(timezone.localdate(children[0].assigned_at))} — {head.full_name}")
    handler_lines: list[str] = []
    handler_sign = ""
    handlers = [a for a in assignments if a.user_id is not None and a.role != AssignmentRole.INFO]
    for a in handlers:
        for update in a.updates.all():
            handler_lines.append(
                f"- {update.author.full_name} ({_d(timezone.localdate(update.created_at))}): {update.text}"
            )
        if a.result:
            handler_lines.append(f"- {a.assignee_label} — kết quả: {a.result}")
            if a.completed_at:
                handler_sign = f"Ngày {_d(timezone.localdate(a.completed_at))} — {a.assignee_label}"
    return [
        ("1. Ý kiến của lãnh đạo cơ quan, tổ chức", leader_lines or ["(chưa có)"], leader_sign),
        ("2. Ý kiến của lãnh đạo đơn vị", dept_lines or ["(chưa có)"], "; ".join(dept_sign)),
        ("3. Ý kiến đề xuất của người giải quyết", handler_lines or ["(chưa có)"], handler_sign),
    ]


def slip_xlsx(*, actor: User, document: Document) -> bytes:
    """The Phiếu giải quyết văn bản đến of one document (Phụ lục IV), A4 portrait. The caller has already
    checked that ``actor`` may see the document (``selectors.document_get``)."""
    agency = document.agency
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Phieu giai quyet"
    widths = (15, 15, 14, 15, 15, 15)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    # NĐ 30 Phụ lục I: the agency block on the left, the national motto on the right, on the same lines.
    agency_lines = [(agency.parent.name.upper(), _font(12))] if agency.parent is not None else []
    agency_lines.append((agency.name.upper(), _font(12, bold=True)))
    for r, (text, font) in enumerate(agency_lines, start=1):
        _merged(ws, r, 1, 3, text, font=font)
    _merged(ws, 1, 4, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=_font(12, bold=True))
    _merged(ws, 2, 4, 6, "Độc lập - Tự do - Hạnh phúc", font=_font(13, bold=True))
    ws.row_dimensions[1].height = ws.row_dimensions[2].height = 18
    _merged(ws, 4, 4, 6, _date_line(agency, timezone.localdate()), font=_font(12, italic=True))
    _merged(ws, 6, 1, 6, SLIP_TITLE, font=_font(15, bold=True))
    ws.row_dimensions[6].height = 24
    row = 8
    facts = [
        ("Tên loại văn bản", document.doc_type.name),
        ("Số, ký hiệu", document.number_notation or "—"),
        ("Ngày tháng văn bản", _d(document.issued_date) or "—"),
        ("Cơ quan ban hành", document.organ_name),
        ("Trích yếu nội dung", document.subject),
        ("Số đến, ngày đến", f"{document.arrival_number or '—'}, {_d(document.arrival_date) or '—'}"),
        ("Thời hạn giải quyết", _d(document.due_date) or "—"),
    ]
    for label, value in facts:
        _merged(ws, row, 1, 2, f"{label}:", font=_font(12, bold=True), align=WRAP_TOP)
        _merged(ws, row, 3, 6, value, font=_font(12), align=WRAP_TOP)
        ws.row_dimensions[row].height = 17 * max(1, len(value) // 55 + 1)
        row += 1
    for heading, lines, signature in _slip_sections(document):
        row += 1
        _merged(ws, row, 1, 6, heading, font=_font(12, bold=True), align=WRAP_TOP)
        ws.row_dimensions[row].height = 20
        row += 1
        for line in lines:
            _merged(ws, row, 1, 6, line, font=_font(12), align=WRAP_TOP)
            ws.row_dimensions[row].height = 17 * max(1, len(line) // 95 + 1)
            row += 1
        if signature:
            _merged(
                ws,
                row,
                3,
                6,
                signature,
                font=_font(12, italic=True),
                align=Alignment(horizontal="right", vertical="top", wrap_text=True),
            )
            ws.row_dimensions[row].height = 17 * max(1, len(signature) // 55 + 1)
            row += 1
    _page_setup(ws, landscape=False, title_rows=None)
    ws.page_margins.left, ws.page_margins.right = 0.8, 0.6
    ws.page_margins.top = 0.6
    out = io.BytesIO()
    no_formulas(wb).save(out)
    return out.getvalue()


def slip_pdf(*, actor: User, document: Document) -> bytes:
    return xlsx_to_pdf(slip_xlsx(actor=actor, document=document))
