"""Reading a register sheet (Sổ đăng ký văn bản đến / đi, NĐ 30/2020 Phụ lục IV) from XLSX or CSV, streamed:
openpyxl in read-only mode (rows read one at a time, never the whole workbook in memory) or the ``csv``
module over the file. Only the cell values are read: a formula cell (``=HYPERLINK(...)``) comes back as its
text and is stored as text, never evaluated.

The header row is found among the first rows by its Phụ lục IV column names (accent-insensitive), so a
register printed by qlvb itself (title rows, the row of column numbers "(1)…(10)") reads back too; a row
whose cells are only "(n)" and blank rows are skipped. Extra columns: "Tệp đính kèm" (file names in the
ZIP beside the sheet, separated by ";") and "Cơ quan" (the agency's name or organ id, checked).

:func:`template_xlsx` is the sheet to fill in."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from qlvb.core.errors import ValidationFailed
from qlvb.core.text import fold
from qlvb.documents.models import Direction
from qlvb.files.workbook import BOX, CENTER, WRAP_TOP, font, merged, put
from qlvb.files.zipguard import zip_check

from .errors import ErrorCode

HEADER_SCAN_ROWS = 15
# Field keys and the header names that name them (folded, punctuation removed), per direction.
INCOMING_COLUMNS: dict[str, tuple[str, ...]] = {
    "arrival_date": ("ngay den",),
    "arrival_number": ("so den",),
    "organ_name": ("tac gia", "co quan ban hanh", "noi gui"),
    "number_notation": ("so ky hieu van ban", "so ky hieu"),
    "issued_date": ("ngay thang van ban", "ngay van ban"),
    "type_subject": ("ten loai va trich yeu noi dung van ban", "ten loai va trich yeu", "trich yeu"),
    "to_places": ("don vi hoac nguoi nhan",),
    "sent_date": ("ngay chuyen",),
    "signed_for": ("ky nhan",),
    "note": ("ghi chu",),
}
OUTGOING_COLUMNS: dict[str, tuple[str, ...]] = {
    "number_notation": ("so ky hieu van ban", "so ky hieu"),
    "issued_date": ("ngay thang van ban", "ngay van ban"),
    "type_subject": ("ten loai va trich yeu noi dung van ban", "ten loai va trich yeu", "trich yeu"),
    "signer": ("nguoi ky",),
    "to_places": ("noi nhan van ban", "noi nhan"),
    "kept_by": ("don vi nguoi nhan ban luu",),
    "copies": ("so luong ban",),
    "sent_date": ("ngay chuyen",),
    "signed_for": ("ky nhan",),
    "note": ("ghi chu",),
}
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "files": ("tep dinh kem", "tep"),
    "agency_ref": ("co quan", "ma dinh danh co quan"),
}
REQUIRED = {
    Direction.INCOMING: ("arrival_date", "arrival_number", "organ_name", "type_subject"),
    Direction.OUTGOING: ("number_notation", "issued_date", "type_subject"),
}
# The template's headers, in Phụ lục IV order, then the extra column.
TEMPLATE_HEADERS = {
    Direction.INCOMING: (
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
        "Tệp đính kèm",
    ),
    Direction.OUTGOING: (
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
        "Tệp đính kèm",
    ),
}
TEMPLATE_EXAMPLES = {
    Direction.INCOMING: (
        "05/01/2024",
        1,
        "UBND huyện Hoài Đức",
        "15/QĐ-UBND",
        "03/01/2024",
        "Quyết định: Về việc giao chỉ tiêu kế hoạch năm 2024",
        "Văn phòng",
        "05/01/2024",
        "",
        "",
        "",
    ),
    Direction.OUTGOING: (
        "01/UBND-VP",
        "08/01/2024",
        "Công văn: V/v báo cáo kết quả thực hiện nhiệm vụ năm 2023",
        "Nguyễn Văn An",
        "UBND huyện Hoài Đức",
        "Văn thư; Văn phòng",
        2,
        "08/01/2024",
        "",
        "",
        "",
    ),
}
_NUMBER_ROW = re.compile(r"^\(\d{1,2}\)$")
_PUNCT = re.compile(r"[^a-z0-9 ]+")
CSV_CHUNK = 64 * 1024


def header_key(text: str) -> str:
    """ "Số, ký hiệu văn bản" → "so ky hieu van ban"."""
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


def max_bytes() -> int:
    return int(getattr(settings, "REGISTER_IMPORT_MAX_BYTES", settings.FILE_MAX_BYTES))


@dataclass(frozen=True)
class Header:
    direction: str
    row: int
    columns: dict[str, int]  # field key → 0-based column index


def _match(cells: list[str], direction: str) -> Header | None:
    table = {**(INCOMING_COLUMNS if direction == Direction.INCOMING else OUTGOING_COLUMNS), **EXTRA_COLUMNS}
    keys = [header_key(c) for c in cells]
    columns: dict[str, int] = {}
    for field, names in table.items():
        for i, key in enumerate(keys):
            if key in names and i not in columns.values():
                columns[field] = i
                break
    if all(f in columns for f in REQUIRED[direction]):  # type: ignore[index]
        return Header(direction, 0, columns)
    return None


def header_find(rows: list[tuple[int, list[str]]], direction: str | None) -> Header:
    """The header among the first rows; ``direction`` None: whichever register it is."""
    wanted = [direction] if direction else [Direction.INCOMING, Direction.OUTGOING]
    for n, cells in rows:
        for d in wanted:
            found = _match(cells, d)
            if found is not None:
                return Header(d, n, found.columns)
    other = [d for d in (Direction.INCOMING, Direction.OUTGOING) if d not in wanted]
    for n, cells in rows:
        for d in other:
            if _match(cells, d) is not None:
                said = "sổ văn bản đến" if d == Direction.INCOMING else "sổ văn bản đi"
                raise ValidationFailed(
                    f"Dòng {n} là tiêu đề cột của {said}, không phải loại sổ đã chọn.",
                    code=ErrorCode.IMPORT_FILE,
                )
    raise ValidationFailed(
        f"Không tìm thấy dòng tiêu đề cột trong {HEADER_SCAN_ROWS} dòng đầu: sổ văn bản đến cần các cột “Ngày đến”, "
        "“Số đến”, “Tác giả”, “Tên loại và trích yếu nội dung văn bản”; sổ văn bản đi cần “Số, ký hiệu văn bản”, "
        "“Ngày tháng văn bản”, “Tên loại và trích yếu nội dung văn bản” (Phụ lục IV). Hãy dùng tệp mẫu.",
        code=ErrorCode.IMPORT_FILE,
    )


def cell_text(value: Any) -> Any:
    """A cell as read: dates and datetimes kept (the date parser takes them), numbers as text without a
    trailing ``.0``, text stripped."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def sniff_kind(head: bytes, name: str) -> str:
    """ "xlsx" or "csv" from the first bytes (the name's extension is not trusted); refused otherwise."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationFailed(
            f"Tệp “{name}” là bảng tính Excel cũ (.xls): hãy mở bằng Excel hoặc LibreOffice và lưu thành .xlsx "
            "hoặc CSV (UTF-8) rồi tải lên lại.",
            code=ErrorCode.IMPORT_FILE,
        )
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")):
        raise ValidationFailed(
            f"Tệp “{name}” không phải bảng tính XLSX hay CSV: chỉ nhận sổ đăng ký dạng .xlsx hoặc .csv (UTF-8).",
            code=ErrorCode.IMPORT_FILE,
        )
    if b"\x00" in head:
        raise ValidationFailed(
            f"Tệp “{name}” chứa ký tự NUL: không phải tệp CSV (văn bản UTF-8) hay bảng tính XLSX.",
            code=ErrorCode.IMPORT_FILE,
        )
    return "csv"


class Sheet:
    """One opened sheet file: ``kind``, then :meth:`rows` — (row number, cells) streamed, from row 1."""

    def __init__(self, fh: IO[bytes], *, name: str) -> None:
        self.fh, self.name = fh, name
        size = fh.seek(0, io.SEEK_END)
        fh.seek(0)
        if size == 0:
            raise ValidationFailed(f"Tệp “{name}” rỗng.", code=ErrorCode.IMPORT_FILE)
        if size > max_bytes():
            raise ValidationFailed(
                f"Tệp “{name}” lớn {size / 1048576:.0f} MB, quá giới hạn {max_bytes() / 1048576:.0f} MB cho một lần "
                "nhập: hãy chia sổ thành nhiều tệp (mỗi năm một tệp).",
                code=ErrorCode.IMPORT_TOO_LARGE,
            )
        self.kind = sniff_kind(fh.read(8192), name)
        fh.seek(0)
        if self.kind == "xlsx":
            zip_check(fh, name=name)  # a zip bomb never reaches openpyxl
            fh.seek(0)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        self.fh.seek(0)
        if self.kind == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            wb = load_workbook(self.fh, read_only=True, data_only=False)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ValidationFailed(
                f"Tệp “{self.name}” không phải bảng tính XLSX đọc được.", code=ErrorCode.IMPORT_FILE
            ) from None
        try:
            ws = wb.worksheets[0]
            for n, raw in enumerate(ws.iter_rows(values_only=True), start=1):
                yield n, [cell_text(v) for v in raw]
        finally:
            wb.close()

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        reader = codecs.getreader("utf-8-sig")(self.fh, "strict")
        try:
            first = reader.read(CSV_CHUNK)
        except UnicodeDecodeError:
            raise ValidationFailed(
                f"Tệp “{self.name}” không phải văn bản UTF-8: hãy lưu bảng tính thành “CSV UTF-8”.",
                code=ErrorCode.IMPORT_FILE,
            ) from None
        delimiter = ";" if first.split("\n", 1)[0].count(";") > first.split("\n", 1)[0].count(",") else ","

        def text() -> Iterator[str]:
            buffered = first
            while buffered:
                if "\x00" in buffered:
                    raise ValidationFailed(
                        f"Tệp “{self.name}” chứa ký tự NUL: không phải tệp CSV hợp lệ.", code=ErrorCode.IMPORT_FILE
                    )
                yield from buffered.splitlines(keepends=True)
                try:
                    buffered = reader.read(CSV_CHUNK)
                except UnicodeDecodeError:
                    raise ValidationFailed(
                        f"Tệp “{self.name}” có đoạn không phải UTF-8.", code=ErrorCode.IMPORT_FILE
                    ) from None

        try:
            for n, raw in enumerate(csv.reader(_joined_lines(text()), delimiter=delimiter), start=1):
                yield n, [cell_text(v) for v in raw]
        except csv.Error as exc:
            raise ValidationFailed(f"Tệp CSV “{self.name}” hỏng: {exc}.", code=ErrorCode.IMPORT_FILE) from None


def _joined_lines(pieces: Iterator[str]) -> Iterator[str]:
    """Lines across read chunks: a chunk may end in the middle of a line."""
    carry = ""
    for piece in pieces:
        if carry:
            piece, carry = carry + piece, ""
        if piece.endswith(("\n", "\r")):
            yield piece
        else:
            carry = piece
    if carry:
        yield carry


def data_rows(sheet: Sheet, direction: str | None) -> tuple[Header, Iterator[tuple[int, dict[str, Any]]]]:
    """The header, then every data row as {field: value} (blank rows and the "(1)…(n)" row skipped)."""
    rows = sheet.rows()
    head: list[tuple[int, list[str]]] = []
    for n, cells in rows:
        head.append((n, [c if isinstance(c, str) else "" for c in cells]))
        if n >= HEADER_SCAN_ROWS:
            break
    header = header_find(head, direction)
    pending = [(n, c) for n, c in head if n > header.row]

    def body() -> Iterator[tuple[int, dict[str, Any]]]:
        for n, cells in _chain(pending, rows, header.row):
            if not any(c not in ("", None) for c in cells):
                continue
            if all(isinstance(c, str) and (c == "" or _NUMBER_ROW.match(c)) for c in cells):
                continue
            yield n, {f: (cells[i] if i < len(cells) else "") for f, i in header.columns.items()}

    return header, body()


def _chain(
    pending: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]], after: int
) -> Iterator[tuple[int, list[Any]]]:
    yield from pending
    yield from rest


def template_xlsx(direction: str) -> bytes:
    """The sheet to fill in: a title, a line of help, the Phụ lục IV headers (Vietnamese), one example row."""
    headers = TEMPLATE_HEADERS[Direction(direction)]
    title = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" if direction == Direction.INCOMING else "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "So den" if direction == Direction.INCOMING else "So di"
    n = len(headers)
    merged(ws, 1, 1, n, f"{title} (MẪU NHẬP)", font=font(14, bold=True))
    merged(
        ws,
        2,
        1,
        n,
        "Ngày ghi dd/mm/yyyy. Cột “Tên loại và trích yếu” bắt đầu bằng tên loại văn bản, ví dụ “Công văn: V/v …”. "
        "“Tệp đính kèm”: tên tệp trong tệp ZIP kèm theo, cách nhau bằng dấu “;”. Xóa dòng ví dụ trước khi nhập.",
        font=font(10, italic=True),
        align=WRAP_TOP,
    )
    ws.row_dimensions[2].height = 30
    for i, name in enumerate(headers, start=1):
        cell = put(ws, 4, i, name)
        cell.font, cell.alignment, cell.border = font(11, bold=True), CENTER, BOX
        ws.column_dimensions[get_column_letter(i)].width = 14 if i != 6 else 44
    for i, value in enumerate(TEMPLATE_EXAMPLES[Direction(direction)], start=1):
        put(ws, 5, i, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
