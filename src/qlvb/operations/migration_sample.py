"""A sample migration bundle (the page's download, ``scripts/sample_bundle.py``, the tests, the benchmark):
every part of the format filled with consistent made-up data of one agency — units, accounts, an incoming
and an outgoing register, assignments of the incoming documents, dossiers holding documents of both, two
files under ``tep/`` and an edXML package. Deterministic: the same sizes give the same bundle."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from pypdf import PdfWriter

from qlvb.documents.models import Direction
from qlvb.exchange.edxml import Edoc, build
from qlvb.exchange.edxml.model import (
    Attachment,
    Bussiness,
    Code,
    DocumentType,
    EdocHeader,
    Organization,
    PromulgationInfo,
    SignerInfo,
    TraceHeader,
)

from .migration_bundle import FORMAT, VERSION
from .migration_rows import ACCOUNTS, ASSIGNMENTS, DOSSIERS, UNITS
from .migration_sheets import Table
from .register_import_sheet import TEMPLATE_HEADERS

UNIT_NAMES = (
    ("VP", "Văn phòng"),
    ("VHXH", "Phòng Văn hóa - Xã hội"),
    ("KT", "Phòng Kinh tế"),
    ("TCKT", "Phòng Tài chính - Kế toán"),
    ("DC", "Phòng Địa chính - Xây dựng"),
    ("TP", "Phòng Tư pháp - Hộ tịch"),
    ("CA", "Bộ phận Công an"),
    ("QS", "Ban Chỉ huy Quân sự"),
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Quang", "Thanh", "Đức", "Ngọc", "Hữu", "Xuân")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phong", "Quân",
         "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến", "Khoa", "Hạnh", "Lộc")  # fmt: skip
ORGANS = (("UBND huyện Hoài Đức", "UBND"), ("Sở Nội vụ", "SNV"), ("Sở Tài chính", "STC"), ("Công an huyện", "CAH"))
TYPES = (("Công văn", ""), ("Quyết định", "QĐ"), ("Kế hoạch", "KH"), ("Báo cáo", "BC"), ("Thông báo", "TB"))
SUBJECTS = ("V/v triển khai nhiệm vụ", "Về việc giao chỉ tiêu kế hoạch", "V/v báo cáo kết quả thực hiện",
            "Về việc tổ chức hội nghị", "V/v kiểm tra công tác cải cách hành chính")  # fmt: skip
YEAR = 2024


@dataclass(frozen=True)
class Sizes:
    units: int = 5
    accounts: int = 12
    incoming: int = 30
    outgoing: int = 20
    assignments: int = 40
    dossiers: int = 6
    files: bool = True
    edxml: bool = True


def _workbook(table: Table, rows: Any) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.title)
    ws.append([c.title for c in table.columns])
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_workbook(table: Table) -> bytes:
    """The sheet with its headers and one example row (the page's templates)."""
    return _workbook(table, [[c.example for c in table.columns]])


def _register_workbook(direction: str, rows: Any) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("So den" if direction == Direction.INCOMING else "So di")
    ws.append(list(TEMPLATE_HEADERS[Direction(direction)]))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _day(i: int, n: int) -> dt.date:
    """The i-th of n dates spread over the sample's year, never on the 31st of December."""
    return dt.date(YEAR, 1, 2) + dt.timedelta(days=(i * 360) // max(n, 1))


def _name(i: int) -> str:
    return f"{SURNAMES[i % len(SURNAMES)]} {MIDDLE[(i // 3) % len(MIDDLE)]} {GIVEN[(i * 7) % len(GIVEN)]}"


def _units(n: int) -> list[tuple[str, str, str, str]]:
    out = []
    for i in range(n):
        short, name = UNIT_NAMES[i % len(UNIT_NAMES)]
        if i >= len(UNIT_NAMES):
            short, name = f"{short}{i // len(UNIT_NAMES) + 1}", f"{name} {i // len(UNIT_NAMES) + 1}"
        parent = "" if i < len(UNIT_NAMES) else f"DV{i % len(UNIT_NAMES) + 1:02d}"
        out.append((f"DV{i + 1:02d}", name, short[:32], parent))
    return out


def _accounts(n: int, units: int) -> list[tuple[str, str, str, str, str, str]]:
    out = []
    for i in range(n):
        unit = f"DV{i % units + 1:02d}" if units else ""
        if i == 0:
            role, position = "lãnh đạo", "Chủ tịch"
        elif i == 1:
            role, position = "văn thư", "Văn thư"
        elif i < units + 2 and units:
            role, position, unit = "lãnh đạo phòng", "Trưởng phòng", f"DV{i - 1:02d}"
        else:
            role, position = "chuyên viên", "Chuyên viên"
        out.append((f"NV{i + 1:04d}", _name(i), "" if i < 2 else unit, position, role, f"nv{i + 1:04d}@example.gov.vn"))
    return out


def _incoming(n: int, files: bool) -> list[tuple[Any, ...]]:
    out = []
    for i in range(1, n + 1):
        arrival = _day(i, n)
        organ, short = ORGANS[i % len(ORGANS)]
        kind, abbr = TYPES[i % len(TYPES)]
        notation = f"{abbr}-{short}" if abbr else short
        attached = "cv-den-1.pdf" if files and i == 1 else ""
        out.append(
            (
                f"{arrival:%d/%m/%Y}",
                i,
                organ,
                f"{i}/{notation}",
                f"{arrival - dt.timedelta(days=1):%d/%m/%Y}",
                f"{kind}: {SUBJECTS[i % len(SUBJECTS)]} số {i}",
                "Văn phòng",
                f"{arrival:%d/%m/%Y}",
                "",
                "",
                attached,
            )
        )
    return out


def _outgoing(n: int, files: bool, signer: str) -> list[tuple[Any, ...]]:
    out = []
    for i in range(1, n + 1):
        issued = _day(i, n)
        kind, abbr = TYPES[i % len(TYPES)]
        notation = f"{abbr}-UBX" if abbr else "UBX-VP"
        attached = "cv-di-1.pdf" if files and i == 1 else ""
        out.append(
            (
                f"{i}/{notation}",
                f"{issued:%d/%m/%Y}",
                f"{kind}: {SUBJECTS[(i + 2) % len(SUBJECTS)]} (văn bản đi {i})",
                f"CHỦ TỊCH\n{signer}",
                "UBND huyện Hoài Đức",
                "Văn thư; Văn phòng",
                2,
                f"{issued:%d/%m/%Y}",
                "",
                "",
                attached,
            )
        )
    return out


def _assignments(n: int, incoming: int, accounts: int) -> list[tuple[Any, ...]]:
    out = []
    for k in range(n):
        number = k % max(incoming, 1) + 1
        turn = k // max(incoming, 1)
        assigned = _day(number, incoming) + dt.timedelta(days=1)
        assignee = 2 + (k * 5 + turn) % max(accounts - 2, 1)
        role = "chủ trì" if turn == 0 else "phối hợp"
        result = "Đã xử lý, báo cáo lãnh đạo" if number % 3 else ""
        out.append(
            (
                number,
                YEAR,
                "NV0001",
                f"NV{assignee + 1:04d}",
                role,
                f"{assigned:%d/%m/%Y}",
                f"{assigned + dt.timedelta(days=10):%d/%m/%Y}",
                f"Giao {role} xử lý văn bản số đến {number} (lượt {turn + 1})",
                result,
            )
        )
    return out


def _dossiers(n: int, incoming: int, outgoing: int) -> list[tuple[Any, ...]]:
    out = []
    inc, outg = _incoming(incoming, False), _outgoing(outgoing, False, "")
    for k in range(n):
        refs = []
        for j in range(3):
            i = k * 3 + j
            if i < len(inc):
                refs.append(f"{inc[i][3]} ngày {inc[i][4]}")
        if k < len(outg):
            refs.append(f"{outg[k][0]} ngày {outg[k][1]}")
        closed = k % 2 == 0
        out.append(
            (
                YEAR,
                f"{k + 1:02d}.HS",
                f"Hồ sơ công việc số {k + 1} năm {YEAR}",
                "Vĩnh viễn" if k % 3 == 0 else "10 năm",
                f"NV{k % 3 + 2:04d}",
                f"02/01/{YEAR}",
                f"30/12/{YEAR}" if closed else "",
                "; ".join(refs),
                "",
            )
        )
    return out


def pdf_bytes(title: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def edxml_bytes(receiver: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="qlvb-sample-") as tmp:
        pdf = Path(tmp) / "cv-lien-thong.pdf"
        pdf.write_bytes(pdf_bytes("Công văn liên thông"))
        edoc = Edoc(
            header=EdocHeader(
                from_=Organization(organ_id="000.00.00.H41", organ_name="UBND tỉnh Nghệ An"),
                to=[Organization(organ_id=receiver[:13], organ_name="Cơ quan nhận")],
                document_id=f"000.00.00.H41,{YEAR}/03/01,77/UBND-VX",
                code=Code("77", "UBND-VX"),
                promulgation_info=PromulgationInfo("Nghệ An", f"{YEAR}/03/01"),
                document_type=DocumentType("1", "0", "Công văn"),
                subject="V/v tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
                signer_info=SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Nguyễn Văn Hùng"),
            ),
            trace_headers=[TraceHeader("000.00.00.H41", f"{YEAR}/03/02 08:30:00")],
            bussiness=Bussiness(bussiness_doc_type="0", bussiness_doc_reason="Văn bản điện tử mới"),
            attachments=[Attachment(path=pdf)],
        )
        out = io.BytesIO()
        build(edoc, out)
        return out.getvalue()


def sample_bundle(out: IO[bytes], *, organ_id: str, sizes: Sizes | None = None, source: str = "") -> None:
    """Write the bundle to ``out``."""
    s = sizes or Sizes()
    accounts = _accounts(s.accounts, s.units)
    manifest = {"format": FORMAT, "version": VERSION, "organ_id": organ_id, "source": source or "Hệ thống cũ (mẫu)"}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        if s.units:
            zf.writestr(UNITS.file, _workbook(UNITS, _units(s.units)))
        if s.accounts:
            zf.writestr(ACCOUNTS.file, _workbook(ACCOUNTS, accounts))
        if s.incoming:
            zf.writestr(f"so-den-{YEAR}.xlsx", _register_workbook(Direction.INCOMING, _incoming(s.incoming, s.files)))
        if s.outgoing:
            signer = accounts[0][1] if accounts else "Nguyễn Văn An"
            rows = _outgoing(s.outgoing, s.files, signer)
            zf.writestr(f"so-di-{YEAR}.xlsx", _register_workbook(Direction.OUTGOING, rows))
        if s.assignments and s.incoming and s.accounts > 2:
            zf.writestr(ASSIGNMENTS.file, _workbook(ASSIGNMENTS, _assignments(s.assignments, s.incoming, s.accounts)))
        if s.dossiers and s.accounts > 4:
            zf.writestr(DOSSIERS.file, _workbook(DOSSIERS, _dossiers(s.dossiers, s.incoming, s.outgoing)))
        if s.files:
            zf.writestr("tep/cv-den-1.pdf", pdf_bytes("Văn bản đến số 1"))
            zf.writestr("tep/cv-di-1.pdf", pdf_bytes("Văn bản đi số 1"))
        if s.edxml:
            zf.writestr("edxml/cv-77-ubnd-vx.edxml", edxml_bytes(organ_id))
