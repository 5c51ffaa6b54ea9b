"""Personal data export (Điều 22.1.d of the seed): a person asks for the export of what he created and
handled; the head of his unit (or the agency administrator) approves or refuses with a reason, and the person
is told after commit either way. On approval a Celery task writes the ZIP (``personal_export_zip``) under
``QLVB_PERSONAL_EXPORTS_DIR`` (default ``DATA_DIR/personal-exports``); the person alone downloads it, for
``QLVB_PERSONAL_EXPORT_DAYS`` days (7), every download recorded in the audit log; then beat deletes the file
and the export says "đã hết hạn"."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import has
from qlvb.core.text import nfc
from qlvb.directory.models import RoleAssignment, User

from .errors import ErrorCode
from .personal_export_models import OPEN_STATES, ExportState, PersonalExport
from .personal_export_policies import PERSONAL_EXPORT_DECIDE
from .personal_export_zip import export_write

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

log = logging.getLogger(__name__)

NOTE_MAX = 500
REASON_MAX = 500
CHUNK = 1024 * 1024
DECIDER_ROLES = ("leader", "dept_leader", "admin")


class ExportExpired(DomainError):  # noqa: N818 (a refusal, like core.errors)
    """The export's days are over: its file is (or is about to be) deleted (HTTP 410)."""

    status_code = 410


def export_days() -> int:
    return int(getattr(settings, "QLVB_PERSONAL_EXPORT_DAYS", 7))


def exports_dir() -> Path:
    folder = Path(getattr(settings, "QLVB_PERSONAL_EXPORTS_DIR", "") or Path(settings.DATA_DIR) / "personal-exports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_path(export: PersonalExport) -> Path:
    return exports_dir() / export.file_name


def _dmy(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


# --- reading (filtered in the query) ----------------------------------------------------------------------------


def exports_decidable_by(actor: User | AnonymousUser) -> QuerySet[PersonalExport]:
    """The exports of the people whose unit ``actor`` heads (a role held in the unit or its agency), every one
    for the system administrator; never his own."""
    query = PersonalExport.objects.select_related("person", "unit", "decided_by")
    if not actor.is_authenticated or not actor.is_active:
        return query.none()
    if actor.is_superuser:
        return query.exclude(person_id=actor.pk)
    units = actor.units_with_role(*DECIDER_ROLES)
    return query.filter(Q(unit_id__in=units) | Q(unit__agency_id__in=units)).exclude(person_id=actor.pk)


def exports_visible_to(actor: User | AnonymousUser) -> QuerySet[PersonalExport]:
    """His own exports and those he may decide."""
    if not actor.is_authenticated:
        return PersonalExport.objects.none()
    own = PersonalExport.objects.filter(person_id=actor.pk)
    return (own | exports_decidable_by(actor)).select_related("person", "unit", "decided_by")


def personal_export_get(*, actor: User | AnonymousUser, export_id: int) -> PersonalExport:
    found = exports_visible_to(actor).filter(pk=export_id).first()
    if found is None:
        raise NotFound()
    return found


def deciders_of(person: User) -> list[int]:
    """Who is told of a request: the heads of the person's unit and the administrators of his agency."""
    if person.unit_id is None:
        return list(User.objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True))
    unit = person.unit
    assert unit is not None
    agency_id = unit.agency_id or unit.pk
    holders = RoleAssignment.objects.filter(
        Q(unit_id=unit.pk, role__in=("leader", "dept_leader")) | Q(unit_id=agency_id, role__in=DECIDER_ROLES)
    )
    if unit.pk != agency_id:  # a department: its own head, and the agency's administrators (not its leaders)
        holders = holders.exclude(unit_id=agency_id, role="leader")
    ids = holders.filter(user__is_active=True).values_list("user_id", flat=True)
    return sorted(set(ids) - {person.pk})


# --- asking -----------------------------------------------------------------------------------------------------


def personal_export_request_refusal(actor: User | AnonymousUser) -> str:
    """The precondition of asking (the page shows the form on the same test)."""
    if not actor.is_authenticated or not actor.is_active:
        return "Cần đăng nhập để yêu cầu xuất dữ liệu cá nhân."
    if PersonalExport.objects.filter(person_id=actor.pk, state__in=OPEN_STATES).exists():
        return "Bạn đã có một yêu cầu xuất dữ liệu đang chờ duyệt hoặc đang tạo tệp: chờ yêu cầu đó xong."
    return ""


def personal_export_request(*, actor: User, note: str = "") -> PersonalExport:
    note = nfc(note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"Lý do tối đa {NOTE_MAX} ký tự.", code=ErrorCode.EXPORT_REASON)
    if not actor.is_authenticated:
        raise PermissionDenied()
    try:
        with transaction.atomic():
            # two requests of the same person at once: one waits on his row, then sees the other
            User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).first()
            refusal = personal_export_request_refusal(actor)
            if refusal:
                raise Conflict(refusal, code=ErrorCode.EXPORT_OPEN)
            export = PersonalExport.objects.create(
                person=actor, unit_id=actor.unit_id, note=note, requested_at=timezone.now()
            )
            audit.record("operations.personal_export_requested", actor=actor, obj=export, data={"note": note})
            notify_after_commit(
                users=deciders_of(actor),
                kind=NotificationKind.SYSTEM,
                text=f"{actor} yêu cầu xuất dữ liệu cá nhân (Điều 22.1.d): chờ anh/chị duyệt.",
                exclude=actor,
            )
    except IntegrityError as exc:  # the one-open-request constraint, reached by a concurrent request
        raise Conflict(personal_export_request_refusal(actor), code=ErrorCode.EXPORT_OPEN) from exc
    return export


# --- deciding ---------------------------------------------------------------------------------------------------


def personal_export_decide_refusal(actor: User | AnonymousUser, export: PersonalExport) -> str:
    """The one precondition of approving and refusing (the page shows the buttons on the same test)."""
    if export.person_id == actor.pk:
        return "Không tự duyệt yêu cầu xuất dữ liệu của chính mình."
    if not has(actor, PERSONAL_EXPORT_DECIDE, unit=export.unit):
        return "Chỉ lãnh đạo đơn vị của người yêu cầu hoặc quản trị cơ quan mới duyệt yêu cầu này."
    if export.state != ExportState.PENDING:
        return f"Yêu cầu này đã được quyết định ({export.get_state_display().lower()})."
    return ""


def _locked_for_decision(actor: User, export_id: int) -> PersonalExport:
    found = exports_visible_to(actor).filter(pk=export_id).first()
    if found is None:
        raise NotFound()
    export = row_locked(found, related=("person", "unit"))
    refusal = personal_export_decide_refusal(actor, export)
    if refusal and export.person_id == actor.pk:
        raise PermissionDenied(refusal, code=ErrorCode.EXPORT_SELF)
    if refusal and not has(actor, PERSONAL_EXPORT_DECIDE, unit=export.unit):
        raise PermissionDenied(refusal)
    if refusal:
        raise Conflict(refusal, code=ErrorCode.EXPORT_DECIDED)
    return export


def _queue_build(export_id: int) -> None:
    from .tasks import personal_export_build_task

    try:
        personal_export_build_task.delay(export_id)
    except Exception:  # committed; the export stays "building" (the administrator queues it again)
        log.exception("personal export %s not queued", export_id)


def personal_export_approve(*, actor: User, export_id: int) -> PersonalExport:
    with transaction.atomic():
        export = _locked_for_decision(actor, export_id)
        export.state = ExportState.BUILDING
        export.decided_by = actor
        export.decided_at = timezone.now()
        export.save(update_fields=["state", "decided_by", "decided_at"])
        audit.record("operations.personal_export_approved", actor=actor, obj=export, data={"person": export.person_id})
        notify_after_commit(
            users=[export.person_id],
            kind=NotificationKind.SYSTEM,
            text=f"{actor} đã duyệt yêu cầu xuất dữ liệu cá nhân của anh/chị; tệp đang được tạo.",
        )
        transaction.on_commit(lambda: _queue_build(export.pk))
    return export


def personal_export_refuse(*, actor: User, export_id: int, reason: str) -> PersonalExport:
    reason = nfc(reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationFailed(f"Cần nhập lý do từ chối (tối đa {REASON_MAX} ký tự).", code=ErrorCode.EXPORT_REASON)
    with transaction.atomic():
        export = _locked_for_decision(actor, export_id)
        export.state = ExportState.REFUSED
        export.decided_by = actor
        export.decided_at = timezone.now()
        export.refusal_reason = reason
        export.save(update_fields=["state", "decided_by", "decided_at", "refusal_reason"])
        audit.record("operations.personal_export_refused", actor=actor, obj=export, data={"reason": reason})
        notify_after_commit(
            users=[export.person_id],
            kind=NotificationKind.SYSTEM,
            text=f"{actor} đã từ chối yêu cầu xuất dữ liệu cá nhân của anh/chị. Lý do: {reason}",
        )
    return export


# --- building (the Celery task) ---------------------------------------------------------------------------------


def _fail(export: PersonalExport, exc: Exception) -> PersonalExport:
    reason = exc.message if isinstance(exc, DomainError) else f"lỗi khi ghi tệp ({exc.__class__.__name__})"
    with transaction.atomic():
        export.state, export.error = ExportState.FAILED, reason[:500]
        export.finished_at = timezone.now()
        export.save(update_fields=["state", "error", "finished_at"])
        audit.record("operations.personal_export_failed", actor=export.person, obj=export, data={"reason": reason})
        notify_after_commit(
            users=[export.person_id],
            kind=NotificationKind.SYSTEM,
            text="Không tạo được tệp dữ liệu cá nhân của anh/chị; hãy gửi yêu cầu lại hoặc báo quản trị.",
        )
    return export


def personal_export_build(export_id: int) -> PersonalExport:
    """Write the approved export's ZIP to a temporary name, then rename it; "ready" for 7 days."""
    export = PersonalExport.objects.select_related("person", "person__unit").get(pk=export_id)
    if export.state != ExportState.BUILDING:
        return export
    final = export_path(export)
    partial = final.with_suffix(".part")
    try:
        result = export_write(export.person, partial)
    except Exception as exc:  # any failure ends "failed" with a reason, never "building" forever
        log.exception("personal export %s failed", export_id)
        partial.unlink(missing_ok=True)
        return _fail(export, exc)
    digest = hashlib.sha256()
    with partial.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    partial.replace(final)
    now = timezone.now()
    with transaction.atomic():
        export.state = ExportState.READY
        export.size = final.stat().st_size
        export.sha256 = digest.hexdigest()
        export.item_count, export.file_count = result.item_count, result.file_count
        export.finished_at, export.expires_at = now, now + dt.timedelta(days=export_days())
        export.save(update_fields=["state", "size", "sha256", "item_count", "file_count", "finished_at", "expires_at"])
        audit.record(
            "operations.personal_export_built",
            actor=export.person,
            obj=export,
            data={"sha256": export.sha256, "size": export.size, "files": result.file_count, "counts": result.counts},
        )
        notify_after_commit(
            users=[export.person_id],
            kind=NotificationKind.SYSTEM,
            text=f"Tệp dữ liệu cá nhân của anh/chị đã sẵn sàng, tải được đến {_dmy(export.expires_at)}.",
        )
    return export


# --- downloading ------------------------------------------------------------------------------------------------


def personal_export_download_refusal(export: PersonalExport, *, now: dt.datetime | None = None) -> str:
    """Why the person cannot download now ("" when he can): the page shows the link on the same test."""
    now = now or timezone.now()
    expired = export.state == ExportState.EXPIRED or (
        export.state == ExportState.READY and export.expires_at is not None and export.expires_at <= now
    )
    if expired:
        return "Tệp dữ liệu cá nhân đã hết hạn (chỉ tải được trong 7 ngày): hãy gửi yêu cầu mới."
    if export.state == ExportState.PENDING:
        return "Yêu cầu chưa được duyệt nên chưa có tệp để tải."
    if export.state == ExportState.REFUSED:
        return "Yêu cầu đã bị từ chối nên không có tệp để tải."
    if export.state != ExportState.READY:
        return "Tệp dữ liệu cá nhân chưa tạo xong."
    return ""


def personal_export_open(*, actor: User, export_id: int) -> tuple[PersonalExport, IO[bytes]]:
    """The person's own ready export, opened for download (recorded in the audit log). Anyone else: 404."""
    export = PersonalExport.objects.filter(pk=export_id, person_id=actor.pk).first() if actor.is_authenticated else None
    if export is None:
        raise NotFound()
    refusal = personal_export_download_refusal(export)
    if refusal and export.state in (ExportState.READY, ExportState.EXPIRED):
        raise ExportExpired(refusal, code=ErrorCode.EXPORT_EXPIRED)
    if refusal:
        raise Conflict(refusal, code=ErrorCode.EXPORT_NOT_READY)
    fh = export_path(export).open("rb")
    PersonalExport.objects.filter(pk=export.pk).update(download_count=F("download_count") + 1)
    audit.record("operations.personal_export_downloaded", actor=actor, obj=export, data={"sha256": export.sha256})
    return export, fh


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


# --- expiry (beat) ----------------------------------------------------------------------------------------------


def personal_exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of the exports whose days are over and mark them expired; returns how many."""
    now = now or timezone.now()
    count = 0
    for export in PersonalExport.objects.filter(state=ExportState.READY, expires_at__lte=now).select_related("person"):
        with transaction.atomic():
            locked = row_locked(export)
            if locked.state != ExportState.READY:
                continue
            locked.state = ExportState.EXPIRED
            locked.save(update_fields=["state"])
            audit.record(
                "operations.personal_export_expired", actor=None, obj=locked, data={"person": export.person_id}
            )
            transaction.on_commit(functools.partial(_unlink, export_path(locked)))
        count += 1
    return count
