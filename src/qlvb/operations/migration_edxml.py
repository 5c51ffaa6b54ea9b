"""edXML packages in a migration bundle (``edxml/*.edxml``): each one read by ``exchange.edxml.parse``
(streamed, DOCTYPE and entities refused, attachments bounded) and registered as a received document of the
agency — the metadata as the national axis's inbox reads it (``exchange.inbox_documents.incoming_data_of``),
the next arrival number of the register of its year, its attachments taken in by ``files.intake``.
A package is known by its SHA-256 (``MigratedRecord``): a second run skips it. Status packages are refused
(they are no document)."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import DomainError
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import Attachment, AttachmentKind, Channel, Direction, Document, DocumentStatus
from qlvb.documents.numbering import register_for, register_take_number
from qlvb.exchange.edxml import Edoc, parse
from qlvb.exchange.inbox_documents import incoming_data_of
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel as FileChannel

from .migration_bundle import Bundle
from .migration_models import MigratedRecord, MigrationRun, RecordKind

if TYPE_CHECKING:  # no import cycle at run time
    from .migration import SheetReport


def _trace_day(edoc: Edoc) -> dt.date | None:
    for trace in edoc.trace_headers:
        try:
            year, month, day = (int(p) for p in trace.timestamp[:10].split("/"))
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def edxml_sheet(bundle: Bundle, *, agency: Unit, actor: User, run: MigrationRun | None) -> SheetReport:
    from .migration import SheetReport, Verdict

    report = SheetReport("edxml/", "Gói tin edXML")
    for n, member in enumerate(bundle.edxml(), start=1):
        with tempfile.TemporaryDirectory(prefix="qlvb-edxml-") as tmp:
            package = Path(tmp) / "package.edxml"
            with package.open("wb") as out, bundle.open(member) as source:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
            key = _sha256(package)
            if MigratedRecord.objects.filter(agency=agency, kind=RecordKind.EDXML, key=key).exists():
                report.add(Verdict(n, "skipped", f"{member}: đã chuyển đổi trước đây, bỏ qua"))
                continue
            files = Path(tmp) / "files"
            files.mkdir()
            try:
                parsed = parse(package, attachments_dir=files, tmp_dir=tmp)
            except DomainError as exc:
                report.add(Verdict(n, "error", f"{member}: {exc.message}"))
                continue
            edoc = parsed.package
            if not isinstance(edoc, Edoc):
                report.add(Verdict(n, "error", f"{member}: gói trạng thái, không phải văn bản"))
                continue
            data = incoming_data_of(edoc)
            if data.secrecy:
                report.add(Verdict(n, "error", f"{member}: văn bản mật, hệ thống không tiếp nhận"))
                continue
            day = _trace_day(edoc) or data.issued_date or timezone.localdate()
            label = (
                f"{member}: {data.doc_type.name} {data.code_number}/{data.code_notation} của {data.organ_name[:60]} "
                f"— {data.subject[:60]}"
            )
            report.add(Verdict(n, "ok", label))
            if run is not None:
                _register(run=run, agency=agency, actor=actor, edoc=edoc, day=day, key=key, member=member)
                report.created += 1
    return report


@transaction.atomic
def _register(
    *, run: MigrationRun, agency: Unit, actor: User, edoc: Edoc, day: dt.date, key: str, member: str
) -> Document:
    data = incoming_data_of(edoc)
    register = register_for(agency=agency, direction=Direction.INCOMING, year=day.year)
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    document = Document(
        direction=Direction.INCOMING,
        agency=agency,
        status=DocumentStatus.COMPLETED,
        channel=Channel.AXIS,
        doc_type=data.doc_type,
        code_number=data.code_number,
        code_notation=data.code_notation,
        issued_date=data.issued_date,
        organ_name=data.organ_name,
        organ_id=data.organ_id,
        subject=data.subject,
        signer_name=data.signer_name,
        signer_position=data.signer_position,
        to_places=data.to_places,
        register=register,
        year=day.year,
        arrival_number=register_take_number(register),
        arrival_date=day,
        received_at=when,
        registered_at=when,
        completed_at=when,
        created_by=actor,
    )
    document.save()
    for ordinal, attachment in enumerate((a for a in edoc.attachments if a.path is not None), start=1):
        assert attachment.path is not None
        with attachment.path.open("rb") as stream:
            stored = file_intake(
                actor=actor,
                stream=stream,
                original_name=attachment.attachment_name or attachment.path.name,
                channel=FileChannel.SYSTEM,
            )
        Attachment.objects.create(
            document=document,
            stored_file=stored,
            kind=AttachmentKind.MAIN if ordinal == 1 else AttachmentKind.APPENDIX,
            ordinal=ordinal,
            name=stored.name,
            added_by=actor,
            added_at=timezone.now(),
        )
    event_record(
        document,
        actor=actor,
        action="imported",
        text=f"Chuyển đổi từ gói tin edXML {member} ({run.source or run.file_name}).",
        data={"run": run.pk, "edxml": member, "sha256": key},
    )
    MigratedRecord.objects.create(agency=agency, kind=RecordKind.EDXML, key=key, object_id=document.pk, run=run)
    return document
