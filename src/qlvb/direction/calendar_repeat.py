"""Repeated events of the work calendar ("giao ban thứ Hai hằng tuần", "họp thường kỳ ngày 25 hằng tháng").

A repetition is a rule — daily, weekly or monthly, until a day or for a number of occurrences — kept as an
``EventSeries`` (the feed writes it as one VEVENT with an RRULE) and turned into its occurrences when the
event is made: each occurrence is an ordinary event of the calendar (published with its week, changed or
cancelled on its own, booked in its room), remembering the start the rule gave it. Occurrences keep the
local time of day of the first one across a change of month; a monthly repetition on the 29th–31st skips the
months that have no such day (as a person reading "ngày 31 hằng tháng" expects, and as RFC 5545 expands
``FREQ=MONTHLY`` from such a day)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from qlvb.core.errors import ValidationFailed

from .calendar_models import RepeatFreq
from .calendar_selectors import LOCAL
from .errors import ErrorCode

__all__ = ["MAX_COUNT", "MAX_SPAN_DAYS", "Repeat", "RepeatFreq", "occurrences", "rrule"]

MAX_SPAN_DAYS = 400  # a year of meetings and some (at most 58 weekly occurrences): beyond it is a typing mistake
MAX_COUNT = 400


@dataclass(frozen=True)
class Repeat:
    """Repeat every day, week or month until ``until`` (inclusive, a local date) or ``count`` times."""

    freq: str
    until: dt.date | None = None
    count: int | None = None


def _month_later(day: dt.date, months: int) -> dt.date | None:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    if day.day > calendar.monthrange(year, month)[1]:
        return None
    return day.replace(year=year, month=month)


def _day(first: dt.date, freq: str, step: int) -> dt.date | None:
    if freq == RepeatFreq.DAILY:
        return first + dt.timedelta(days=step)
    if freq == RepeatFreq.WEEKLY:
        return first + dt.timedelta(weeks=step)
    return _month_later(first, step)


def _check(start: dt.datetime, repeat: Repeat) -> None:
    if repeat.freq not in RepeatFreq.values:
        raise ValidationFailed(
            "Cách lặp lại không hợp lệ: chọn hằng ngày, hằng tuần hoặc hằng tháng.", code=ErrorCode.BAD_REPEAT
        )
    if (repeat.until is None) == (repeat.count is None):
        raise ValidationFailed(
            "Chọn một cách kết thúc lặp lại: đến ngày nào, hoặc bao nhiêu buổi.", code=ErrorCode.BAD_REPEAT
        )
    if repeat.count is not None and not 1 <= repeat.count <= MAX_COUNT:
        raise ValidationFailed(f"Số buổi lặp lại phải từ 1 đến {MAX_COUNT}.", code=ErrorCode.BAD_REPEAT)
    if repeat.until is not None and repeat.until < start.date():
        raise ValidationFailed(
            f"Ngày kết thúc lặp lại ({repeat.until:%d/%m/%Y}) phải từ ngày bắt đầu ({start:%d/%m/%Y}) trở đi.",
            code=ErrorCode.BAD_REPEAT,
        )


def occurrences(starts_at: dt.datetime, ends_at: dt.datetime, repeat: Repeat) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) of every occurrence, the first one included, in local wall-clock time; refused with
    a Vietnamese message when the repetition has no valid end or reaches too far."""
    start, end = starts_at.astimezone(LOCAL), ends_at.astimezone(LOCAL)
    _check(start, repeat)
    length = end - start
    found: list[tuple[dt.datetime, dt.datetime]] = []
    step = 0
    while repeat.count is None or len(found) < repeat.count:
        day = _day(start.date(), repeat.freq, step)
        step += 1
        if day is None:
            continue
        if repeat.until is not None and day > repeat.until:
            break
        if (day - start.date()).days > MAX_SPAN_DAYS:
            raise ValidationFailed(
                f"Lặp lại tối đa {MAX_SPAN_DAYS} ngày kể từ buổi đầu; hãy chọn ngày kết thúc sớm hơn hoặc ít buổi hơn.",
                code=ErrorCode.BAD_REPEAT,
            )
        begin = dt.datetime.combine(day, start.timetz().replace(tzinfo=None)).replace(tzinfo=LOCAL)
        found.append((begin, begin + length))
    return found


def rrule(freq: str, *, until: str | None = None, count: int | None = None) -> str:
    """The RFC 5545 RRULE value: ``FREQ=WEEKLY;UNTIL=...`` or ``...;COUNT=n`` (``until`` already formatted:
    a DATE for whole-day events, a UTC DATE-TIME otherwise)."""
    value = f"FREQ={freq.upper()}"
    if until is not None:
        return f"{value};UNTIL={until}"
    if count is not None:
        return f"{value};COUNT={count}"
    return value
