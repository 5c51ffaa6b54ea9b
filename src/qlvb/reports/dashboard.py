"""The leader's dashboard: volumes this week and this month; work due in the last twelve months (to the
end of this month) by where it stands, by unit and by person; everything overdue now and the longest
overdue items; work by state. Computed in SQL
for the actor's scope and kept in the cache (``cache.py`` says how it stays correct)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from . import cache, stats
from .periods import Period, this_month, this_week
from .scope import Scope


def _compute(scope: Scope, today: dt.date) -> dict[str, Any]:
    week, month = this_week(today), this_month(today)
    back = today.year * 12 + today.month - 1 - 11  # the first day of the month eleven months ago
    year = Period(dt.date(back // 12, back % 12 + 1, 1), month.end)
    fw, fm, fy = stats.Filters(period=week), stats.Filters(period=month), stats.Filters(period=year)
    by_unit = stats.work_by(scope, fy, level="unit", today=today)
    return {
        "today": today,
        "week": week,
        "month": month,
        "year": year,
        "volumes": stats.volumes_split(scope, fw, fm),
        # the same rows as ``stats.work_counts``, grouped by unit: their sums are its totals (one query less)
        "work": {c: sum(r[c] for r in by_unit) for c in stats.CATEGORIES},
        "overdue_now": stats.overdue_now(scope, fy, today=today).count(),
        "by_unit": by_unit,
        "by_person": stats.work_by(scope, fy, level="person", today=today)[:15],
        "longest": stats.longest_overdue(scope, fy, limit=10, today=today),
        "by_state": stats.work_by_state(scope, fy),
    }


def dashboard(scope: Scope) -> dict[str, Any]:
    today = timezone.localdate()
    return cache.cached(scope.agency.pk, f"dash:{scope.key}", lambda: _compute(scope, today))
