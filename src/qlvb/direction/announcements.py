"""Every write of the announcements: posting one (to the agency, to units, to chosen people; with files,
a validity period and "phải đọc") and the read receipt.

Posting to the whole agency or to people takes the right in the agency; posting to units takes it in each
unit (a department head posts to his own department). A unit or a person of another agency is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.core.permissions import require
from qlvb.core.text import text_clean
from qlvb.directory.models import Unit, User
from qlvb.files import policies as file_policies
from qlvb.files.models import StoredFile

from . import calendar_policies as policies
from .announcement_models import ANNOUNCEMENT_MAX, Announcement, AnnouncementRead, Audience
from .announcement_selectors import announcement_recipients, announcements_visible_to
from .errors import ErrorCode


def _targets(agency: Unit, audience: str, units: list[Unit], people: list[User]) -> None:
    if audience not in Audience.values:
        raise ValidationFailed("Đối tượng nhận thông báo không hợp lệ.")
    if any(u.agency_id != agency.pk for u in units) or any(
        p.unit is None or p.unit.agency_id != agency.pk for p in people
    ):
        raise ValidationFailed(
            "Chỉ gửi được thông báo nội bộ đến đơn vị và người của cơ quan mình.", code=ErrorCode.OUTSIDE_AGENCY
        )
    if (audience == Audience.UNITS and not units) or (audience == Audience.PEOPLE and not people):
        raise ValidationFailed("Hãy chọn đơn vị hoặc người nhận thông báo.", code=ErrorCode.NO_RECIPIENT)


def _period(valid_from: dt.date, valid_until: dt.date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(
            f"Ngày hết hiệu lực ({valid_until:%d/%m/%Y}) không được trước ngày bắt đầu hiệu lực "
            f"({valid_from:%d/%m/%Y}).",
            code=ErrorCode.BAD_PERIOD,
        )


@transaction.atomic
def announcement_create(
    *,
    actor: User,
    agency: Unit,
    title: str,
    body: str = "",
    audience: str = Audience.AGENCY,
    units: Iterable[Unit] = (),
    people: Iterable[User] = (),
    must_read: bool = False,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    files: Iterable[StoredFile] = (),
) -> Announcement:
    units, people, files = list(units), list(people), list(files)
    _targets(agency, audience, units, people)
    for unit in units if audience == Audience.UNITS else [agency]:
        require(actor, policies.ANNOUNCE, unit=unit)
    valid_from = valid_from or timezone.localdate()
    _period(valid_from, valid_until)
    if any(f.uploaded_by_id != actor.pk for f in files):
        raise NotFound("Không tìm thấy tệp hoặc bạn không có quyền dùng tệp này.")
    announcement = Announcement.objects.create(
        agency=agency,
        title=text_clean(title, label="tiêu đề", limit=ANNOUNCEMENT_MAX["title"], required=True),
        body=text_clean(body, label="nội dung", limit=ANNOUNCEMENT_MAX["body"]).replace("\x00", ""),
        audience=audience,
        must_read=must_read,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor,
    )
    if audience == Audience.UNITS:
        announcement.target_units.set(units)
    if audience == Audience.PEOPLE:
        announcement.target_users.set(people)
    announcement.files.set(files)
    audit.record(
        "announcement.created",
        actor=actor,
        obj=announcement,
        data={
            "audience": audience,
            "must_read": must_read,
            "units": [u.pk for u in units],
            "people": [p.pk for p in people],
        },
    )
    notify_after_commit(  # in the app, and pushed to the devices of those who want announcements
        users=list(announcement_recipients(announcement).values_list("pk", flat=True)),
        kind=NotificationKind.ANNOUNCEMENT,
        text=f"Thông báo nội bộ: {announcement.title}"[:500],
        exclude=actor,
    )
    return announcement


def announcement_read(*, actor: User, announcement: Announcement) -> AnnouncementRead:
    """Record that the actor read the announcement (once; the first time is kept)."""
    if not announcements_visible_to(actor).filter(pk=announcement.pk).exists():
        raise NotFound()
    try:
        with transaction.atomic():
            receipt, _created = AnnouncementRead.objects.get_or_create(
                announcement=announcement, user=actor, defaults={"read_at": timezone.now()}
            )
    except IntegrityError:  # read at the same moment in another tab
        receipt = AnnouncementRead.objects.get(announcement=announcement, user=actor)
    return receipt


def _announcement_file_readable(actor: Any, stored_file: StoredFile) -> bool:
    if not isinstance(actor, User):
        return False
    return announcements_visible_to(actor).filter(files=stored_file).exists()


file_policies.content_access_register(_announcement_file_readable)
