"""What a person wants pushed: which kinds, quiet hours (giờ yên lặng, local time: a push is held then and
comes as one summary when they end; a khẩn, thượng khẩn or hỏa tốc push still comes through at once), and
whether the lock screen may show the subject (trích yếu)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import ValidationFailed

from .models import PushKind, PushPreference


def preference_of(user_id: int) -> PushPreference:
    """The person's settings (the defaults, unsaved, when he never changed them)."""
    return PushPreference.objects.filter(user_id=user_id).first() or PushPreference(user_id=user_id)


def in_quiet_hours(preference: PushPreference, at: dt.time) -> bool:
    start, end = preference.quiet_start, preference.quiet_end
    if start is None or end is None or start == end:
        return False
    return start <= at < end if start < end else (at >= start or at < end)  # 22:00–06:00 spans midnight


def quiet_hours_end(preference: PushPreference, now: dt.datetime) -> dt.datetime:
    """The moment the quiet hours that hold ``now`` end: the next ``quiet_end`` (local time) after ``now``."""
    assert preference.quiet_end is not None
    local = timezone.localtime(now)
    end = local.replace(hour=preference.quiet_end.hour, minute=preference.quiet_end.minute, second=0, microsecond=0)
    return end if end > local else end + dt.timedelta(days=1)


@transaction.atomic
def push_preference_update(
    *,
    actor: Any,
    kinds_on: Iterable[str],
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    show_subject: bool,
) -> PushPreference:
    kinds_on = set(kinds_on)
    unknown = kinds_on - set(PushKind.values)
    if unknown:
        raise ValidationFailed(f"Loại thông báo không có: {', '.join(sorted(unknown))}.")
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationFailed("Giờ yên lặng cần cả giờ bắt đầu và giờ kết thúc (hoặc để trống cả hai).")
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationFailed("Giờ yên lặng: giờ bắt đầu và giờ kết thúc phải khác nhau.")
    preference, _created = PushPreference.objects.select_for_update().get_or_create(user_id=actor.pk)
    preference.kinds_off = sorted(set(PushKind.values) - kinds_on)
    preference.quiet_start, preference.quiet_end, preference.show_subject = quiet_start, quiet_end, show_subject
    preference.save()
    audit.record(
        "push.preference_changed",
        actor=actor,
        obj=("notifications.pushpreference", preference.pk, str(actor)),
        data={
            "kinds_off": preference.kinds_off,
            "quiet_hours": f"{quiet_start:%H:%M}–{quiet_end:%H:%M}" if quiet_start and quiet_end else "",
            "show_subject": show_subject,
        },
    )
    return preference
