"""Announcing and ending incidents and maintenance windows (Điều 20, 21.7): only the system
administrator; recorded in the audit log; everyone is notified after commit; the read-only switch is
read by ``operations.middleware`` through ``notice_read_only``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.directory.models import User

from .errors import ErrorCode
from .notice_models import NoticeKind, SystemNotice

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

CACHE_KEY = "qlvb:operations:read-only"
SHOWN_KEY = "qlvb:operations:shown"
CACHE_SECONDS = 5  # another node sees a switch within this time (docs/operations.md)
AHEAD = dt.timedelta(days=7)  # a maintenance announced ahead shows this long before it starts


def notice_manage_refusal(actor: User | AnonymousUser) -> str:
    """The one precondition of every notice action (the page shows the buttons on the same test)."""
    if not actor.is_authenticated or not getattr(actor, "is_superuser", False):
        return "Chỉ quản trị hệ thống mới thông báo sự cố, bảo trì."
    return ""


def _require(actor: User | AnonymousUser) -> None:
    refusal = notice_manage_refusal(actor)
    if refusal:
        raise PermissionDenied(refusal)


@dataclass(frozen=True)
class NoticeData:
    kind: str
    title: str
    body: str = ""
    measures: str = ""
    starts_at: dt.datetime | None = None
    expected_end: dt.datetime | None = None
    read_only: bool = False


def _when(value: dt.datetime | None) -> str:
    return date_format(timezone.localtime(value), "H:i d/m/Y") if value else ""


def notice_start(*, actor: User, data: NoticeData) -> SystemNotice:
    _require(actor)
    starts = data.starts_at or timezone.now()
    if data.expected_end is not None and data.expected_end <= starts:
        raise ValidationFailed("Thời điểm dự kiến khôi phục phải sau lúc bắt đầu.", code=ErrorCode.NOTICE_DATES)
    if data.kind not in NoticeKind.values or not data.title.strip():
        raise ValidationFailed("Cần chọn loại thông báo và nhập tiêu đề.")
    with transaction.atomic():
        notice = SystemNotice.objects.create(
            kind=data.kind,
            title=data.title.strip(),
            body=data.body.strip(),
            measures=data.measures.strip(),
            starts_at=starts,
            expected_end=data.expected_end,
            read_only=data.read_only and data.kind == NoticeKind.MAINTENANCE,
            created_by=actor,
        )
        audit.record(
            "operations.notice_started",
            actor=actor,
            obj=notice,
            data={"kind": notice.kind, "read_only": notice.read_only, "starts_at": starts.isoformat()},
        )
        text = f"{notice.get_kind_display()}: {notice.title}"
        if notice.expected_end:
            text += f" — dự kiến khôi phục lúc {_when(notice.expected_end)}"
        if notice.measures:
            text += f". Biện pháp tạm thời: {notice.measures}"
        _notify_everyone(text)
        transaction.on_commit(_changed)
    return notice


def notice_end(*, actor: User, notice_id: int, cause: str = "", reenter: str = "") -> SystemNotice:
    _require(actor)
    with transaction.atomic():
        found = SystemNotice.objects.filter(pk=notice_id).first()
        if found is None:
            raise NotFound()
        notice = row_locked(found)
        if notice.ended_at is not None:
            raise Conflict("Thông báo này đã kết thúc.", code=ErrorCode.NOTICE_ENDED)
        notice.ended_at = max(timezone.now(), notice.starts_at)
        notice.ended_by = actor
        notice.cause = cause.strip()
        notice.reenter = reenter.strip()
        notice.save(update_fields=["ended_at", "ended_by", "cause", "reenter"])
        audit.record("operations.notice_ended", actor=actor, obj=notice, data={"cause": notice.cause[:200]})
        text = f"Đã khôi phục: {notice.title}"
        if notice.reenter:
            text += f". Cần nhập lại: {notice.reenter}"
        _notify_everyone(text)
        transaction.on_commit(_changed)
    return notice


def _notify_everyone(text: str) -> None:
    ids = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    notify_after_commit(users=ids, kind=NotificationKind.SYSTEM, text=text)


def notices_open(now: dt.datetime | None = None) -> QuerySet[SystemNotice]:
    """Every notice not ended that has started, or starts within a week."""
    now = now or timezone.now()
    return SystemNotice.objects.filter(ended_at__isnull=True, starts_at__lte=now + AHEAD).order_by("starts_at")


def notices_shown() -> list[SystemNotice]:
    """What the banner of every page shows (cached a few seconds, dropped at every change)."""
    shown = cache.get(SHOWN_KEY)
    if shown is None:
        shown = list(notices_open())
        cache.set(SHOWN_KEY, shown, CACHE_SECONDS)
    return list(shown)


def _changed() -> None:
    cache.delete_many([CACHE_KEY, SHOWN_KEY])


def notice_read_only() -> SystemNotice | None:
    """The read-only maintenance in force, if any (cached a few seconds: asked on every write)."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        found = (
            SystemNotice.objects.filter(read_only=True, ended_at__isnull=True, starts_at__lte=timezone.now())
            .order_by("starts_at")
            .first()
        )
        cached = found.pk if found else 0
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    if not cached:
        return None
    return SystemNotice.objects.filter(pk=cached, ended_at__isnull=True).first()


@dataclass(frozen=True)
class IncidentSummary:
    incidents: int
    maintenances: int
    downtime: dt.timedelta


def incidents_in(start: dt.datetime, end: dt.datetime) -> IncidentSummary:
    """Incidents and maintenance windows overlapping the period, and the time they covered inside it
    (for the six-monthly report, Điều 21.10)."""
    rows = SystemNotice.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start), starts_at__lt=end)
    downtime = dt.timedelta()
    counts = {NoticeKind.INCIDENT: 0, NoticeKind.MAINTENANCE: 0}
    now = timezone.now()
    for notice in rows:
        counts[NoticeKind(notice.kind)] += 1
        stop = min(notice.ended_at or now, end)
        downtime += max(stop - max(notice.starts_at, start), dt.timedelta())
    return IncidentSummary(counts[NoticeKind.INCIDENT], counts[NoticeKind.MAINTENANCE], downtime)


def read_only_message(notice: SystemNotice) -> str:
    until = f" đến khoảng {_when(notice.expected_end)}" if notice.expected_end else ""
    return (
        f"Hệ thống đang bảo trì{until}: chỉ xem được, chưa ghi được. Thao tác vừa rồi CHƯA được lưu; "
        "hãy thực hiện lại khi hết bảo trì."
    )
