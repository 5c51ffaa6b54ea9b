"""The lists behind the numbers: each number of the dashboard and the statistics links here with its
measure and filters, and the list is built from the same query as the number (``stats.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.assignments.models import Assignment

from . import stats
from .scope import Scope

MEASURES: dict[str, Any] = {
    "on_time": _("Hoàn thành đúng hạn"),
    "late": _("Hoàn thành trễ hạn"),
    "overdue": _("Quá hạn, chưa hoàn thành"),
    "not_due": _("Chưa đến hạn"),
    "total": _("Tất cả việc đến hạn trong kỳ"),
    "overdue_now": _("Đang quá hạn (mọi kỳ)"),
}


def work_list(scope: Scope, f: stats.Filters, *, measure: str, level: str) -> QuerySet[Assignment]:
    today = timezone.localdate()
    if measure == "overdue_now":
        query = stats.overdue_now(scope, f, today=today)
    else:
        query = stats.work_due(scope, f, level=level)
        if measure in stats.CATEGORIES:
            query = query.filter(stats.category_q(measure, today))
    return query.select_related("unit", "user", "document", "document__doc_type").order_by("due_date", "pk")
