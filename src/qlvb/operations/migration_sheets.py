"""The bundle's own sheets (đơn vị, người dùng, giao xử lý, hồ sơ) read the way the register sheets are:
streamed by ``register_import_sheet.Sheet`` (XLSX read-only or CSV; a formula cell comes back as its text,
never evaluated), the header row found among the first rows by its Vietnamese column names (accent- and
punctuation-insensitive), blank rows skipped.

A formula in a column that names something (a code, an e-mail, a date, a number) is refused with its
reason — "=HYPERLINK(...)" is no user code; in a column of free text (a name, a directive, a title) it is
kept as the text a person typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qlvb.core.errors import ValidationFailed
from qlvb.core.text import nfc

from .errors import ErrorCode
from .register_import_rows import RowError, parse_date
from .register_import_sheet import HEADER_SCAN_ROWS, Sheet, header_key


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the template's header
    names: tuple[str, ...]  # folded header names that name it (the title's own is added)
    required: bool = False
    text: bool = False  # free text: a formula is kept as text
    example: object = ""


@dataclass(frozen=True)
class Table:
    file: str  # the member's name in the bundle
    title: str  # what the report calls it
    columns: tuple[Column, ...]

    def names(self) -> dict[str, tuple[str, ...]]:
        return {c.key: (header_key(c.title), *c.names) for c in self.columns}


def _header(table: Table, rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]]:
    wanted = table.names()
    required = [c.key for c in table.columns if c.required]
    for n, cells in rows:
        keys = [header_key(c) if isinstance(c, str) else "" for c in cells]
        found: dict[str, int] = {}
        for key, names in wanted.items():
            for i, k in enumerate(keys):
                if k in names and i not in found.values():
                    found[key] = i
                    break
        if all(k in found for k in required):
            return n, found
    titles = ", ".join(f"“{c.title}”" for c in table.columns if c.required)
    raise ValidationFailed(
        f"Tệp “{table.file}”: không tìm thấy dòng tiêu đề cột trong {HEADER_SCAN_ROWS} dòng đầu (cần các cột "
        f"{titles}). Hãy dùng tệp mẫu.",
        code=ErrorCode.IMPORT_FILE,
    )


def table_rows(table: Table, sheet: Sheet) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {column key: value}) for every non-blank row after the header."""
    rows = sheet.rows()
    head: list[tuple[int, list[Any]]] = []
    for n, cells in rows:
        head.append((n, cells))
        if n >= HEADER_SCAN_ROWS:
            break
    header_row, columns = _header(table, head)
    for n, cells in [*head, *rows]:
        if n <= header_row or not any(c not in ("", None) for c in cells):
            continue
        yield n, {k: (cells[i] if i < len(cells) else "") for k, i in columns.items()}


def cell(values: dict[str, Any], column: Column, *, limit: int = 255) -> str:
    """The cell as text, checked: NUL and control characters refused, a formula refused where a value is
    wanted, the length bounded."""
    value = values.get(column.key, "")
    if isinstance(value, dt.datetime | dt.date):
        value = f"{value:%d/%m/%Y}"
    text = nfc(str(value or "")).strip()
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text) or "\x7f" in text:
        raise RowError(f"cột “{column.title}” chứa ký tự điều khiển không hợp lệ")
    if text.startswith("=") and not column.text:
        raise RowError(
            f"cột “{column.title}” chứa công thức “{text[:40]}”, không phải giá trị: hãy ghi giá trị (trong Excel: "
            "Dán đặc biệt → Giá trị) rồi kiểm tra lại"
        )
    if column.required and not text:
        raise RowError(f"thiếu “{column.title}”")
    if len(text) > limit:
        raise RowError(f"cột “{column.title}” dài {len(text)} ký tự, quá {limit} ký tự")
    return text


def date_cell(values: dict[str, Any], column: Column, *, today: dt.date) -> dt.date | None:
    value = values.get(column.key, "")
    if isinstance(value, str) and value.strip().startswith("="):
        cell(values, column)  # the formula's reason
    return parse_date(value, column.title, today=today, required=column.required)
