"""Repeated events of the work calendar ("giao ban thứ Hai hằng tuần", "họp thường kỳ ngày 25 hằng tháng").

A repetition is turned into its occurrences when the event is made: each occurrence is an ordinary event
of the calendar (published with its week, changed or cancelled on its own, booked in its room, one
VEVENT of the iCalendar feed), tied to the others by ``CalendarEvent.series``. Occurrences keep the local
time of day of the first one across a change of month; a monthly repetition on the 29th–31st skips the
months that have no such day (as a person reading "ngày 31 hằng tháng" expects)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from qlvb.core.errors import ValidationFailed

from .calendar_selectors import LOCAL
from .errors import ErrorCode

MAX_SPAN_DAYS = 400  # a year of meetings and some (at most 58 weekly occurrences): beyond it is a typing mistake


class RepeatFreq(TextChoices):
    WEEKLY = "weekly", _("Hằng tuần")
    MONTHLY = "monthly", _("Hằng tháng")


@dataclass(frozen=True)
class Repeat:
    """Repeat every week or month until ``until`` (inclusive, a local date)."""

    freq: str
    until: dt.date


def _month_later(day: dt.date, months: int) -> dt.date | None:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    if day.day > calendar.monthrange(year, month)[1]:
        return None
    return day.replace(year=year, month=month)


def occurrences(starts_at: dt.datetime, ends_at: dt.datetime, repeat: Repeat) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) of every occurrence, the first one included, in local wall-clock time; refused with
    a Vietnamese message when the repetition has no valid end or reaches too far."""
    if repeat.freq not in RepeatFreq.values:
        raise ValidationFailed("Cách lặp lại không hợp lệ: chọn hằng tuần hoặc hằng tháng.", code=ErrorCode.BAD_REPEAT)
    start, end = starts_at.astimezone(LOCAL), ends_at.astimezone(LOCAL)
    if repeat.until < start.date():
        raise ValidationFailed(
            f"Ngày kết thúc lặp lại ({repeat.until:%d/%m/%Y}) phải từ ngày bắt đầu ({start:%d/%m/%Y}) trở đi.",
            code=ErrorCode.BAD_REPEAT,
        )
    if (repeat.until - start.date()).days > MAX_SPAN_DAYS:
        raise ValidationFailed(
            f"Lặp lại tối đa {MAX_SPAN_DAYS} ngày kể từ buổi đầu; hãy chọn ngày kết thúc sớm hơn.",
            code=ErrorCode.BAD_REPEAT,
        )
    length = end - start
    found: list[tuple[dt.datetime, dt.datetime]] = []
    step = 0
    while True:
        day = (
            start.date() + dt.timedelta(weeks=step)
            if repeat.freq == RepeatFreq.WEEKLY
            else _month_later(start.date(), step)
        )
        step += 1
        if day is None:
            continue
        if day > repeat.until:
            break
        begin = dt.datetime.combine(day, start.timetz().replace(tzinfo=None)).replace(tzinfo=LOCAL)
        found.append((begin, begin + length))
    return found
