"""Import of register rows (issues 15, 18): the Sổ đăng ký văn bản đến / đi an agency kept in spreadsheets,
or exported from another system, becomes documents of its registers — keeping the old arrival numbers or
numbers and dates, in the register of their year, marked as imported (``ImportedRow``) and audited.

* :func:`register_import_check` — the dry run: every row read (streamed) and checked, nothing written
  except the record of the check; a row-by-row report (row number, ok / error with the reason /
  already imported). The page keeps the checked files to import them on confirmation.
* :func:`register_import_run` — check, then, only when no row is in error, the import: rows written in
  batches of ``batch_size``, one transaction per batch (a failing batch leaves nothing of itself; the
  batches before it stay, and importing the file again finishes the job: rows already imported are
  skipped — an import is idempotent). After each batch the register's ``last_number`` (incoming) or the
  series counter (outgoing) moves up to the highest imported number, so numbering continues after it.
* :func:`register_import_confirm` — the page's second step: the staged files of a check imported.

Files named in the "Tệp đính kèm" column come from an optional ZIP beside the sheet, opened only through
``files.zipguard`` (zip bomb, path traversal refused) and taken in by ``files.intake`` like any upload."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.permissions import require
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import Attachment, AttachmentKind, Channel, Direction, Document, DocumentStatus, Register
from qlvb.documents.numbering import register_for
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel as FileChannel
from qlvb.files.zipguard import member_stream, zip_check
from qlvb.outgoing.models import NumberSeries, Outgoing, SeriesCounter, State
from qlvb.outgoing.numbering import series_for

from . import policies
from .errors import ErrorCode
from .register_import_models import ImportedRow, ImportState, RegisterImport
from .register_import_rows import Context, ParsedRow, RowError, row_parse
from .register_import_sheet import Sheet, data_rows

BATCH_SIZE = 500
SHOWN_OK_ROWS = 200  # rows shown as "ok" in a report; every error is shown
CHECK_CHUNK = 1000


@dataclass
class RowResult:
    row: int
    status: str  # "ok", "error", "skipped" (already imported)
    text: str

    @property
    def ok(self) -> bool:
        return self.status != "error"


@dataclass
class ImportReport:
    direction: str = ""
    file_name: str = ""
    total: int = 0
    ok: int = 0
    errors: int = 0
    skipped: int = 0
    imported: int = 0
    rows: list[RowResult] = field(default_factory=list)
    batch_id: int | None = None
    done: bool = False

    def add(self, result: RowResult) -> None:
        self.total += 1
        if result.status == "error":
            self.errors += 1
        elif result.status == "skipped":
            self.skipped += 1
        else:
            self.ok += 1
        if result.status != "ok" or self.ok <= SHOWN_OK_ROWS:
            self.rows.append(result)

    @property
    def can_import(self) -> bool:
        return self.errors == 0 and self.ok > 0

    @property
    def direction_label(self) -> str:
        return "Sổ đăng ký văn bản đến" if self.direction == Direction.INCOMING else "Sổ đăng ký văn bản đi"


def _sha256(fh: IO[bytes]) -> str:
    digest = hashlib.sha256()
    fh.seek(0)
    while chunk := fh.read(1024 * 1024):
        digest.update(chunk)
    fh.seek(0)
    return digest.hexdigest()


def _archive_names(archive: IO[bytes] | None, name: str) -> list[str] | None:
    if archive is None:
        return None
    head = archive.read(4)
    archive.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationFailed(f"Tệp “{name}” không phải tệp ZIP.", code=ErrorCode.IMPORT_FILE)
    zip_check(archive, name=name)  # zip bomb, “..”, absolute paths, NUL in names: refused before use
    import zipfile

    archive.seek(0)
    with zipfile.ZipFile(archive) as zf:
        return [i.filename for i in zf.infolist() if not i.is_dir()]


def _series_key(doc_type_id: int, agency: Unit, cache: dict[int, int | None]) -> int | None:
    """The series a type uses (None: the agency's default, not created yet) — read only, for the check."""
    if doc_type_id not in cache:
        found = NumberSeries.objects.filter(agency=agency, doc_types=doc_type_id).order_by("pk").first()
        found = found or NumberSeries.objects.filter(agency=agency, is_default=True).first()
        cache[doc_type_id] = found.pk if found is not None else None
    return cache[doc_type_id]


class _Checker:
    """Checks rows against the file itself and the database, a chunk at a time (one query per chunk)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.seen: dict[tuple[object, int, int], int] = {}
        self.series: dict[int, int | None] = {}

    def key(self, p: ParsedRow) -> tuple[object, int, int]:
        if self.ctx.direction == Direction.INCOMING:
            return ("register", p.year, p.number)
        return (_series_key(p.doc_type.pk, self.ctx.agency, self.series), p.year, p.number)

    def chunk(self, parsed: list[ParsedRow]) -> dict[int, RowResult]:
        """Row number → result for the rows that are not new: duplicates and rows already imported."""
        out: dict[int, RowResult] = {}
        agency, direction = self.ctx.agency, self.ctx.direction
        prints = {p.row: p.fingerprint(direction) for p in parsed}
        done = set(
            ImportedRow.objects.filter(agency=agency, fingerprint__in=prints.values()).values_list(
                "fingerprint", flat=True
            )
        )
        taken = self._taken(parsed)
        for p in parsed:
            key = self.key(p)
            what = "số đến" if direction == Direction.INCOMING else "số"
            if prints[p.row] in done:
                out[p.row] = RowResult(p.row, "skipped", f"đã nhập trước đây, bỏ qua — {p.label(direction)}")
            elif key in self.seen:
                out[p.row] = RowResult(
                    p.row, "error", f"trùng {what} {p.number} năm {p.year} với dòng {self.seen[key]} của tệp"
                )
            elif key in taken:
                out[p.row] = RowResult(
                    p.row, "error", f"trùng: {what} {p.number} năm {p.year} đã có trong sổ của cơ quan"
                )
            self.seen.setdefault(key, p.row)
        return out

    def _taken(self, parsed: list[ParsedRow]) -> set[tuple[object, int, int]]:
        agency = self.ctx.agency
        numbers = {p.number for p in parsed}
        years = {p.year for p in parsed}
        if self.ctx.direction == Direction.INCOMING:
            rows = Document.objects.filter(
                register__agency=agency,
                register__direction=Direction.INCOMING,
                register__year__in=years,
                arrival_number__in=numbers,
            ).values_list("register__year", "arrival_number")
            return {("register", int(y or 0), int(n or 0)) for y, n in rows}
        series = {self.key(p)[0] for p in parsed}
        known = [s for s in series if isinstance(s, int)]
        found = Outgoing.objects.filter(series__in=known, year__in=years, number__in=numbers).values_list(
            "series_id", "year", "number"
        )
        return {(s, int(y or 0), int(n or 0)) for s, y, n in found}


def _context(*, agency: Unit, direction: str, archive_names: list[str] | None) -> Context:
    return Context.build(agency=agency, direction=direction, today=timezone.localdate(), archive_names=archive_names)


def _parsed_rows(
    sheet: Sheet, direction: str | None, *, agency: Unit, archive_names: list[str] | None
) -> tuple[str, Iterator[tuple[int, ParsedRow | None, str]]]:
    header, rows = data_rows(sheet, direction)
    ctx = _context(agency=agency, direction=header.direction, archive_names=archive_names)

    def parsed() -> Iterator[tuple[int, ParsedRow | None, str]]:
        for n, values in rows:
            try:
                yield n, row_parse(n, values, ctx), ""
            except RowError as exc:
                yield n, None, str(exc.args[0])

    return header.direction, parsed()


def _check(
    *,
    sheet: Sheet,
    direction: str | None,
    agency: Unit,
    archive_names: list[str] | None,
    report: ImportReport,
    keep: Callable[[ParsedRow], None] | None = None,
) -> list[int]:
    """Fills ``report``; returns the row numbers of the new rows (to import). ``keep`` is given every row that
    is or will be in the register (new or imported before)."""
    found_direction, rows = _parsed_rows(sheet, direction, agency=agency, archive_names=archive_names)
    report.direction = found_direction
    checker = _Checker(_context(agency=agency, direction=found_direction, archive_names=archive_names))
    new: list[int] = []
    pending: list[tuple[int, ParsedRow | None, str]] = []

    def flush() -> None:
        verdicts = checker.chunk([p for _, p, _ in pending if p is not None])
        for n, p, reason in pending:
            if p is None:
                report.add(RowResult(n, "error", reason))
            elif n in verdicts:
                report.add(verdicts[n])
                if keep is not None and verdicts[n].ok:
                    keep(p)
            else:
                if keep is not None:
                    keep(p)
                report.add(RowResult(n, "ok", p.label(found_direction)))
                new.append(n)
        pending.clear()

    for item in rows:
        pending.append(item)
        if len(pending) >= CHECK_CHUNK:
            flush()
    flush()
    if report.total == 0:
        report.add(RowResult(0, "error", "tệp không có dòng nào sau dòng tiêu đề cột"))
    return new


def _open(
    *, actor: User, agency: Unit, sheet: IO[bytes], name: str, archive: IO[bytes] | None, archive_name: str
) -> tuple[Sheet, list[str] | None]:
    require(actor, policies.REGISTER_IMPORT, unit=agency)
    if not agency.is_agency or agency.external:
        raise ValidationFailed("Chỉ nhập sổ cho một cơ quan trong hệ thống.", code=ErrorCode.IMPORT_FILE)
    opened = Sheet(sheet, name=name)
    return opened, _archive_names(archive, archive_name or "tệp ZIP")


@dataclass
class _Checked:
    sheet: Sheet
    archive_names: list[str] | None
    report: ImportReport
    new_rows: list[int]
    batch: RegisterImport


def _checked(
    *,
    actor: User,
    agency: Unit,
    sheet: IO[bytes],
    name: str,
    direction: str | None,
    archive: IO[bytes] | None,
    archive_name: str,
    source: str,
    batch: RegisterImport | None = None,
) -> _Checked:
    """The dry run shared by the check and the import: the sheet opened, every row checked into the report,
    and the batch recorded (unless the page's confirmed batch is given)."""
    opened, names = _open(
        actor=actor, agency=agency, sheet=sheet, name=name, archive=archive, archive_name=archive_name
    )
    report = ImportReport(file_name=name)
    new = _check(sheet=opened, direction=direction, agency=agency, archive_names=names, report=report)
    if batch is None:
        batch = _batch_record(
            actor=actor,
            agency=agency,
            report=report,
            sheet=sheet,
            name=name,
            archive=archive,
            archive_name=archive_name,
            source=source,
        )
    report.batch_id = batch.pk
    return _Checked(opened, names, report, new, batch)


def register_import_preview(
    *,
    actor: User,
    agency: Unit,
    sheet: IO[bytes],
    name: str,
    archive: IO[bytes] | None = None,
    archive_name: str = "",
    keep: Callable[[ParsedRow], None] | None = None,
) -> ImportReport:
    """The dry run of a sheet inside a migration bundle: the report, nothing written (not even the record of
    the check — the bundle's own run records it)."""
    opened, names = _open(
        actor=actor, agency=agency, sheet=sheet, name=name, archive=archive, archive_name=archive_name
    )
    report = ImportReport(file_name=name)
    _check(sheet=opened, direction=None, agency=agency, archive_names=names, report=report, keep=keep)
    return report


def register_import_check(
    *,
    actor: User,
    agency: Unit,
    sheet: IO[bytes],
    name: str,
    direction: str | None = None,
    archive: IO[bytes] | None = None,
    archive_name: str = "",
    source: str = "",
    stage: bool = False,
) -> ImportReport:
    """The dry run: the row-by-row report, nothing imported. ``stage``: keep the files for
    :func:`register_import_confirm` (the page); the check is recorded and audited either way."""
    checked = _checked(
        actor=actor,
        agency=agency,
        sheet=sheet,
        name=name,
        direction=direction,
        archive=archive,
        archive_name=archive_name,
        source=source,
    )
    report, batch = checked.report, checked.batch
    if stage and report.can_import:
        _stale_removed()
        folder = _staged(batch)
        folder.mkdir(parents=True, exist_ok=True)
        for fh, target in ((sheet, "sheet"), (archive, "archive")):
            if fh is not None:
                fh.seek(0)
                with open(folder / target, "wb") as out:
                    shutil.copyfileobj(fh, out, 1024 * 1024)
    return report


def _batch_record(
    *,
    actor: User,
    agency: Unit,
    report: ImportReport,
    sheet: IO[bytes],
    name: str,
    archive: IO[bytes] | None,
    archive_name: str,
    source: str,
) -> RegisterImport:
    with transaction.atomic():
        batch = RegisterImport.objects.create(
            agency=agency,
            direction=report.direction,
            state=ImportState.FAILED if report.errors else ImportState.CHECKED,
            source=(source or f"Tệp {name}")[:200],
            file_name=name[:255],
            sha256=_sha256(sheet),
            archive_name=archive_name[:255] if archive is not None else "",
            archive_sha256=_sha256(archive) if archive is not None else "",
            rows_total=report.total,
            rows_ok=report.ok,
            rows_error=report.errors,
            rows_skipped=report.skipped,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit.record(
            "operations.register_import_checked",
            actor=actor,
            obj=batch,
            data={
                "direction": report.direction,
                "file": name[:255],
                "sha256": batch.sha256,
                "rows": report.total,
                "errors": report.errors,
                "skipped": report.skipped,
            },
        )
    return batch


def _staged(batch: RegisterImport) -> Path:
    return Path(settings.DATA_DIR) / "register-imports" / str(batch.pk)


STAGED_MAX_AGE = dt.timedelta(days=1)


def _stale_removed() -> None:
    """Files of checks never confirmed, kept more than a day, are removed (the check must be made again)."""
    root = Path(settings.DATA_DIR) / "register-imports"
    if not root.is_dir():
        return
    limit = (timezone.now() - STAGED_MAX_AGE).timestamp()
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def register_import_run(
    *,
    actor: User,
    agency: Unit,
    sheet: IO[bytes],
    name: str,
    direction: str | None = None,
    archive: IO[bytes] | None = None,
    archive_name: str = "",
    source: str = "",
    batch_size: int = BATCH_SIZE,
    batch: RegisterImport | None = None,
) -> ImportReport:
    """Check, then import (only when no row is in error: otherwise the report says why, nothing written)."""
    checked = _checked(
        actor=actor,
        agency=agency,
        sheet=sheet,
        name=name,
        direction=direction,
        archive=archive,
        archive_name=archive_name,
        source=source,
        batch=batch,
    )
    opened, names, report, batch = checked.sheet, checked.archive_names, checked.report, checked.batch
    new = set(checked.new_rows)
    if report.errors:
        return report
    _, rows = _parsed_rows(opened, report.direction, agency=agency, archive_names=names)
    chunk: list[ParsedRow] = []
    for _n, parsed, _reason in rows:
        if parsed is not None and parsed.row in new:
            chunk.append(parsed)
        if len(chunk) >= batch_size:
            report.imported += _write(actor=actor, batch=batch, rows=chunk, archive=archive)
            chunk = []
    if chunk:
        report.imported += _write(actor=actor, batch=batch, rows=chunk, archive=archive)
    batch.state, batch.finished_at = ImportState.IMPORTED, timezone.now()
    batch.rows_imported = report.imported
    batch.save(update_fields=["state", "finished_at", "rows_imported"])
    report.done = True
    return report


def register_import_confirm(*, actor: User, agency: Unit, batch_id: int) -> ImportReport:
    """The page's confirmation: the files kept by the check of ``batch_id`` imported."""
    batch = RegisterImport.objects.filter(pk=batch_id, agency=agency).first()
    if batch is None:
        raise NotFound("Không tìm thấy lần kiểm tra này.")
    require(actor, policies.REGISTER_IMPORT, unit=agency)
    folder = _staged(batch)
    if batch.state != ImportState.CHECKED or not (folder / "sheet").exists():
        raise Conflict(
            "Lần kiểm tra này đã được nhập hoặc không còn tệp: hãy tải tệp lên và kiểm tra lại.",
            code=ErrorCode.IMPORT_DONE,
        )
    archive_path = folder / "archive"
    with open(folder / "sheet", "rb") as sheet:
        archive = open(archive_path, "rb") if archive_path.exists() else None  # noqa: SIM115
        try:
            if _sha256(sheet) != batch.sha256:
                raise Conflict("Tệp đã kiểm tra bị thay đổi: hãy kiểm tra lại.", code=ErrorCode.IMPORT_DONE)
            report = register_import_run(
                actor=actor,
                agency=agency,
                sheet=sheet,
                name=batch.file_name,
                direction=batch.direction,
                archive=archive,
                archive_name=batch.archive_name,
                batch=batch,
            )
        finally:
            if archive is not None:
                archive.close()
    if report.done:
        shutil.rmtree(folder, ignore_errors=True)
    return report


# --- Writing ------------------------------------------------------------------------------------------------------


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _write(*, actor: User, batch: RegisterImport, rows: list[ParsedRow], archive: IO[bytes] | None) -> int:
    """One batch in one transaction: every row written, or none (a row taken meanwhile stops the import)."""
    agency, direction = batch.agency, batch.direction
    with transaction.atomic():
        prints = {p.row: p.fingerprint(direction) for p in rows}
        done = set(
            ImportedRow.objects.filter(agency=agency, fingerprint__in=prints.values()).values_list(
                "fingerprint", flat=True
            )
        )
        todo = [p for p in rows if prints[p.row] not in done]
        highest: dict[tuple[int, int], int] = {}
        owners: dict[object, object] = {}  # the batch's registers by year, series by type: looked up once
        for p in todo:
            try:  # no savepoint per row: an error leaves the batch's transaction at once, rolled back whole
                document = (
                    _incoming(actor, agency, p, owners)
                    if direction == Direction.INCOMING
                    else _outgoing(actor, agency, p, owners)
                )
            except IntegrityError:
                raise Conflict(
                    f"Dòng {p.row}: số {p.number} năm {p.year} vừa được dùng trong sổ trong khi nhập; các dòng đã "
                    "nhập được giữ lại, hãy kiểm tra lại tệp rồi nhập tiếp (dòng đã nhập sẽ được bỏ qua).",
                    code=ErrorCode.IMPORT_ROWS,
                ) from None
            ImportedRow.objects.create(
                batch=batch, agency=agency, document=document, row_number=p.row, fingerprint=prints[p.row]
            )
            event_record(
                document,
                actor=actor,
                action="imported",
                text=f"Nhập từ {batch.source}, dòng {p.row}.",
                data={"batch": batch.pk, "row": p.row, "file": batch.file_name, **_extra(p)},
            )
            if p.files and archive is not None:
                _attach(actor, document, p, archive, batch.archive_name)
            owner = document.register_id if direction == Direction.INCOMING else document.outgoing.series_id
            key = (p.year, int(owner or 0))
            highest[key] = max(highest.get(key, 0), p.number)
        _numbering_continue(direction, highest)
        if todo:
            audit.record(
                "operations.register_imported",
                actor=actor,
                obj=batch,
                data={
                    "direction": direction,
                    "file": batch.file_name,
                    "sha256": batch.sha256,
                    "rows": len(todo),
                    "first_row": todo[0].row,
                    "last_row": todo[-1].row,
                },
            )
    return len(todo)


def _extra(p: ParsedRow) -> dict[str, str]:
    """The register's columns that have no field of their own, kept in the import event."""
    extra = {
        "sent_date": f"{p.sent_date:%d/%m/%Y}" if p.sent_date else "",
        "signed_for": p.signed_for,
        "kept_by": p.kept_by,
    }
    return {k: v for k, v in extra.items() if v}


def _register(agency: Unit, direction: str, year: int, owners: dict[object, object]) -> Register:
    key = ("register", year)
    if key not in owners:
        owners[key] = register_for(agency=agency, direction=direction, year=year)
    return owners[key]  # type: ignore[return-value]


def _series(agency: Unit, p: ParsedRow, owners: dict[object, object]) -> NumberSeries:
    key = ("series", p.doc_type.pk)
    if key not in owners:
        owners[key] = series_for(agency=agency, doc_type=p.doc_type)
    return owners[key]  # type: ignore[return-value]


def _incoming(actor: User, agency: Unit, p: ParsedRow, owners: dict[object, object]) -> Document:
    assert p.arrival_date is not None
    register = _register(agency, Direction.INCOMING, p.year, owners)
    when = _noon(p.arrival_date)
    document = Document(
        direction=Direction.INCOMING,
        agency=agency,
        status=DocumentStatus.COMPLETED,
        channel=Channel.OTHER,
        doc_type=p.doc_type,
        code_number=p.code_number,
        code_notation=p.code_notation,
        issued_date=p.issued_date,
        organ_name=p.organ_name,
        subject=p.subject,
        to_places=p.to_places,
        description=p.note,
        register=register,
        year=p.year,
        arrival_number=p.number,
        arrival_date=p.arrival_date,
        received_at=when,
        registered_at=when,
        completed_at=when,
        created_by=actor,
    )
    document.save()
    return document


def _outgoing(actor: User, agency: Unit, p: ParsedRow, owners: dict[object, object]) -> Document:
    assert p.issued_date is not None
    register = _register(agency, Direction.OUTGOING, p.year, owners)
    series = _series(agency, p, owners)
    when = _noon(p.issued_date)
    document = Document(
        direction=Direction.OUTGOING,
        agency=agency,
        status=DocumentStatus.COMPLETED,
        doc_type=p.doc_type,
        code_number=p.code_number,
        code_notation=p.code_notation,
        issued_date=p.issued_date,
        organ_name=p.organ_name,
        organ_id=agency.organ_id[:13],
        subject=p.subject,
        signer_name=p.signer_name,
        signer_position=p.signer_position,
        to_places=p.to_places,
        description=p.note,
        register=register,
        year=p.year,
        received_at=when,
        registered_at=when,
        completed_at=when,
        created_by=actor,
    )
    document.save()
    Outgoing.objects.create(
        document=document,
        state=State.ISSUED,
        drafter=actor,
        drafting_unit=agency,
        copy_count=p.copies,
        signer=actor,
        series=series,
        year=p.year,
        number=p.number,
        numbered_at=when,
        issued_at=_noon(p.sent_date) if p.sent_date else when,
        issued_by=actor,
    )
    return document


def _numbering_continue(direction: str, highest: dict[tuple[int, int], int]) -> None:
    """The register (incoming) or series counter (outgoing) moves up to the highest imported number, under
    its row lock, so the next number given is after it."""
    for (year, owner), number in highest.items():
        if direction == Direction.INCOMING:
            register = Register.objects.select_for_update().get(pk=owner)
            if register.last_number < number:
                register.last_number = number
                register.save(update_fields=["last_number"])
            continue
        counter, _ = SeriesCounter.objects.get_or_create(series_id=owner, year=year)
        counter = SeriesCounter.objects.select_for_update().get(pk=counter.pk)
        if counter.last_number < number:
            counter.last_number = number
            counter.save(update_fields=["last_number"])


def _attach(actor: User, document: Document, p: ParsedRow, archive: IO[bytes], archive_name: str) -> None:
    for ordinal, member in enumerate(p.files, start=1):
        stored = file_intake(
            actor=actor,
            stream=member_stream(archive, member, name=archive_name),
            original_name=member.rsplit("/", 1)[-1],
            channel=FileChannel.SYSTEM,
        )
        attachment = Attachment.objects.create(
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
            action="file_attached",
            text=f"{attachment.get_kind_display()}: {attachment.name}",
            data={"attachment": attachment.pk, "sha256": stored.blob.sha256},
        )


def imports_of(*, actor: User, agency: Unit) -> list[RegisterImport]:
    """The agency's latest imports and checks (for the page)."""
    require(actor, policies.REGISTER_IMPORT, unit=agency)
    return list(RegisterImport.objects.filter(Q(agency=agency)).select_related("created_by")[:20])
