"""Register sheets for the import tests: XLSX and CSV with the Phụ lục IV columns, and a ZIP of files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from qlvb.documents.models import Direction
from qlvb.operations.register_import_sheet import TEMPLATE_HEADERS


def xlsx(rows: Sequence[Sequence[Any]], *, direction: str = Direction.INCOMING, title: bool = True) -> io.BytesIO:
    """A workbook: a title row, the headers on row 3 (with the extra "Tệp đính kèm"), then ``rows``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append(["SỔ ĐĂNG KÝ VĂN BẢN"])
        ws.append([])
    ws.append(list(TEMPLATE_HEADERS[Direction(direction)]))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def csv_bytes(rows: Sequence[Sequence[Any]], *, direction: str = Direction.INCOMING, sep: str = ";") -> io.BytesIO:
    lines = [sep.join(TEMPLATE_HEADERS[Direction(direction)])]
    lines += [sep.join("" if v is None else str(v) for v in row) for row in rows]
    return io.BytesIO(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def incoming_row(number: int, *, day: str = "05/01/2025", subject: str = "", **over: Any) -> list[Any]:
    values = {
        "arrival_date": day,
        "arrival_number": number,
        "organ_name": "UBND huyện Hoài Đức",
        "number_notation": f"{number + 10}/QĐ-UBND",
        "issued_date": day,
        "type_subject": f"Quyết định: {subject or f'Về việc giao chỉ tiêu số {number}'}",
        "to_places": "Văn phòng",
        "sent_date": day,
        "signed_for": "",
        "note": "",
        "files": "",
    }
    values.update(over)
    return list(values.values())


def outgoing_row(number: int, *, day: str = "08/01/2025", **over: Any) -> list[Any]:
    values = {
        "number_notation": f"{number:02d}/UBND-VP",
        "issued_date": day,
        "type_subject": f"Công văn: V/v báo cáo số {number}",
        "signer": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An",
        "to_places": "UBND huyện Hoài Đức",
        "kept_by": "Văn thư; Văn phòng",
        "copies": 2,
        "sent_date": day,
        "signed_for": "",
        "note": "",
        "files": "",
    }
    values.update(over)
    return list(values.values())


def zip_of(files: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    out.seek(0)
    return out
