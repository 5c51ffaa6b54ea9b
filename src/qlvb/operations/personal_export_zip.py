"""The ZIP of a personal data export (Điều 22.1.d): what one person created and handled, as

- ``du-lieu.json``: every section below, one object per row (dates in ISO 8601);
- ``du-lieu.xlsx``: the same rows, one sheet per section (dates dd/mm/yyyy, Asia/Ho_Chi_Minh; a text that a
  spreadsheet would read as a formula is written as text with a leading apostrophe, never a formula);
- ``tep/...``: the files of those items the person may open (the documents' attachments through the
  documents' visibility rule, the drafts he uploaded), copied byte for byte from the file store;
- ``manifest-sha256.txt``: ``<sha256>  <path>`` of every other entry.

Written entry by entry into a file, rows read in chunks from the database (``iterator``), each file copied in
1 MiB chunks and hashed on the way: the export is never held in memory."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from qlvb.assignments.models import Assignment, AssignmentUpdate
from qlvb.core.models import AuditEntry
from qlvb.direction.task_models import Task
from qlvb.directory.models import User
from qlvb.documents.models import Attachment, Direction, Document
from qlvb.documents.visibility import documents_visible_to
from qlvb.dossiers.models import Dossier
from qlvb.files.models import StoredFile
from qlvb.files.storage import blob_local
from qlvb.files.zipwriter import ManifestZipWriter
from qlvb.outgoing.models import ApprovalStep, Comment, DraftVersion, Outgoing

FORMAT = "qlvb-du-lieu-ca-nhan/1"
JSON_NAME = "du-lieu.json"
XLSX_NAME = "du-lieu.xlsx"
MANIFEST = "manifest-sha256.txt"
CHUNK = 1024 * 1024
ROWS_CHUNK = 500
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    header: str


@dataclass(frozen=True)
class Section:
    key: str  # the JSON key
    sheet: str  # the XLSX sheet's title (at most 31 characters)
    columns: tuple[Column, ...]
    rows: Callable[[User], Iterable[dict[str, Any]]]


@dataclass
class ExportResult:
    item_count: int = 0
    file_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    manifest: list[tuple[str, str]] = field(default_factory=list)


def _cols(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, header) for key, header in pairs)


def _chunked(query: QuerySet[Any]) -> Iterator[Any]:
    return query.iterator(chunk_size=ROWS_CHUNK)


# --- what the person created and handled (each a query filtered in SQL) ------------------------------------------


def _incoming_query(person: User) -> QuerySet[Document]:
    handled = Assignment.objects.filter(user_id=person.pk).values("document_id")
    return Document.objects.filter(direction=Direction.INCOMING).filter(Q(created_by_id=person.pk) | Q(pk__in=handled))


def _outgoing_query(person: User) -> QuerySet[Outgoing]:
    decided = ApprovalStep.objects.filter(decided_by_id=person.pk).values("outgoing_id")
    return Outgoing.objects.filter(
        Q(drafter_id=person.pk) | Q(signer_id=person.pk) | Q(issued_by_id=person.pk) | Q(pk__in=decided)
    )


def _incoming_rows(person: User) -> Iterator[dict[str, Any]]:
    for d in _chunked(_incoming_query(person).order_by("received_at", "pk")):
        yield {
            "id": d.pk,
            "arrival_number": d.arrival_number,
            "arrival_date": d.arrival_date,
            "code": "/".join(p for p in (d.code_number, d.code_notation) if p),
            "issued_date": d.issued_date,
            "organ_name": d.organ_name,
            "subject": d.subject,
            "status": d.get_status_display(),
            "registered_by_me": d.created_by_id == person.pk,
        }


def _assignment_rows(person: User) -> Iterator[dict[str, Any]]:
    query = Assignment.objects.filter(Q(user_id=person.pk) | Q(assigned_by_id=person.pk)).select_related(
        "document", "user", "assigned_by"
    )
    for a in _chunked(query.order_by("assigned_at", "pk")):
        yield {
            "id": a.pk,
            "document_id": a.document_id,
            "subject": a.document.subject if a.document else "",
            "role": a.get_role_display(),
            "handler": str(a.user) if a.user else "",
            "assigned_by": str(a.assigned_by),
            "assigned_at": a.assigned_at,
            "due_date": a.due_date,
            "directive": a.directive,
            "status": a.get_status_display(),
            "progress": a.progress,
            "result": a.result,
        }


def _update_rows(person: User) -> Iterator[dict[str, Any]]:
    query = AssignmentUpdate.objects.filter(Q(author_id=person.pk) | Q(assignment__user_id=person.pk))
    for u in _chunked(query.select_related("author").order_by("created_at", "pk")):
        yield {
            "id": u.pk,
            "assignment_id": u.assignment_id,
            "author": str(u.author),
            "kind": u.get_kind_display(),
            "text": u.text,
            "progress": u.progress,
            "created_at": u.created_at,
        }


def _outgoing_rows(person: User) -> Iterator[dict[str, Any]]:
    query = _outgoing_query(person).select_related("document", "drafter", "signer")
    for o in _chunked(query.order_by("document__received_at", "pk")):
        roles = [
            label
            for label, mine in (
                ("soạn thảo", o.drafter_id == person.pk),
                ("ký", o.signer_id == person.pk),
                ("phát hành", o.issued_by_id == person.pk),
            )
            if mine
        ]
        yield {
            "id": o.pk,
            "code": "/".join(p for p in (o.document.code_number, o.document.code_notation) if p),
            "subject": o.document.subject,
            "state": o.get_state_display(),
            "drafter": str(o.drafter),
            "signer": str(o.signer),
            "my_roles": ", ".join(roles) or "duyệt",
            "signed_at": o.signed_at,
            "issued_at": o.issued_at,
        }


def _step_rows(person: User) -> Iterator[dict[str, Any]]:
    query = ApprovalStep.objects.filter(decided_by_id=person.pk).select_related("outgoing__document")
    for s in _chunked(query.order_by("decided_at", "pk")):
        yield {
            "id": s.pk,
            "outgoing_id": s.outgoing_id,
            "subject": s.outgoing.document.subject,
            "kind": s.get_kind_display(),
            "status": s.get_status_display(),
            "comment": s.comment,
            "decided_at": s.decided_at,
        }


def _comment_rows(person: User) -> Iterator[dict[str, Any]]:
    for c in _chunked(Comment.objects.filter(author_id=person.pk).order_by("created_at", "pk")):
        yield {"id": c.pk, "outgoing_id": c.outgoing_id, "text": c.text, "created_at": c.created_at}


def _task_rows(person: User) -> Iterator[dict[str, Any]]:
    handled = Assignment.objects.filter(user_id=person.pk).values("pk")
    query = Task.objects.filter(Q(created_by_id=person.pk) | Q(parts__assignment__in=handled)).distinct()
    for t in _chunked(query.select_related("created_by").order_by("created_at", "pk")):
        yield {
            "id": t.pk,
            "title": t.title,
            "content": t.content,
            "created_by": str(t.created_by),
            "created_at": t.created_at,
            "due_date": t.due_date,
            "status": t.get_status_display(),
            "completed_at": t.completed_at,
        }


def _dossier_rows(person: User) -> Iterator[dict[str, Any]]:
    for d in _chunked(Dossier.objects.filter(creator_id=person.pk).order_by("year", "notation", "pk")):
        yield {
            "id": d.pk,
            "notation": d.notation,
            "title": d.title,
            "year": d.year,
            "state": d.get_state_display(),
            "start_date": d.start_date,
            "end_date": d.end_date,
            "retention_years": d.retention_years,
        }


def _audit_rows(person: User) -> Iterator[dict[str, Any]]:
    for e in _chunked(AuditEntry.objects.filter(actor_id=person.pk).order_by("seq")):
        yield {
            "seq": e.seq,
            "created_at": e.created_at,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object": e.object_repr,
            "ip": e.ip or "",
        }


SECTIONS: tuple[Section, ...] = (
    Section(
        "van_ban_den",
        "Văn bản đến",
        _cols(
            ("id", "Mã"),
            ("arrival_number", "Số đến"),
            ("arrival_date", "Ngày đến"),
            ("code", "Số, ký hiệu"),
            ("issued_date", "Ngày ban hành"),
            ("organ_name", "Cơ quan ban hành"),
            ("subject", "Trích yếu"),
            ("status", "Trạng thái"),
            ("registered_by_me", "Tôi vào sổ"),
        ),
        _incoming_rows,
    ),
    Section(
        "phan_cong",
        "Phân công xử lý",
        _cols(
            ("id", "Mã"),
            ("document_id", "Mã văn bản"),
            ("subject", "Trích yếu"),
            ("role", "Vai trò"),
            ("handler", "Người xử lý"),
            ("assigned_by", "Người giao"),
            ("assigned_at", "Giao lúc"),
            ("due_date", "Hạn xử lý"),
            ("directive", "Ý kiến chỉ đạo"),
            ("status", "Trạng thái"),
            ("progress", "Tiến độ (%)"),
            ("result", "Kết quả"),
        ),
        _assignment_rows,
    ),
    Section(
        "tien_do_y_kien",
        "Tiến độ, ý kiến",
        _cols(
            ("id", "Mã"),
            ("assignment_id", "Mã phân công"),
            ("author", "Người viết"),
            ("kind", "Loại"),
            ("text", "Nội dung"),
            ("progress", "Tiến độ (%)"),
            ("created_at", "Lúc"),
        ),
        _update_rows,
    ),
    Section(
        "van_ban_di",
        "Văn bản đi, dự thảo",
        _cols(
            ("id", "Mã"),
            ("code", "Số, ký hiệu"),
            ("subject", "Trích yếu"),
            ("state", "Trạng thái"),
            ("drafter", "Người soạn thảo"),
            ("signer", "Người ký"),
            ("my_roles", "Vai trò của tôi"),
            ("signed_at", "Ký lúc"),
            ("issued_at", "Phát hành lúc"),
        ),
        _outgoing_rows,
    ),
    Section(
        "duyet_ky",
        "Duyệt, ký",
        _cols(
            ("id", "Mã"),
            ("outgoing_id", "Mã văn bản đi"),
            ("subject", "Trích yếu"),
            ("kind", "Bước"),
            ("status", "Kết quả"),
            ("comment", "Ý kiến"),
            ("decided_at", "Lúc"),
        ),
        _step_rows,
    ),
    Section(
        "gop_y_du_thao",
        "Góp ý dự thảo",
        _cols(("id", "Mã"), ("outgoing_id", "Mã văn bản đi"), ("text", "Nội dung"), ("created_at", "Lúc")),
        _comment_rows,
    ),
    Section(
        "cong_viec",
        "Công việc",
        _cols(
            ("id", "Mã"),
            ("title", "Tên công việc"),
            ("content", "Nội dung"),
            ("created_by", "Người giao"),
            ("created_at", "Giao lúc"),
            ("due_date", "Hạn hoàn thành"),
            ("status", "Trạng thái"),
            ("completed_at", "Hoàn thành lúc"),
        ),
        _task_rows,
    ),
    Section(
        "ho_so",
        "Hồ sơ đã lập",
        _cols(
            ("id", "Mã"),
            ("notation", "Số và ký hiệu hồ sơ"),
            ("title", "Tiêu đề"),
            ("year", "Năm"),
            ("state", "Trạng thái"),
            ("start_date", "Bắt đầu"),
            ("end_date", "Kết thúc"),
            ("retention_years", "Thời hạn bảo quản (năm)"),
        ),
        _dossier_rows,
    ),
    Section(
        "nhat_ky",
        "Nhật ký hệ thống",
        _cols(
            ("seq", "Số thứ tự"),
            ("created_at", "Thời điểm"),
            ("action", "Hành động"),
            ("object_type", "Loại đối tượng"),
            ("object_id", "Mã đối tượng"),
            ("object", "Đối tượng"),
            ("ip", "Địa chỉ IP"),
        ),
        _audit_rows,
    ),
)


# --- the files the person may open ------------------------------------------------------------------------------


def _visible_involved(person: User) -> tuple[QuerySet[Document], QuerySet[Document]]:
    incoming = documents_visible_to(person, Direction.INCOMING).filter(pk__in=_incoming_query(person).values("pk"))
    outgoing = documents_visible_to(person, Direction.OUTGOING).filter(pk__in=_outgoing_query(person).values("pk"))
    return incoming, outgoing


def _safe(text: str, limit: int = 60) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    return cleaned[:limit] or "tep"


def export_files(person: User) -> Iterator[tuple[str, StoredFile, dict[str, Any]]]:
    """(path in the ZIP, stored file, its row) of every file included, in a stable order."""
    incoming, outgoing = _visible_involved(person)
    attachments = (
        Attachment.objects.filter(Q(document__in=incoming.values("pk")) | Q(document__in=outgoing.values("pk")))
        .select_related("stored_file__blob")
        .order_by("document_id", "ordinal", "pk")
    )
    for att in _chunked(attachments):
        path = f"tep/van-ban/{att.document_id}/{att.ordinal:02d}-{att.pk}-{_safe(att.stored_file.name)}"
        yield path, att.stored_file, {"document_id": att.document_id, "kind": att.get_kind_display()}
    drafts = (
        DraftVersion.objects.filter(uploaded_by_id=person.pk, outgoing_id__in=outgoing.values("pk"))
        .select_related("stored_file__blob")
        .order_by("outgoing_id", "ordinal", "pk")
    )
    for v in _chunked(drafts):
        path = f"tep/du-thao/{v.outgoing_id}/{v.ordinal:02d}-{v.pk}-{_safe(v.stored_file.name)}"
        yield path, v.stored_file, {"document_id": v.outgoing_id, "kind": "Dự thảo"}


# --- writing ------------------------------------------------------------------------------------------------------


def safe_text(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _sheet_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if value is None:
        return ""
    return safe_text(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_sheet_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    if bold:
        cell.font = Font(bold=True)
    return cell


def _person(person: User) -> dict[str, Any]:
    return {
        "id": person.pk,
        "username": person.username,
        "full_name": person.full_name,
        "email": person.email,
        "unit": str(person.unit) if person.unit_id else "",
        "position": person.position,
    }


def _write_sections(person: User, json_out: IO[str], workbook: Workbook, result: ExportResult) -> None:
    """One pass over each section's rows: a JSON object to the file, a row to the section's sheet."""
    for index, section in enumerate(SECTIONS):
        ws = workbook.create_sheet(section.sheet[:31])
        ws.append([_cell(ws, c.header, bold=True) for c in section.columns])
        json_out.write(("," if index else "") + f"\n{json.dumps(section.key)}: [")
        count = 0
        for row in section.rows(person):
            ws.append([_cell(ws, row.get(c.key)) for c in section.columns])
            obj = {c.key: _json_value(row.get(c.key)) for c in section.columns}
            json_out.write(("," if count else "") + "\n" + json.dumps(obj, ensure_ascii=False))
            count += 1
        json_out.write("\n]")
        result.counts[section.key] = count
        result.item_count += count


def _write_files(
    person: User, writer: ManifestZipWriter, result: ExportResult, json_out: IO[str], workbook: Workbook
) -> None:
    ws = workbook.create_sheet("Tệp")
    headers = ("Đường dẫn trong tệp ZIP", "Mã văn bản", "Loại tệp", "Tên tệp", "Kích thước (byte)", "SHA-256")
    ws.append([_cell(ws, h, bold=True) for h in headers])
    json_out.write(',\n"tep": [')
    for count, (path, stored, row) in enumerate(export_files(person)):
        with blob_local(stored.blob.sha256, size=stored.blob.size, name=stored.name) as source:
            writer.copy(path, source)
        digest = result.manifest[-1][0]
        name = stored.original_name or stored.name
        ws.append([_cell(ws, v) for v in (path, row["document_id"], row["kind"], name, stored.blob.size, digest)])
        obj = {"path": path, **row, "name": name, "size": stored.blob.size, "sha256": digest}
        json_out.write(("," if count else "") + "\n" + json.dumps(obj, ensure_ascii=False))
        result.file_count += 1
    json_out.write("\n]")


def export_write(person: User, out: Path) -> ExportResult:
    """Write the export of ``person`` to ``out`` (files first, then the JSON and the workbook built alongside in
    temporary files, then the manifest)."""
    result = ExportResult()
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf, tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        writer = ManifestZipWriter(zf, result.manifest)
        json_path, xlsx_path = Path(tmp) / JSON_NAME, Path(tmp) / XLSX_NAME
        workbook = Workbook(write_only=True)
        with json_path.open("w", encoding="utf-8") as json_out:
            head = {"format": FORMAT, "created": timezone.localtime().isoformat(timespec="seconds")}
            json_out.write("{" + json.dumps(head, ensure_ascii=False)[1:-1])
            json_out.write(',\n"person": ' + json.dumps(_person(person), ensure_ascii=False))
            json_out.write(',\n"sections": {')
            _write_sections(person, json_out, workbook, result)
            _write_files(person, writer, result, json_out, workbook)
            json_out.write("\n}}\n")
        workbook.save(xlsx_path)
        writer.copy(JSON_NAME, json_path, compress=True)
        writer.copy(XLSX_NAME, xlsx_path)
        info = zipfile.ZipInfo(MANIFEST, date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w") as target:
            for digest, name in result.manifest:
                target.write(f"{digest}  {name}\n".encode())
    return result
