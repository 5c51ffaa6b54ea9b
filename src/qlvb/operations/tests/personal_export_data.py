"""Shared by the personal data export tests: a document handled by Đỗ Thanh Hương (officer of VHXH) through
the real services, with a PDF attached, and helpers to ask, approve and read the ZIP."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfWriter

from qlvb.assignments.models import Assignment
from qlvb.direction.task_models import Task
from qlvb.direction.task_services import TaskInput, task_create
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document
from qlvb.dossiers.models import Dossier
from qlvb.dossiers.services import dossier_open
from qlvb.files.intake import file_intake
from qlvb.files.models import StoredFile
from qlvb.incoming.services import (
    IncomingFile,
    Target,
    assignment_assign,
    assignment_report,
    incoming_direct,
    incoming_receive,
    incoming_submit,
)
from qlvb.incoming.tests.conftest import make_data

FORMULA = '=HYPERLINK("http://evil.example","Bấm vào")'


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class Handled:
    document: Document
    stored: StoredFile
    assignment: Assignment
    other: Document  # a document of the agency Hương never touched
    task: Task  # given to Hương by the Chủ tịch
    dossier: Dossier  # opened by Hương


def handled_document(person: Callable[[str], User]) -> Handled:
    """Hà registers a letter with a PDF; the Chủ tịch gives it to VHXH; Nam assigns Hương; Hương reports
    progress with a text a spreadsheet would read as a formula."""
    ha, hung, nam, huong = person("lethuha"), person("nguyenvanhung"), person("hoangvannam"), person("dothanhhuong")
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    vhxh = Unit.objects.get(short_name="VHXH", agency=ubnd)
    stored = file_intake(actor=ha, stream=io.BytesIO(pdf_bytes(2)), original_name="cong-van-15.pdf", channel="scan")
    doc = incoming_receive(
        actor=ha, agency=ubnd, channel="paper", data=make_data(), files=[IncomingFile(stored)]
    ).document
    incoming_submit(actor=ha, document=doc, leader=hung)
    (lead,) = incoming_direct(
        actor=hung, document=doc, directive="VHXH chủ trì", targets=[Target(role="lead", unit=vhxh)]
    )
    (mine,) = assignment_assign(
        actor=nam, assignment=lead, note="Hương xử lý", targets=[Target(role="lead", user=huong)]
    )
    assignment_report(actor=huong, assignment=mine, text=FORMULA, progress=40)
    other_file = file_intake(actor=ha, stream=io.BytesIO(pdf_bytes(1)), original_name="khac.pdf", channel="scan")
    other = incoming_receive(
        actor=ha,
        agency=ubnd,
        channel="paper",
        data=make_data(code_number="99", subject="Văn bản Hương không xử lý"),
        files=[IncomingFile(other_file)],
    ).document
    task = task_create(
        actor=hung,
        data=TaskInput(
            title="Báo cáo phong trào văn hóa",
            due_date=timezone.localdate() + dt.timedelta(days=7),
            targets=[Target(role="lead", user=huong)],
        ),
    )
    dossier = dossier_open(
        actor=huong,
        title="Hồ sơ tiêm chủng 2026",
        notation="05.VX",
        retention_years=10,
        start_date=dt.date(2026, 1, 2),
    )
    return Handled(document=doc, stored=stored, assignment=mine, other=other, task=task, dossier=dossier)


@dataclass
class Opened:
    names: list[str]
    data: dict[str, Any]
    sheets: dict[str, list[list[Any]]]
    formula_cells: int
    manifest: dict[str, str]
    files: dict[str, bytes]


def open_zip(content: bytes | Path) -> Opened:
    """Read an export: every entry checked against the manifest on the way."""
    source: Any = io.BytesIO(content) if isinstance(content, bytes) else content
    with zipfile.ZipFile(source) as zf:
        names = zf.namelist()
        manifest = {}
        for line in zf.read("manifest-sha256.txt").decode().splitlines():
            digest, name = line.split("  ", 1)
            manifest[name] = digest
        for name in names:
            if name != "manifest-sha256.txt":
                assert hashlib.sha256(zf.read(name)).hexdigest() == manifest[name], name
        data = json.loads(zf.read("du-lieu.json"))
        workbook = load_workbook(io.BytesIO(zf.read("du-lieu.xlsx")))
        sheets = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in workbook.worksheets}
        formulas = sum(1 for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f")
        files = {n: zf.read(n) for n in names if n.startswith("tep/")}
    return Opened(names=names, data=data, sheets=sheets, formula_cells=formulas, manifest=manifest, files=files)
