"""Migration of an agency's old system from a bundle (issue 15, Điều 21.2, 23 of the seed).

* :func:`migration_check` — the dry run: every sheet read and every row checked against the database and
  the bundle's earlier sheets (an account's unit may be one the bundle's ``don-vi.xlsx`` creates, an
  assignment's document one its register creates); a report per sheet and per row; nothing written.
* :func:`migration_run` — the check, then, only when no row of any sheet is in error, the import in order:
  units → accounts → registers → assignments → dossiers → edXML packages. Each sheet in one transaction
  (all of it or none of it). What was created is recorded (``MigratedAccount``, ``MigratedRecord``,
  the register import's ``ImportedRow``): a second run skips it and creates nothing.
* :func:`migration_submit` — the page's first step: the bundle kept and its dry run queued;
  :func:`migration_check_run` — the Celery task's body that checks it and keeps the report on the run.
* :func:`migration_confirm` — the page's second step: the staged bundle of a check queued for import;
  :func:`migration_import` — the Celery task's body that imports it and keeps the report on the run.

History is written as history: no notification is sent, accounts are created locked with a forced password
change (the administrator opens each one and hands out its initial password), assignments are closed
(or done, with their result) as they were in the old system."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qlvb.assignments.models import AssignmentRole
from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from qlvb.core.permissions import ROLES, require
from qlvb.core.text import fold
from qlvb.directory.models import Unit, UnitKind, User

from . import migration_write as write
from . import policies
from .errors import ErrorCode
from .migration_bundle import Bundle
from .migration_edxml import edxml_sheet
from .migration_models import MigratedAccount, MigratedRecord, MigrationRun, MigrationState, RecordKind
from .migration_rows import (
    ACCOUNTS,
    ASSIGNMENTS,
    DOSSIERS,
    UNITS,
    AccountRow,
    AssignmentRow,
    DossierRow,
    UnitRow,
    account_parse,
    assignment_parse,
    dossier_parse,
    unit_parse,
)
from .migration_sheets import Table, table_rows
from .register_import import ImportReport, register_import_preview, register_import_run
from .register_import_rows import ParsedRow, RowError
from .register_import_sheet import Sheet

log = logging.getLogger(__name__)
SHOWN_ROWS = 200  # rows shown per sheet besides every error
CHUNK = 1000
DocRef = tuple[str, str, dt.date]


@dataclass
class Verdict:
    row: int
    status: str  # "ok" (to create), "merge" (maps to an existing one), "skipped" (migrated before), "error"
    text: str


@dataclass
class SheetReport:
    file: str
    title: str
    total: int = 0
    ok: int = 0
    merged: int = 0
    skipped: int = 0
    errors: int = 0
    created: int = 0
    refusal: str = ""  # the whole sheet refused (no header, not a spreadsheet)
    seconds: float = 0.0  # how long it took (the registers share theirs)
    rows: list[Verdict] = field(default_factory=list)

    def add(self, verdict: Verdict) -> None:
        self.total += 1
        counter = {"ok": "ok", "merge": "merged", "skipped": "skipped", "error": "errors"}[verdict.status]
        setattr(self, counter, getattr(self, counter) + 1)
        if verdict.status != "ok" or self.ok <= SHOWN_ROWS:
            self.rows.append(verdict)

    def refuse(self, message: str) -> None:
        self.refusal = message
        self.errors += 1


@dataclass
class MigrationReport:
    file_name: str
    agency: Unit | None = None
    source: str = ""
    sheets: list[SheetReport] = field(default_factory=list)
    run_id: int | None = None
    done: bool = False
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (old code, account, full name)

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.sheets)

    @property
    def to_create(self) -> int:
        return sum(s.ok + s.merged for s in self.sheets)

    @property
    def created(self) -> int:
        return sum(s.created for s in self.sheets)

    @property
    def skipped(self) -> int:
        return sum(s.skipped for s in self.sheets)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sheets)

    @property
    def can_import(self) -> bool:
        return self.errors == 0 and self.to_create > 0


@dataclass
class _Plan:
    """What the bundle's rows refer to: known from the database, or to be created by an earlier sheet."""

    agency: Unit
    actor: User
    today: dt.date
    units: dict[str, int | None] = field(default_factory=dict)  # old unit code → unit id (None: to create)
    users: dict[str, int | None] = field(default_factory=dict)  # old user code → user id (None: to create)
    incoming: set[tuple[int, int]] = field(default_factory=set)  # (year, arrival number) a register will create
    refs: dict[DocRef, int] = field(default_factory=dict)  # (number, folded notation, date) → count, registers

    @classmethod
    def build(cls, agency: Unit, actor: User) -> _Plan:
        plan = cls(agency, actor, timezone.localdate())
        plan.units = dict(
            MigratedRecord.objects.filter(agency=agency, kind=RecordKind.UNIT).values_list("key", "object_id")
        )
        plan.users = dict(MigratedAccount.objects.filter(agency=agency).values_list("old_code", "user_id"))
        return plan


# --- Opening -------------------------------------------------------------------------------------------------------


def _agency_of_bundle(bundle: Bundle, actor: User) -> Unit:
    agency = Unit.objects.filter(organ_id=bundle.manifest.organ_id, kind=UnitKind.AGENCY, external=False).first()
    if agency is None:
        raise ValidationFailed(
            f"Mã định danh “{bundle.manifest.organ_id}” trong manifest.json không phải cơ quan nào trong hệ thống: "
            "hãy tạo cơ quan trước (Quản trị → Đơn vị) rồi chuyển đổi.",
            code=ErrorCode.BUNDLE_AGENCY,
        )
    require(actor, policies.MIGRATE, unit=agency)
    return agency


def _open(*, actor: User, fh: IO[bytes], name: str, agency: Unit | None) -> tuple[Bundle, Unit]:
    bundle = Bundle(fh, name=name)
    found = _agency_of_bundle(bundle, actor)
    if agency is not None and found.pk != agency.pk:
        raise ValidationFailed(
            f"Gói này của cơ quan mã “{bundle.manifest.organ_id}” ({found.name}), không phải {agency.name}.",
            code=ErrorCode.BUNDLE_AGENCY,
        )
    return bundle, found


def _member(bundle: Bundle, table: Table) -> str:
    """The bundle's member for ``table``: its XLSX, or the CSV of the same name."""
    return bundle.sheet(table.file) or table.file


def _sheet(bundle: Bundle, member: str) -> tuple[Sheet, IO[bytes]]:
    fh = bundle.open(member)
    return Sheet(fh, name=member), fh


def _rows(
    bundle: Bundle, table: Table, report: SheetReport, parse: Callable[[int, dict[str, Any]], Any]
) -> Iterator[tuple[int, Any, str]]:
    """(row, parsed row or None, reason) for every row of the sheet; a sheet refused whole is reported."""
    try:
        sheet, fh = _sheet(bundle, _member(bundle, table))
    except DomainError as exc:
        report.refuse(exc.message)
        return
    try:
        for n, values in table_rows(table, sheet):
            try:
                yield n, parse(n, values), ""
            except RowError as exc:
                yield n, None, str(exc.args[0])
    except DomainError as exc:
        report.refuse(exc.message)
    finally:
        fh.close()


_R = TypeVar("_R", UnitRow, AccountRow)


def _new_rows(
    rows: Iterable[tuple[int, _R | None, str]],
    report: SheetReport,
    done: Mapping[str, object],
    *,
    what: str,
    name: Callable[[_R], str],
) -> Iterator[tuple[int, _R]]:
    """The rows of a units or accounts sheet left to check further: a row that does not parse, repeats a
    code of an earlier row or was migrated by an earlier run is reported here and not yielded."""
    seen: dict[str, int] = {}
    for n, row, reason in rows:
        if row is None:
            report.add(Verdict(n, "error", reason))
            continue
        code = row.code
        if code in seen:
            report.add(Verdict(n, "error", f"trùng {what} “{code}” với dòng {seen[code]}"))
            continue
        seen[code] = n
        if code in done:
            report.add(Verdict(n, "skipped", f"đã chuyển đổi trước đây, bỏ qua — {code}: {name(row)}"))
            continue
        yield n, row


# --- Units ---------------------------------------------------------------------------------------------------------


def _units(bundle: Bundle, plan: _Plan, *, writing: MigrationRun | None) -> SheetReport:
    report = SheetReport(_member(bundle, UNITS), UNITS.title)
    todo: list[tuple[UnitRow, Unit | None]] = []  # (row, existing unit to merge into)
    rows = _rows(bundle, UNITS, report, lambda n, v: unit_parse(n, v))
    for n, row in _new_rows(rows, report, plan.units, what="mã đơn vị", name=lambda r: r.name):
        if row.parent and row.parent not in plan.units:
            report.add(
                Verdict(
                    n,
                    "error",
                    f"đơn vị cấp trên “{row.parent}” không có: phải ghi ở một dòng trước hoặc đã chuyển đổi trước đây",
                )
            )
            continue
        parent_id = plan.units.get(row.parent) if row.parent else plan.agency.pk
        existing = None
        if parent_id is not None:
            existing = Unit.objects.filter(parent_id=parent_id, name_folded=fold(row.name), is_active=True).first()
        plan.units[row.code] = existing.pk if existing is not None else None
        if existing is not None:
            report.add(Verdict(n, "merge", f"{row.code}: gộp vào đơn vị đã có “{existing.name}”"))
        else:
            report.add(Verdict(n, "ok", f"{row.code}: {row.name} ({row.short_name}), tạo mới"))
        todo.append((row, existing))
    if writing is not None and not report.errors and todo:
        report.created = write.units_write(run=writing, plan_units=plan.units, agency=plan.agency, rows=todo)
    return report


# --- Accounts ------------------------------------------------------------------------------------------------------


def _accounts(bundle: Bundle, plan: _Plan, *, writing: MigrationRun | None, out: MigrationReport) -> SheetReport:
    report = SheetReport(_member(bundle, ACCOUNTS), ACCOUNTS.title)
    todo: list[AccountRow] = []
    rows = _rows(bundle, ACCOUNTS, report, lambda n, v: account_parse(n, v))
    for n, row in _new_rows(rows, report, plan.users, what="mã người dùng", name=lambda r: r.full_name):
        if row.unit and row.unit not in plan.units:
            report.add(
                Verdict(
                    n,
                    "error",
                    f"đơn vị “{row.unit}” không có trong {UNITS.file} và chưa được chuyển đổi trước đây",
                )
            )
            continue
        plan.users[row.code] = None
        roles = ", ".join(ROLES[r].lower() for r in row.roles) if row.roles else "không vai trò"
        report.add(Verdict(n, "ok", f"{row.code}: {row.full_name} ({roles}), tạo tài khoản khóa chờ kích hoạt"))
        todo.append(row)
    if writing is not None and not report.errors and todo:
        created = write.accounts_write(run=writing, plan=plan, rows=todo)
        report.created = len(created)
        out.accounts.extend(created)
    return report


# --- Registers -----------------------------------------------------------------------------------------------------


def _register_sheet(report: ImportReport, member: str) -> SheetReport:
    sheet = SheetReport(member, report.direction_label if report.direction else "Sổ đăng ký văn bản")
    for r in report.rows:
        sheet.rows.append(Verdict(r.row, r.status, r.text))
    sheet.total, sheet.ok, sheet.errors, sheet.skipped = report.total, report.ok, report.errors, report.skipped
    sheet.created = report.imported
    return sheet


def _registers(bundle: Bundle, plan: _Plan, *, writing: MigrationRun | None) -> list[SheetReport]:
    out: list[SheetReport] = []
    archive = bundle.fh if bundle.has_files() else None

    def keep(p: ParsedRow) -> None:
        if p.arrival_date is not None:
            plan.incoming.add((p.year, p.number))
        if p.issued_date is not None:
            key = (p.code_number, fold(p.code_notation), p.issued_date)
            plan.refs[key] = plan.refs.get(key, 0) + 1

    for member in bundle.registers():
        fh = bundle.open(member)
        try:
            common: dict[str, Any] = {
                "actor": plan.actor,
                "agency": plan.agency,
                "sheet": fh,
                "name": member,
                "archive": archive,
                "archive_name": bundle.name,
            }
            if writing is None:
                report = register_import_preview(keep=keep, **common)
            else:
                with transaction.atomic():  # the whole sheet or none of it
                    report = register_import_run(
                        source=(writing.source or f"gói {bundle.name}")[:200], batch_size=CHUNK, **common
                    )
            out.append(_register_sheet(report, member))
        except DomainError as exc:
            refused = SheetReport(member, "Sổ đăng ký văn bản")
            refused.refuse(exc.message)
            out.append(refused)
        finally:
            fh.close()
    return out


# --- Assignments ---------------------------------------------------------------------------------------------------


def _assignments(bundle: Bundle, plan: _Plan, *, writing: MigrationRun | None) -> SheetReport:
    report = SheetReport(_member(bundle, ASSIGNMENTS), ASSIGNMENTS.title)
    seen: dict[str, int] = {}
    pending: list[AssignmentRow] = []
    todo: list[tuple[AssignmentRow, int]] = []

    def flush() -> None:
        docs = write.incoming_ids(plan.agency, {(r.year, r.number) for r in pending})
        done = write.recorded(plan.agency, RecordKind.ASSIGNMENT, [r.key for r in pending])
        for r in pending:
            verdict = _assignment_verdict(r, plan, docs, done, seen)
            report.add(verdict)
            if verdict.status == "ok":
                todo.append((r, docs.get((r.year, r.number), 0)))
        pending.clear()

    today = plan.today
    for n, row, reason in _rows(bundle, ASSIGNMENTS, report, lambda n, v: assignment_parse(n, v, today=today)):
        if row is None:
            report.add(Verdict(n, "error", reason))
            continue
        pending.append(row)
        if len(pending) >= CHUNK:
            flush()
    flush()
    if writing is not None and not report.errors and todo:
        report.created = write.assignments_write(run=writing, plan=plan, rows=todo)
    return report


def _assignment_verdict(
    r: AssignmentRow, plan: _Plan, docs: dict[tuple[int, int], int], done: set[str], seen: dict[str, int]
) -> Verdict:
    label = f"số đến {r.number}/{r.year}: {r.assigner} giao {r.assignee} ({AssignmentRole(r.role).label})"
    if r.key in seen:
        return Verdict(r.row, "error", f"trùng với dòng {seen[r.key]} (cùng văn bản, người giao, người xử lý, ngày)")
    seen[r.key] = r.row
    if r.key in done:
        return Verdict(r.row, "skipped", f"đã chuyển đổi trước đây, bỏ qua — {label}")
    if (r.year, r.number) not in docs and (r.year, r.number) not in plan.incoming:
        return Verdict(r.row, "error", f"không có văn bản đến số {r.number} năm {r.year} trong sổ hay trong gói")
    for who, code in (("người giao", r.assigner), ("người xử lý", r.assignee)):
        if code not in plan.users:
            return Verdict(r.row, "error", f"{who} “{code}” không có trong {ACCOUNTS.file} và chưa được chuyển đổi")
    return Verdict(r.row, "ok", label)


# --- Dossiers ------------------------------------------------------------------------------------------------------


def _dossiers(bundle: Bundle, plan: _Plan, *, writing: MigrationRun | None) -> SheetReport:
    report = SheetReport(_member(bundle, DOSSIERS), DOSSIERS.title)
    seen: dict[tuple[int, str], int] = {}
    pending: list[DossierRow] = []
    todo: list[tuple[DossierRow, list[int]]] = []

    def flush() -> None:
        refs = {(n, fold(t), d) for r in pending for n, t, d in r.documents}
        docs = write.documents_by_ref(plan.agency, refs)
        taken = write.dossiers_taken(plan.agency, {(r.year, r.notation) for r in pending})
        done = write.recorded(plan.agency, RecordKind.DOSSIER, [r.key for r in pending])
        for r in pending:
            verdict, ids = _dossier_verdict(r, plan, docs, taken, done, seen)
            report.add(verdict)
            if verdict.status == "ok":
                todo.append((r, ids))
        pending.clear()

    today = plan.today
    for n, row, reason in _rows(bundle, DOSSIERS, report, lambda n, v: dossier_parse(n, v, today=today)):
        if row is None:
            report.add(Verdict(n, "error", reason))
            continue
        pending.append(row)
        if len(pending) >= CHUNK:
            flush()
    flush()
    if writing is not None and not report.errors and todo:
        report.created = write.dossiers_write(run=writing, plan=plan, rows=todo)
    return report


def _dossier_verdict(
    r: DossierRow,
    plan: _Plan,
    docs: dict[DocRef, list[int]],
    taken: set[tuple[int, str]],
    done: set[str],
    seen: dict[tuple[int, str], int],
) -> tuple[Verdict, list[int]]:
    label = f"hồ sơ {r.notation} năm {r.year}: {r.title[:80]} ({len(r.documents)} văn bản)"
    key = (r.year, r.notation)
    if key in seen:
        return Verdict(
            r.row, "error", f"trùng số và ký hiệu hồ sơ “{r.notation}” năm {r.year} với dòng {seen[key]}"
        ), []
    seen[key] = r.row
    if r.key in done:
        return Verdict(r.row, "skipped", f"đã chuyển đổi trước đây, bỏ qua — {label}"), []
    if key in taken:
        return Verdict(r.row, "error", f"cơ quan đã có hồ sơ “{r.notation}” năm {r.year} (không do chuyển đổi)"), []
    if r.creator not in plan.users:
        return Verdict(r.row, "error", f"người lập hồ sơ “{r.creator}” không có trong {ACCOUNTS.file}"), []
    ids: list[int] = []
    for number, notation, day in r.documents:
        ref = (number, fold(notation), day)
        found = docs.get(ref, [])
        named = f"{number}/{notation} ngày {day:%d/%m/%Y}"
        count = len(found) + (plan.refs.get(ref, 0) if not found else 0)
        if count == 0:
            return Verdict(r.row, "error", f"không có văn bản {named} trong sổ hay trong gói"), []
        if count > 1:
            return Verdict(r.row, "error", f"có {count} văn bản {named}: không biết đưa văn bản nào vào hồ sơ"), []
        ids.extend(found)
    return Verdict(r.row, "ok", label), ids


# --- The dry run and the import ------------------------------------------------------------------------------------


def _all_sheets(bundle: Bundle, plan: _Plan, *, writing: MigrationRun | None, out: MigrationReport) -> None:
    out.sheets = []

    def timed(step: Callable[[], SheetReport | list[SheetReport]]) -> None:
        start = time.monotonic()
        made = step()
        sheets = made if isinstance(made, list) else [made]
        for sheet in sheets:
            sheet.seconds = (time.monotonic() - start) / len(sheets)
        out.sheets.extend(sheets)

    if bundle.sheet(UNITS.file):
        timed(lambda: _units(bundle, plan, writing=writing))
    if bundle.sheet(ACCOUNTS.file):
        timed(lambda: _accounts(bundle, plan, writing=writing, out=out))
    timed(lambda: _registers(bundle, plan, writing=writing))
    if bundle.sheet(ASSIGNMENTS.file):
        timed(lambda: _assignments(bundle, plan, writing=writing))
    if bundle.sheet(DOSSIERS.file):
        timed(lambda: _dossiers(bundle, plan, writing=writing))
    if bundle.edxml():
        timed(lambda: edxml_sheet(bundle, agency=plan.agency, actor=plan.actor, run=writing))


def _checked(*, actor: User, bundle: IO[bytes], name: str, agency: Unit | None) -> tuple[Bundle, MigrationReport]:
    opened, found = _open(actor=actor, fh=bundle, name=name, agency=agency)
    report = MigrationReport(file_name=name, agency=found, source=opened.manifest.source)
    _all_sheets(opened, _Plan.build(found, actor), writing=None, out=report)
    return opened, report


def migration_check(*, actor: User, bundle: IO[bytes], name: str, agency: Unit | None = None) -> MigrationReport:
    """The dry run: the report of every sheet and row; nothing written."""
    return _checked(actor=actor, bundle=bundle, name=name, agency=agency)[1]


def _run_record(actor: User, agency: Unit, bundle: Bundle, report: MigrationReport) -> MigrationRun:
    with transaction.atomic():
        run = MigrationRun.objects.create(
            agency=agency,
            state=MigrationState.FAILED if report.errors else MigrationState.CHECKED,
            source=bundle.manifest.source,
            file_name=bundle.name[:255],
            sha256=bundle.sha256(),
            rows_total=report.total,
            rows_error=report.errors,
            rows_skipped=report.skipped,
            created_by=actor,
            created_at=timezone.now(),
        )
        _checked_audit(actor, run, report)
    return run


def _checked_audit(actor: User, run: MigrationRun, report: MigrationReport) -> None:
    audit.record(
        "operations.bundle_checked",
        actor=actor,
        obj=run,
        data={"file": run.file_name, "sha256": run.sha256, "rows": report.total, "errors": report.errors},
    )


def migration_run(
    *, actor: User, bundle: IO[bytes], name: str, agency: Unit | None = None, run: MigrationRun | None = None
) -> MigrationReport:
    """The dry run, then — only when no row is in error — the import, sheet after sheet."""
    opened, report = _checked(actor=actor, bundle=bundle, name=name, agency=agency)
    found = report.agency
    assert found is not None
    if run is None:
        run = _run_record(actor, found, opened, report)
    report.run_id = run.pk
    if report.errors:
        return report
    _all_sheets(opened, _Plan.build(found, actor), writing=run, out=report)
    # a row refused only now (the database changed between the check and the write) stops its sheet and
    # those that name it; the sheets written stay, and the run is failed: the report says which row
    report.done = report.errors == 0
    run.state = MigrationState.IMPORTED if report.done else MigrationState.FAILED
    run.finished_at, run.rows_created, run.rows_error = timezone.now(), report.created, report.errors
    run.save(update_fields=["state", "finished_at", "rows_created", "rows_error"])
    return report


def migration_stage(*, run: MigrationRun, bundle: IO[bytes]) -> None:
    folder = _staged(run)
    folder.mkdir(parents=True, exist_ok=True)
    bundle.seek(0)
    with open(folder / "bundle.zip", "wb") as out:
        shutil.copyfileobj(bundle, out, 1024 * 1024)


def migration_submit(*, actor: User, agency: Unit, bundle: IO[bytes], name: str) -> MigrationRun:
    """The page's first step: what can be told at once is told at once (not a ZIP, no manifest, another
    agency's bundle: a ``DomainError``); otherwise the bundle is kept and a run made in state "checking",
    and a Celery task makes the dry run after this transaction commits (:func:`migration_check_run`) — the
    dry run of a 50,000-row register takes minutes, longer than a proxy waits inside a request."""
    opened, _found = _open(actor=actor, fh=bundle, name=name, agency=agency)
    with transaction.atomic():
        run = MigrationRun.objects.create(
            agency=agency,
            state=MigrationState.CHECKING,
            source=opened.manifest.source[:200],
            file_name=opened.name[:255],
            sha256=opened.sha256(),
            created_by=actor,
            created_at=timezone.now(),
        )
        migration_stage(run=run, bundle=bundle)
        run_id = run.pk
        transaction.on_commit(lambda: _queue_check(run_id))
    return run


def _run_failed(run_id: int, exc: Exception, *, doing: str, only_from: str | None = None) -> None:
    """A background step (the check, the import) that failed ends its run as failed, with the reason shown on
    the run's page: a ``DomainError``'s message, or the unexpected error (logged with its traceback)."""
    if not isinstance(exc, DomainError):
        log.exception("migration bundle run %s: %s failed", run_id, doing)
    message = exc.message if isinstance(exc, DomainError) else f"Lỗi khi {doing}: {exc}"
    runs = MigrationRun.objects.filter(pk=run_id)
    if only_from is not None:
        runs = runs.filter(state=only_from)
    runs.update(state=MigrationState.FAILED, finished_at=timezone.now(), message=str(message)[:1000])


def _queue_check(run_id: int) -> None:
    from .tasks import migration_check_task

    try:
        migration_check_task.delay(run_id)
    except Exception:  # committed; the run stays "checking": say it in the log, the page tells to upload again
        log.exception("migration bundle run %s: check not queued", run_id)


def migration_check_run(run_id: int) -> MigrationRun | None:
    """The Celery task's body: the dry run of a submitted bundle, its report kept on the run (state "checked",
    or "failed" when a row is in error, the bundle then removed). Idempotent: a run no longer "checking" is
    left as it is; None for a run that does not exist (any more)."""
    run = MigrationRun.objects.select_related("agency", "created_by").filter(pk=run_id).first()
    if run is None or run.state != MigrationState.CHECKING:
        return run
    path = _staged(run) / "bundle.zip"
    try:
        if not path.exists():
            raise Conflict("Không còn tệp gói đã tải lên: hãy tải gói lên lại.", code=ErrorCode.BUNDLE_DONE)
        with open(path, "rb") as fh:
            _opened, report = _checked(actor=run.created_by, bundle=fh, name=run.file_name, agency=run.agency)
    except Exception as exc:  # any failure ends the run as failed, with its reason on the page
        _run_failed(run_id, exc, doing="kiểm tra", only_from=MigrationState.CHECKING)
        shutil.rmtree(path.parent, ignore_errors=True)
        run.refresh_from_db()
        return run
    with transaction.atomic():
        changed = MigrationRun.objects.filter(pk=run_id, state=MigrationState.CHECKING).update(
            state=MigrationState.FAILED if report.errors else MigrationState.CHECKED,
            rows_total=report.total,
            rows_error=report.errors,
            rows_skipped=report.skipped,
            report=report_to_json(report),
        )
        if changed:
            _checked_audit(run.created_by, run, report)
    if not report.can_import:
        shutil.rmtree(path.parent, ignore_errors=True)
    run.refresh_from_db()
    return run


def _staged(run: MigrationRun) -> Path:
    return Path(settings.DATA_DIR) / "migration-bundles" / str(run.pk)


def migration_confirm(*, actor: User, agency: Unit, run_id: int) -> MigrationRun:
    """The page's second step: the staged bundle of a check is queued for import (state "queued"), and a
    Celery task imports it after this transaction commits (:func:`migration_import`) — a big bundle would
    outlast the proxy's time-out inside the request. Pressing it again while queued or running queues
    nothing more; once imported (or its file gone) it is refused."""
    with transaction.atomic():
        run = MigrationRun.objects.select_for_update().filter(pk=run_id, agency=agency).first()
        if run is None:
            raise NotFound("Không tìm thấy lần kiểm tra này.")
        require(actor, policies.MIGRATE, unit=agency)
        if run.state in (MigrationState.QUEUED, MigrationState.RUNNING):
            return run
        if run.state != MigrationState.CHECKED or not (_staged(run) / "bundle.zip").exists():
            raise Conflict(
                "Lần kiểm tra này đã được nhập hoặc không còn tệp: hãy tải gói lên và kiểm tra lại.",
                code=ErrorCode.BUNDLE_DONE,
            )
        run.state, run.imported_by = MigrationState.QUEUED, actor
        run.save(update_fields=["state", "imported_by"])
        transaction.on_commit(lambda: _queue_import(run.pk))
    return run


def _queue_import(run_id: int) -> None:
    from .tasks import migration_import_task

    try:
        migration_import_task.delay(run_id)
    except Exception:  # committed; the run stays "queued" and the button does not come back: say it in the log
        log.exception("migration bundle run %s not queued", run_id)


def migration_import(run_id: int) -> MigrationRun:
    """The Celery task's body: import the staged bundle of a confirmed run, then keep its report on the run.

    Idempotent: a run already imported or failed is left as it is; a task delivered twice, or again after its
    worker died (the run still "running"), imports again and creates nothing new — every row already written
    is recorded (``MigratedAccount``, ``MigratedRecord``, ``ImportedRow``) and skipped."""
    claimed = MigrationRun.objects.filter(pk=run_id, state__in=[MigrationState.QUEUED, MigrationState.RUNNING]).update(
        state=MigrationState.RUNNING, started_at=timezone.now()
    )
    run = MigrationRun.objects.select_related("agency", "created_by", "imported_by").get(pk=run_id)
    if not claimed:
        return run
    path = _staged(run) / "bundle.zip"
    try:
        if not path.exists():
            raise Conflict(
                "Không còn tệp gói đã kiểm tra: hãy tải gói lên và kiểm tra lại.", code=ErrorCode.BUNDLE_DONE
            )
        with open(path, "rb") as fh:
            report = migration_run(
                actor=run.imported_by or run.created_by, bundle=fh, name=run.file_name, agency=run.agency, run=run
            )
    except Exception as exc:  # any failure ends the run as failed, with its reason on the page
        _run_failed(run_id, exc, doing="nhập")
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    run.report = report_to_json(report)
    run.save(update_fields=["report"])
    if report.done:
        shutil.rmtree(path.parent, ignore_errors=True)
    return run


def report_to_json(report: MigrationReport) -> dict[str, Any]:
    """What the run page shows of an import, kept on the run (JSON)."""
    return {
        "file_name": report.file_name,
        "source": report.source,
        "done": report.done,
        "accounts": [list(a) for a in report.accounts],
        "sheets": [asdict(sheet) for sheet in report.sheets],
    }


def report_from_json(data: Mapping[str, Any], *, agency: Unit, run_id: int) -> MigrationReport:
    sheets = [
        SheetReport(**{**sheet, "rows": [Verdict(**row) for row in sheet.get("rows", [])]})
        for sheet in data.get("sheets", [])
    ]
    return MigrationReport(
        file_name=str(data.get("file_name", "")),
        agency=agency,
        source=str(data.get("source", "")),
        sheets=sheets,
        run_id=run_id,
        done=bool(data.get("done")),
        accounts=[(a[0], a[1], a[2]) for a in data.get("accounts", [])],
    )


def migration_run_of(*, actor: User, agency: Unit, run_id: int) -> MigrationRun:
    """One run of the agency, for its page (another agency's: 404)."""
    require(actor, policies.MIGRATE, unit=agency)
    run = MigrationRun.objects.filter(pk=run_id, agency=agency).select_related("created_by", "imported_by").first()
    if run is None:
        raise NotFound("Không tìm thấy lần kiểm tra này.")
    return run


def migration_runs(*, actor: User, agency: Unit) -> list[MigrationRun]:
    require(actor, policies.MIGRATE, unit=agency)
    return list(MigrationRun.objects.filter(agency=agency).select_related("created_by")[:20])


def migrated_accounts(*, actor: User, agency: Unit) -> list[MigratedAccount]:
    """The accounts a bundle created, with their old codes (the list the administrator hands out)."""
    require(actor, policies.MIGRATE, unit=agency)
    return list(MigratedAccount.objects.filter(agency=agency).select_related("user", "user__unit")[:2000])
