"""The period a figure covers: two local dates, both included (Asia/Ho_Chi_Minh). Parsed from what a page
or an API client sends (``dd/mm/yyyy`` or ISO ``yyyy-mm-dd``, or a half year ``2026-1``); refused with a
Vietnamese message when it ends before it starts, is no date, or spans more than five years."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.errors import ValidationFailed

from .errors import ErrorCode

MAX_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def start_at(self) -> dt.datetime:
        """Local midnight at the start (an aware datetime: a range on a timestamp column uses its index)."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time()))

    @property
    def end_before(self) -> dt.datetime:
        """Local midnight of the day after the end (the range is ``start_at <= t < end_before``)."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time()))

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def query(self) -> str:
        return f"tu={self.start:%d/%m/%Y}&den={self.end:%d/%m/%Y}"


def parse_date(value: str, *, field: str) -> dt.date:
    value = (value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 — a calendar date, no time
        except ValueError:
            continue
    raise ValidationFailed(
        _("%(field)s không phải là ngày hợp lệ (dd/mm/yyyy): «%(value)s».") % {"field": field, "value": value[:20]},
        code=ErrorCode.PERIOD_INVALID,
        details={"field": field},
    )


def period_make(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise ValidationFailed(
            _("Kỳ báo cáo kết thúc (%(end)s) trước khi bắt đầu (%(start)s): hãy chọn ngày kết thúc sau ngày bắt đầu.")
            % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
            code=ErrorCode.PERIOD_REVERSED,
        )
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed(_("Kỳ báo cáo dài quá 5 năm: hãy chọn kỳ ngắn hơn."), code=ErrorCode.PERIOD_TOO_LONG)
    return Period(start, end)


def half_year(year: int, half: int) -> Period:
    """Six months (seed Điều 21.10): 01/01–30/06 or 01/07–31/12."""
    if half == 1:
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30))
    return Period(dt.date(year, 7, 1), dt.date(year, 12, 31))


def current_half(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return half_year(today.year, 1 if today.month <= 6 else 2)


def this_week(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return Period(monday, monday + dt.timedelta(days=6))


def this_month(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, following - dt.timedelta(days=1))


def period_from(params: dict[str, str], *, default: Period) -> Period:
    """``ky=2026-1`` (a half year), or ``tu`` / ``den`` (either may be left out: the default's), or the default."""
    half = (params.get("ky") or "").strip()
    if half:
        year, _sep, part = half.partition("-")
        if not (year.isdigit() and part in ("1", "2") and 2000 <= int(year) <= 2100):
            raise ValidationFailed(
                _("Kỳ 06 tháng phải có dạng năm-1 hoặc năm-2, ví dụ 2026-1."), code=ErrorCode.PERIOD_INVALID
            )
        return half_year(int(year), int(part))
    start = parse_date(params["tu"], field=_("Từ ngày")) if params.get("tu") else default.start
    end = parse_date(params["den"], field=_("Đến ngày")) if params.get("den") else default.end
    return period_make(start, end)
