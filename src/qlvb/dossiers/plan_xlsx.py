"""The dossier list (danh mục hồ sơ) as XLSX: export, a downloadable template, import into a draft list
(dry run first, with a row-by-row report; one bad row refuses the file, nothing imported), and the printed
Phụ lục V form (landscape PDF, the workbook printed by LibreOffice).

The sheet ``Danh mục`` has the columns of Phụ lục V — (1) Số và ký hiệu hồ sơ, (2) Tên đề mục và tiêu đề hồ
sơ, (3) Thời hạn bảo quản, (4) Người lập hồ sơ, (5) Ghi chú — then (6) Điều khoản bảng thời hạn bảo quản and
(7) Chữ viết tắt của đề mục. A row whose (3) is empty and whose (1) is a Roman numeral is a large heading;
a bare number there, a sub-heading of the last large heading; every other row is a dossier (its retention:
"Vĩnh viễn", "10 năm" or "10").

Formula injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written as text with a leading apostrophe on export (never a formula) and refused on import."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qlvb.core import audit
from qlvb.core.errors import DomainError, ValidationFailed
from qlvb.directory.models import User
from qlvb.files.convert import xlsx_to_pdf
from qlvb.files.workbook import BOX, CENTER, TOP_CENTER, WRAP_TOP, font, merged, page_setup, row_height
from qlvb.files.zipguard import zip_check

from .errors import ErrorCode
from .models import PERMANENT_LABEL, DossierPlan, PlanHeading, PlanRow, roman
from .preconditions import plan_change_check
from .services import plan_heading_add, plan_row_add

SHEET = "Danh mục"
COLUMNS = (
    "Số và ký hiệu hồ sơ",
    "Tên đề mục và tiêu đề hồ sơ",
    "Thời hạn bảo quản",
    "Người lập hồ sơ",
    "Ghi chú",
    "Điều khoản bảng thời hạn bảo quản",
    "Chữ viết tắt của đề mục",
)
PRINTED = COLUMNS[:5]
WIDTHS = (16, 60, 14, 24, 22, 22, 12)
HEADER_ROW = 4
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
ROMAN_RE = re.compile(r"^[IVXLCDM]+$")
IMPORT_MAX_ROWS = 5000
XLSX_MAX_BYTES = 5 * 1024 * 1024


def safe_text(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=column, value=safe_text(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    return cell


def _rows(plan: DossierPlan) -> list[tuple[str, list[Any]]]:
    """("heading"|"sub"|"row", the 7 values) in the list's order."""
    out: list[tuple[str, list[Any]]] = []
    headings = plan.headings.filter(parent__isnull=True).prefetch_related("children__rows", "rows").order_by("ordinal")

    def rows_of(h: PlanHeading) -> None:
        for r in h.rows.select_related("creator_user", "creator_unit").order_by("ordinal"):
            out.append(("row", [r.notation, r.title, r.maintenance, r.creator_label, r.note, r.retention_ref, ""]))

    for large in headings:
        out.append(("heading", [roman(large.ordinal), large.title, "", "", "", "", large.abbreviation]))
        rows_of(large)
        for sub in large.children.order_by("ordinal"):
            out.append(("sub", [str(sub.ordinal), sub.title, "", "", "", "", sub.abbreviation]))
            rows_of(sub)
    return out


def _counts(plan: DossierPlan) -> tuple[int, int, int]:
    total = PlanRow.objects.filter(plan=plan).count()
    permanent = PlanRow.objects.filter(plan=plan, retention_years__isnull=True).count()
    return total, permanent, total - permanent


def plan_xlsx(plan: DossierPlan, *, printed: bool = False) -> bytes:
    """The list as a workbook; ``printed``: the Phụ lục V form (five columns, landscape, title and footer)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    columns = PRINTED if printed else COLUMNS
    n = len(columns)
    for i, width in enumerate(WIDTHS[:n], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width + (12 if printed and i == 2 else 0)
    agency = plan.agency.name.upper()
    merged(ws, 1, 1, n, agency, font=font(12, bold=True))
    merged(ws, 2, 1, n, f"DANH MỤC HỒ SƠ NĂM {plan.year}", font=font(14, bold=True))
    state = "đã duyệt" if plan.is_frozen else "dự thảo"
    merged(ws, 3, 1, n, f"(Phiên bản {plan.version}, {state})", font=font(12, italic=True))
    for i, name in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=name)
        cell.font, cell.alignment, cell.border = font(11, bold=True), CENTER, BOX
        if printed:
            number = ws.cell(row=HEADER_ROW + 1, column=i, value=f"({i})")
            number.font, number.alignment, number.border = font(10, italic=True), CENTER, BOX
    ws.row_dimensions[HEADER_ROW].height = 32
    r = HEADER_ROW + (2 if printed else 1)
    for kind, values in _rows(plan):
        values = values[:n]
        ws.row_dimensions[r].height = row_height(values, WIDTHS[:n])
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            cell.border = BOX
            cell.font = font(11, bold=kind != "row")
            cell.alignment = TOP_CENTER if c in (1, 3) else WRAP_TOP
        r += 1
    if printed:
        total, permanent, fixed = _counts(plan)
        r += 1
        text = (
            f"Bản Danh mục hồ sơ này có {total} hồ sơ, bao gồm: {permanent} hồ sơ có thời hạn bảo quản vĩnh viễn; "
            f"{fixed} hồ sơ có thời hạn bảo quản có thời hạn."
        )
        merged(ws, r, 1, n, text, font=font(12), align=WRAP_TOP)
        ws.row_dimensions[r].height = 34
    page_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW + (1 if printed else 0)}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plan_template_xlsx() -> bytes:
    """An example list to fill in: a large heading, a sub-heading, a fixed-term and a permanent dossier."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    merged(ws, 1, 1, 7, "MẪU NHẬP DANH MỤC HỒ SƠ", font=font(14, bold=True))
    merged(
        ws,
        2,
        1,
        7,
        "Dòng đề mục lớn: cột (1) số La Mã, cột (3) để trống; đề mục nhỏ: cột (1) số thứ tự. Thời hạn: "
        "“Vĩnh viễn” hoặc số năm. Không bắt đầu ô bằng =, +, -, @.",
        font=font(10, italic=True),
        align=WRAP_TOP,
    )
    ws.row_dimensions[2].height = 30
    for i, name in enumerate(COLUMNS, start=1):
        ws.cell(row=HEADER_ROW, column=i, value=name).font = font(11, bold=True)
    examples = (
        ("I", "Tổ chức, cán bộ", "", "", "", "", "TCCB"),
        ("01.TCCB", "Hồ sơ xây dựng quy chế làm việc của Ủy ban nhân dân xã", "20 năm", "", "", "Mục 3", ""),
        ("1", "Thi đua, khen thưởng", "", "", "", "", ""),
        ("02.TCCB", "Hồ sơ hội nghị tổng kết công tác thi đua, khen thưởng năm", "Vĩnh viễn", "", "", "", ""),
    )
    for r, values in enumerate(examples, start=HEADER_ROW + 1):
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plan_pdf(plan: DossierPlan) -> bytes:
    return xlsx_to_pdf(plan_xlsx(plan, printed=True), name="danh-muc-ho-so.xlsx")


# --- Import -------------------------------------------------------------------------------------------------------


@dataclass
class RowReport:
    row: int
    kind: str  # "heading", "sub", "row", "blank"
    text: str
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclass
class PlanImport:
    rows: list[RowReport] = field(default_factory=list)
    imported: bool = False

    @property
    def refused(self) -> list[RowReport]:
        return [r for r in self.rows if not r.ok]

    @property
    def dossier_rows(self) -> int:
        return sum(1 for r in self.rows if r.kind == "row")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _retention(text: str) -> tuple[int | None, str]:
    """("Vĩnh viễn" → None) or ("10 năm" / "10" → 10); the second value is a reason when it is neither."""
    if text.casefold() == PERMANENT_LABEL.casefold():
        return None, ""
    m = re.fullmatch(r"(\d{1,2})(\s*năm)?", text, flags=re.IGNORECASE)
    if not m or not 1 <= int(m.group(1)) <= 70:
        return None, f"thời hạn bảo quản “{text[:30]}” phải là “Vĩnh viễn” hoặc từ 1 đến 70 năm"
    return int(m.group(1)), ""


def _check(values: list[str]) -> str:
    for value in values:
        if value.startswith(DANGEROUS):
            return f"ô “{value[:30]}” bắt đầu bằng ký tự của công thức (=, +, -, @): không nhận công thức"
    return ""


def _parse_row(n: int, values: list[str], seen: set[str], has_heading: bool) -> tuple[RowReport, dict[str, Any]]:
    number, title, maintenance, _creator, note, ref, abbreviation = values
    if not any(values):
        return RowReport(n, "blank", ""), {}
    reason = _check(values)
    if not maintenance and (ROMAN_RE.match(number) or number.isdigit()):
        kind = "heading" if ROMAN_RE.match(number) else "sub"
        if not reason and not title:
            reason = "thiếu tên đề mục"
        if not reason and kind == "sub" and not has_heading:
            reason = "đề mục nhỏ phải nằm sau một đề mục lớn"
        if not reason and len(abbreviation) > 10:
            reason = "chữ viết tắt dài quá 10 ký tự"
        return RowReport(n, kind, f"{number}. {title}", reason), {"title": title, "abbreviation": abbreviation}
    years, why = _retention(maintenance) if maintenance else (None, "thiếu thời hạn bảo quản")
    for problem in (
        reason,
        "" if has_heading else "hồ sơ phải nằm dưới một đề mục",
        "" if title else "thiếu tiêu đề hồ sơ",
        why,
        "" if len(number) <= 20 else "số và ký hiệu hồ sơ dài quá 20 ký tự",
        "" if len(title) <= 500 else "tiêu đề hồ sơ dài quá 500 ký tự",
        f"số và ký hiệu “{number}” lặp lại trong tệp" if number and number in seen else "",
    ):
        if problem:
            reason = problem
            break
    if number:
        seen.add(number)
    data = {"notation": number, "title": title, "retention_years": years, "retention_ref": ref, "note": note}
    return RowReport(n, "row", f"{number} {title}".strip(), reason), data


def _read(data: bytes) -> list[tuple[RowReport, dict[str, Any]]]:
    if len(data) > XLSX_MAX_BYTES:
        raise ValidationFailed("Tệp danh mục lớn quá 5 MB.", code=ErrorCode.PLAN_IMPORT_REFUSED)
    zip_check(data, name="danh-muc.xlsx")  # a zip bomb never reaches openpyxl
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed("Tệp không phải bảng tính XLSX đọc được.", code=ErrorCode.PLAN_IMPORT_REFUSED) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    out: list[tuple[RowReport, dict[str, Any]]] = []
    seen: set[str] = set()
    has_heading = False
    for n, raw in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, max_col=7, values_only=True), start=HEADER_ROW + 1):
        if n > IMPORT_MAX_ROWS + HEADER_ROW:
            raise ValidationFailed(f"Tệp có quá {IMPORT_MAX_ROWS} dòng.", code=ErrorCode.PLAN_IMPORT_REFUSED)
        values = [_cell(v) for v in (*raw, *[None] * 7)[:7]]
        report, parsed = _parse_row(n, values, seen, has_heading)
        has_heading = has_heading or (report.kind == "heading" and report.ok)
        if report.kind != "blank":
            out.append((report, parsed))
    wb.close()
    return out


def plan_import_xlsx(*, actor: User, plan: DossierPlan, data: bytes, dry_run: bool = True) -> PlanImport:
    """Check (``dry_run``) or import the rows of an XLSX into a draft list. A row refused — its reason in the
    report — refuses the whole file; an import is one transaction, numbered by the list's rule when a
    row has no notation."""
    plan_change_check(actor, plan)
    parsed = _read(data)
    existing = set(PlanRow.objects.filter(plan=plan).values_list("notation", flat=True))
    for report, values in parsed:
        if report.ok and report.kind == "row" and values["notation"] in existing:
            report.reason = f"số và ký hiệu “{values['notation']}” đã có trong danh mục"
    result = PlanImport(rows=[r for r, _ in parsed])
    if not any(r.kind == "row" for r in result.rows) and not result.refused:
        result.rows.append(RowReport(HEADER_ROW + 1, "blank", "", "tệp không có hồ sơ nào"))
    if dry_run or result.refused:
        return result
    with transaction.atomic():
        large: PlanHeading | None = None
        current: PlanHeading | None = None
        for report, values in parsed:
            try:
                if report.kind == "heading":
                    large = current = plan_heading_add(actor=actor, plan=plan, **values)
                elif report.kind == "sub":
                    current = plan_heading_add(actor=actor, plan=plan, parent=large, **values)
                else:
                    assert current is not None
                    plan_row_add(actor=actor, plan=plan, heading=current, **values)
            except DomainError as exc:
                report.reason = exc.message
                transaction.set_rollback(True)
                return result
        audit.record(
            "dossiers.plan_imported",
            actor=actor,
            obj=plan,
            data={"rows": result.dossier_rows, "headings": sum(1 for r in result.rows if r.kind != "row")},
        )
    result.imported = True
    return result
