"""The rows of the bundle's own sheets, read and checked (no database write): each becomes a typed row or
a :class:`~.register_import_rows.RowError` with its Vietnamese reason. What a row refers to (a unit's or a
person's old code, a document) is resolved by the caller against the database and the bundle's earlier
sheets (``migration``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from qlvb.assignments.models import AssignmentRole
from qlvb.core.permissions import ROLES
from qlvb.core.text import fold
from qlvb.dossiers.models import MAX as DOSSIER_MAX
from qlvb.dossiers.models import RETENTION_YEARS_MAX

from .migration_sheets import Column, Table, cell, date_cell
from .register_import_rows import RowError, parse_date

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-/]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,}$")
_NUMBER = re.compile(r"^\d{1,10}$")
# "15/QĐ-UBND ngày 03/01/2024" (the word "ngày" optional)
_DOC_REF = re.compile(r"^(?P<code>[^\s]+?)\s+(?:ngày\s+|ngay\s+)?(?P<date>\d{1,2}/\d{1,2}/\d{4})$", re.IGNORECASE)

UNITS = Table(
    "don-vi.xlsx",
    "Đơn vị",
    (
        Column("code", "Mã đơn vị", ("ma don vi cu", "ma"), required=True, example="VP"),
        Column("name", "Tên đơn vị", ("ten day du",), required=True, text=True, example="Văn phòng"),
        Column("short_name", "Tên viết tắt", (), required=True, example="VP"),
        Column("parent", "Mã đơn vị cấp trên", ("don vi cap tren",), example=""),
    ),
)
ACCOUNTS = Table(
    "nguoi-dung.xlsx",
    "Người dùng",
    (
        Column("code", "Mã người dùng", ("ma nguoi dung cu", "ma can bo", "ma"), required=True, example="NV001"),
        Column("full_name", "Họ và tên", ("ho ten",), required=True, text=True, example="Nguyễn Văn An"),
        Column("unit", "Mã đơn vị", ("don vi",), example="VP"),
        Column("position", "Chức vụ", (), text=True, example="Chánh Văn phòng"),
        Column("roles", "Vai trò", (), example="lãnh đạo phòng"),
        Column("email", "Thư điện tử", ("email", "e mail"), example="an.nv@example.gov.vn"),
    ),
)
ASSIGNMENTS = Table(
    "giao-xu-ly.xlsx",
    "Giao xử lý",
    (
        Column("number", "Số đến", (), required=True, example=1),
        Column("year", "Năm", ("nam den",), required=True, example=2024),
        Column("assigner", "Người giao", ("ma nguoi giao",), required=True, example="NV001"),
        Column("assignee", "Người xử lý", ("ma nguoi xu ly",), required=True, example="NV002"),
        Column("role", "Vai trò", ("vai tro xu ly",), example="chủ trì"),
        Column("assigned", "Ngày giao", (), required=True, example="06/01/2024"),
        Column("due", "Hạn xử lý", (), example="20/01/2024"),
        Column("directive", "Ý kiến chỉ đạo", ("y kien",), text=True, example="Đề nghị VP tham mưu"),
        Column("result", "Kết quả", ("ket qua xu ly",), text=True, example="Đã báo cáo"),
    ),
)
DOSSIERS = Table(
    "ho-so.xlsx",
    "Hồ sơ",
    (
        Column("year", "Năm", ("nam hinh thanh",), required=True, example=2024),
        Column("notation", "Số và ký hiệu hồ sơ", ("so ky hieu ho so",), required=True, example="01.VP"),
        Column("title", "Tiêu đề hồ sơ", (), required=True, text=True, example="Hồ sơ chỉ tiêu kế hoạch năm 2024"),
        Column("retention", "Thời hạn bảo quản", (), example="Vĩnh viễn"),
        Column("creator", "Người lập hồ sơ", ("ma nguoi lap",), required=True, example="NV001"),
        Column("start", "Thời gian bắt đầu", ("ngay bat dau",), required=True, example="05/01/2024"),
        Column("end", "Thời gian kết thúc", ("ngay ket thuc",), example="31/12/2024"),
        Column("documents", "Văn bản", ("van ban trong ho so",), example="15/QĐ-UBND ngày 03/01/2024"),
        Column("note", "Ghi chú", (), text=True, example=""),
    ),
)
TABLES = (UNITS, ACCOUNTS, ASSIGNMENTS, DOSSIERS)


def _col(table: Table, key: str) -> Column:
    return next(c for c in table.columns if c.key == key)


def _code(values: dict[str, Any], table: Table, key: str) -> str:
    text = cell(values, _col(table, key), limit=64)
    if text and not _CODE.match(text):
        raise RowError(f"“{_col(table, key).title}” “{text[:40]}” chỉ gồm chữ cái không dấu, chữ số và . _ - /")
    return text


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(fold(str(p)) for p in parts).encode()).hexdigest()


# --- Units ---------------------------------------------------------------------------------------------------------


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    short_name: str
    parent: str  # the parent's old code, "" for the agency itself


def unit_parse(n: int, values: dict[str, Any]) -> UnitRow:
    code = _code(values, UNITS, "code")
    name = cell(values, _col(UNITS, "name"))
    short = cell(values, _col(UNITS, "short_name"), limit=32)
    parent = _code(values, UNITS, "parent")
    if parent == code:
        raise RowError(f"đơn vị “{code}” không thể là cấp trên của chính nó")
    return UnitRow(n, code, name, short, parent)


# --- Accounts ------------------------------------------------------------------------------------------------------

_ROLE_NAMES = {fold(label): role for role, label in ROLES.items()} | {role: role for role in ROLES}
_ROLE_NAMES |= {"luu tru vien": "archivist", "quan tri he thong": "admin", "lanh dao co quan": "leader"}


@dataclass
class AccountRow:
    row: int
    code: str
    full_name: str
    unit: str
    position: str
    roles: list[str] = field(default_factory=list)
    email: str = ""


def account_parse(n: int, values: dict[str, Any]) -> AccountRow:
    code = _code(values, ACCOUNTS, "code")
    full_name = cell(values, _col(ACCOUNTS, "full_name"), limit=150)
    if not re.sub(r"[ '’.\-]", "", fold(full_name)).isalnum():  # "H'Hen Niê", "Nguyễn Thị Anh-Thư"
        raise RowError(f"họ và tên “{full_name[:40]}” chỉ gồm chữ cái, khoảng trắng, dấu nháy và gạch nối")
    unit = _code(values, ACCOUNTS, "unit")
    position = cell(values, _col(ACCOUNTS, "position"), limit=150)
    roles: list[str] = []
    for part in re.split(r"[;,]", cell(values, _col(ACCOUNTS, "roles"))):
        key = fold(part.strip())
        if not key:
            continue
        if key not in _ROLE_NAMES:
            known = ", ".join(f"“{label.lower()}”" for label in ROLES.values())
            raise RowError(f"vai trò “{part.strip()[:30]}” không có: dùng {known}")
        roles.append(_ROLE_NAMES[key])
    email = cell(values, _col(ACCOUNTS, "email"), limit=254)
    if email and not _EMAIL.match(email):
        raise RowError(f"thư điện tử “{email[:60]}” không đúng dạng ten@ten-mien")
    return AccountRow(n, code, full_name, unit, position, sorted(set(roles)), email)


# --- Assignments ---------------------------------------------------------------------------------------------------

_ASSIGN_ROLES = {
    "chu tri": AssignmentRole.LEAD,
    "xu ly chinh": AssignmentRole.LEAD,
    "phoi hop": AssignmentRole.SUPPORT,
    "de biet": AssignmentRole.INFO,
    "nhan de biet": AssignmentRole.INFO,
    "": AssignmentRole.LEAD,
}


@dataclass
class AssignmentRow:
    row: int
    year: int
    number: int
    assigner: str
    assignee: str
    role: str
    assigned: dt.date
    due: dt.date | None
    directive: str
    result: str

    @property
    def key(self) -> str:
        return fingerprint(
            "assignment", self.year, self.number, self.assigner, self.assignee, self.role, self.assigned, self.directive
        )


def _positive(values: dict[str, Any], table: Table, key: str, *, low: int = 1, high: int = 9_999_999_999) -> int:
    text = cell(values, _col(table, key), limit=20)
    if not _NUMBER.match(text) or not low <= int(text) <= high:
        raise RowError(f"“{_col(table, key).title}” “{text[:20]}” phải là số nguyên từ {low} đến {high}")
    return int(text)


def assignment_parse(n: int, values: dict[str, Any], *, today: dt.date) -> AssignmentRow:
    number = _positive(values, ASSIGNMENTS, "number")
    year = _positive(values, ASSIGNMENTS, "year", low=1945, high=today.year)
    assigner = _code(values, ASSIGNMENTS, "assigner")
    assignee = _code(values, ASSIGNMENTS, "assignee")
    role_text = cell(values, _col(ASSIGNMENTS, "role"), limit=30)
    role = _ASSIGN_ROLES.get(fold(role_text))
    if role is None:
        raise RowError(f"vai trò xử lý “{role_text}” không có: dùng “chủ trì”, “phối hợp” hoặc “để biết”")
    assigned = date_cell(values, _col(ASSIGNMENTS, "assigned"), today=today)
    assert assigned is not None
    due_value = values.get("due", "")
    due = None
    if due_value not in ("", None):
        due = date_cell(values, _col(ASSIGNMENTS, "due"), today=dt.date(9999, 12, 31))
        if due is not None and due < assigned:
            raise RowError(f"hạn xử lý {due:%d/%m/%Y} trước ngày giao {assigned:%d/%m/%Y}")
    directive = cell(values, _col(ASSIGNMENTS, "directive"), limit=4000)
    result = cell(values, _col(ASSIGNMENTS, "result"), limit=4000)
    return AssignmentRow(n, year, number, assigner, assignee, role, assigned, due, directive, result)


# --- Dossiers ------------------------------------------------------------------------------------------------------


@dataclass
class DossierRow:
    row: int
    year: int
    notation: str
    title: str
    retention_years: int | None
    creator: str
    start: dt.date
    end: dt.date | None
    documents: list[tuple[str, str, dt.date]]  # (number, notation, date)
    note: str

    @property
    def key(self) -> str:
        return fingerprint("dossier", self.year, self.notation)


def doc_ref_parse(text: str, *, today: dt.date) -> tuple[str, str, dt.date]:
    m = _DOC_REF.match(" ".join(text.split()))
    if not m:
        raise RowError(
            f"văn bản “{text[:60]}” phải ghi dạng “Số/Ký hiệu ngày dd/mm/yyyy”, ví dụ “15/QĐ-UBND ngày 03/01/2024”"
        )
    number, _, notation = m.group("code").partition("/")
    day = parse_doc_date(m.group("date"), text, today=today)
    return number.strip(), notation.strip(), day


def parse_doc_date(value: str, text: str, *, today: dt.date) -> dt.date:
    found = parse_date(value, f"ngày của văn bản “{text[:40]}”", today=today, required=True)
    assert found is not None
    return found


def dossier_parse(n: int, values: dict[str, Any], *, today: dt.date) -> DossierRow:
    year = _positive(values, DOSSIERS, "year", low=1945, high=today.year)
    notation = cell(values, _col(DOSSIERS, "notation"), limit=DOSSIER_MAX["file_notation"])
    title = cell(values, _col(DOSSIERS, "title"), limit=DOSSIER_MAX["title"])
    retention_text = cell(values, _col(DOSSIERS, "retention"), limit=20)
    retention: int | None = None
    if retention_text and fold(retention_text) != "vinh vien":
        digits = re.sub(r"\s*nam$", "", fold(retention_text))
        if not _NUMBER.match(digits) or not 1 <= int(digits) <= RETENTION_YEARS_MAX:
            raise RowError(
                f"thời hạn bảo quản “{retention_text}” phải là “Vĩnh viễn” hoặc số năm từ 1 đến {RETENTION_YEARS_MAX}"
            )
        retention = int(digits)
    creator = _code(values, DOSSIERS, "creator")
    start = date_cell(values, _col(DOSSIERS, "start"), today=today)
    assert start is not None
    end = date_cell(values, _col(DOSSIERS, "end"), today=today)
    if end is not None and end < start:
        raise RowError(f"thời gian kết thúc {end:%d/%m/%Y} trước thời gian bắt đầu {start:%d/%m/%Y}")
    refs_text = cell(values, _col(DOSSIERS, "documents"), limit=100_000)
    documents = [doc_ref_parse(part, today=today) for part in re.split(r"[;\n]+", refs_text) if part.strip()]
    note = cell(values, _col(DOSSIERS, "note"), limit=DOSSIER_MAX["description"])
    return DossierRow(n, year, notation, title, retention, creator, start, end, documents, note)
