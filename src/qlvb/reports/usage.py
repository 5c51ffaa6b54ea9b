"""Báo cáo định kỳ 06 tháng tình hình hoạt động của Hệ thống QLVB&ĐH (seed Điều 21.10): per agency, and
for the whole deployment (every agency the admin administers, one row each and the total).

Every figure is one grouped SQL query over all the agencies of the report at once (``GROUP BY agency``),
restricted to those agencies; nothing is stored, so a period can be run again at any time and gives the
figures of the data as it is then.

- accounts: active accounts of the agency's units, those used in the period (a person with at least one
  entry in the audit log — a sign-in or any recorded action — in the period), locked accounts;
- incoming documents received in the period, by channel (national axis, internal exchange, e-mail,
  storage medium, paper, other), electronic = every channel but paper; those whose main file carries a
  valid digital signature;
- outgoing documents issued in the period, those signed digitally (the agency's signature applied), and
  their deliveries by transport (national axis, internal, paper, no address yet);
- work (documents and tasks) due in the period: on time, late, overdue, not yet due (``stats.py``);
- reminders sent (đôn đốc) in the period;
- dossiers opened in the period, and those closed in the period and since handed to the archive;
- incidents and downtime: from the incident and maintenance log of the operations app (``operations.notices
  .incidents_in``): they concern the whole deployment, so every agency's row shows the same figures and
  the total does not add them up."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentRole, Reminder
from qlvb.core.models import AuditEntry
from qlvb.directory.models import Unit, User
from qlvb.documents.deliveries import Delivery, Transport
from qlvb.documents.models import Attachment, AttachmentKind, Channel, Direction, Document, SignatureState
from qlvb.dossiers.models import Dossier, DossierState
from qlvb.operations.notices import incidents_in
from qlvb.outgoing.models import Outgoing, State

from .periods import Period
from .stats import CATEGORIES, category_q

ISSUED = (State.ISSUED, State.REVOKED, State.REPLACED)
CHANNELS = [c.value for c in Channel]
TRANSPORTS = [t.value for t in Transport]

# (key, label) in the order of the report's table; the keys are those of ``AgencyUsage.values``.
ROWS: list[tuple[str, str]] = [
    ("accounts_active", "Tài khoản đang hoạt động"),
    ("accounts_used", "Tài khoản có sử dụng trong kỳ"),
    ("accounts_locked", "Tài khoản đã khóa"),
    ("in_total", "Văn bản đến tiếp nhận trong kỳ"),
    ("in_electronic", "— trong đó văn bản điện tử"),
    ("in_signed", "— trong đó có chữ ký số hợp lệ"),
    ("in_axis", "— qua Trục liên thông văn bản quốc gia"),
    ("in_internal", "— liên thông nội bộ"),
    ("in_email", "— qua thư điện tử"),
    ("in_medium", "— qua vật mang tin"),
    ("in_paper", "— bản giấy (số hóa)"),
    ("in_other", "— kênh khác"),
    ("out_total", "Văn bản đi phát hành trong kỳ"),
    ("out_signed", "— trong đó ký số"),
    ("out_axis", "Lượt gửi qua Trục liên thông quốc gia"),
    ("out_internal", "Lượt gửi liên thông nội bộ"),
    ("out_paper", "Lượt gửi bản giấy"),
    ("out_none", "Lượt gửi chưa có địa chỉ liên thông"),
    ("work_total", "Văn bản, nhiệm vụ đến hạn trong kỳ"),
    ("work_on_time", "— hoàn thành đúng hạn"),
    ("work_late", "— hoàn thành trễ hạn"),
    ("work_overdue", "— quá hạn, chưa hoàn thành"),
    ("work_not_due", "— chưa đến hạn"),
    ("reminders", "Số lần đôn đốc"),
    ("dossiers_opened", "Hồ sơ lập trong kỳ"),
    ("dossiers_transferred", "Hồ sơ đóng trong kỳ và đã nộp lưu"),
    ("incidents", "Sự cố hệ thống"),
    ("maintenances", "Đợt bảo trì, nâng cấp"),
    ("downtime_minutes", "Thời gian sự cố, bảo trì (phút)"),
]
DEPLOYMENT_WIDE = ("incidents", "maintenances", "downtime_minutes")
INCIDENTS_NOTE = (
    "Sự cố và bảo trì tính cho toàn hệ thống (mọi cơ quan cùng chịu), theo nhật ký Sự cố, bảo trì của "
    "quản trị hệ thống; thời gian tính phần nằm trong kỳ báo cáo."
)


@dataclass
class AgencyUsage:
    agency_id: int | None
    name: str
    values: dict[str, int] = field(default_factory=dict)

    def share(self, part: str, whole: str) -> str:
        total = self.values.get(whole, 0)
        return f"{100 * self.values.get(part, 0) / total:.1f} %" if total else "—"


@dataclass
class UsageReport:
    period: Period
    agencies: list[AgencyUsage]
    total: AgencyUsage
    generated_at: dt.datetime
    whole_deployment: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "generated_at": self.generated_at.isoformat(),
            "whole_deployment": self.whole_deployment,
            "rows": [{"key": k, "label": label} for k, label in ROWS],
            "agencies": [{"id": a.agency_id, "name": a.name, "values": a.values} for a in self.agencies],
            "total": self.total.values,
            "incidents_note": INCIDENTS_NOTE,
        }


def _rows(query: Any) -> list[dict[str, Any]]:
    """The rows of a grouped ``values()`` query, typed loosely (their keys vary with the grouping)."""
    return [dict(r) for r in query]


def _accounts(ids: list[int], p: Period, out: dict[int, dict[str, int]]) -> None:
    people = User.objects.filter(unit__agency_id__in=ids)
    used = AuditEntry.objects.filter(created_at__gte=p.start_at, created_at__lt=p.end_before).values("actor_id")
    rows = people.values("unit__agency_id").annotate(
        active=Count("pk", filter=Q(is_active=True)),
        locked=Count("pk", filter=Q(is_active=False)),
        used=Count("pk", filter=Q(pk__in=used)),
    )
    for r in _rows(rows.order_by()):
        v = out[r["unit__agency_id"]]
        v["accounts_active"], v["accounts_locked"], v["accounts_used"] = r["active"], r["locked"], r["used"]


def _incoming(ids: list[int], p: Period, out: dict[int, dict[str, int]]) -> None:
    signed = Attachment.objects.filter(
        document_id=OuterRef("pk"),
        kind=AttachmentKind.MAIN,
        superseded_at__isnull=True,
        signature_status=SignatureState.VALID,
    )
    rows = (
        Document.objects.filter(
            agency_id__in=ids,
            direction=Direction.INCOMING,
            received_at__gte=p.start_at,
            received_at__lt=p.end_before,
        )
        .annotate(signed=Exists(signed))
        .values("agency_id", "channel")
        .annotate(n=Count("pk"), s=Count("pk", filter=Q(signed=True)))
        .order_by()
    )
    for r in _rows(rows):
        v = out[r["agency_id"]]
        channel = r["channel"] if r["channel"] in CHANNELS else Channel.OTHER
        v[f"in_{channel}"] += r["n"]
        v["in_total"] += r["n"]
        v["in_signed"] += r["s"]
        if channel != Channel.PAPER:
            v["in_electronic"] += r["n"]


def _outgoing(ids: list[int], p: Period, out: dict[int, dict[str, int]]) -> None:
    issued = Outgoing.objects.filter(
        document__agency_id__in=ids, state__in=ISSUED, issued_at__gte=p.start_at, issued_at__lt=p.end_before
    )
    rows = issued.values("document__agency_id").annotate(
        n=Count("pk"), s=Count("pk", filter=Q(agency_signed_at__isnull=False) | Q(signed_pdf__isnull=False))
    )
    for r in _rows(rows.order_by()):
        v = out[r["document__agency_id"]]
        v["out_total"], v["out_signed"] = r["n"], r["s"]
    sent = (
        Delivery.objects.filter(document_id__in=issued.values("pk"))
        .values("document__agency_id", "transport")
        .annotate(n=Count("pk"), paper=Count("pk", filter=Q(also_paper=True)))
        .order_by()
    )
    for r in _rows(sent):
        v = out[r["document__agency_id"]]
        v[f"out_{r['transport']}"] += r["n"]
        if r["transport"] != Transport.PAPER:
            v["out_paper"] += r["paper"]


def _work(ids: list[int], p: Period, today: dt.date, out: dict[int, dict[str, int]]) -> None:
    rows = (
        Assignment.objects.filter(
            agency_id__in=ids,
            role=AssignmentRole.LEAD,
            parent__isnull=True,
            due_date__gte=p.start,
            due_date__lte=p.end,
        )
        .values("agency_id")
        .annotate(**{c: Count("pk", filter=category_q(c, today)) for c in CATEGORIES})
        .order_by()
    )
    for r in _rows(rows):
        v = out[r["agency_id"]]
        for c in CATEGORIES:
            v[f"work_{c}"] = r[c]
        v["work_total"] = sum(r[c] for c in CATEGORIES)
    reminders = (
        Reminder.objects.filter(assignment__agency_id__in=ids, sent_at__gte=p.start_at, sent_at__lt=p.end_before)
        .values("assignment__agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in _rows(reminders):
        out[r["assignment__agency_id"]]["reminders"] = r["n"]


def _dossiers(ids: list[int], p: Period, out: dict[int, dict[str, int]]) -> None:
    opened = (
        Dossier.objects.filter(agency_id__in=ids, created_at__gte=p.start_at, created_at__lt=p.end_before)
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in _rows(opened):
        out[r["agency_id"]]["dossiers_opened"] = r["n"]
    moved = (
        Dossier.objects.filter(
            agency_id__in=ids,
            state__in=(DossierState.SUBMITTED, DossierState.ARCHIVED),
            closed_at__gte=p.start_at,
            closed_at__lt=p.end_before,
        )
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in _rows(moved):
        out[r["agency_id"]]["dossiers_transferred"] = r["n"]


def usage_compute(agencies: list[Unit], period: Period, *, whole_deployment: bool = False) -> UsageReport:
    """The report for ``agencies`` (already checked by the caller: ``scope.py``)."""
    ids = [a.pk for a in agencies]
    today = timezone.localdate()
    values: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys((k for k, _l in ROWS), 0))
    _accounts(ids, period, values)
    _incoming(ids, period, values)
    _outgoing(ids, period, values)
    _work(ids, period, today, values)
    _dossiers(ids, period, values)
    log = incidents_in(period.start_at, period.end_before)
    shared = {
        "incidents": log.incidents,
        "maintenances": log.maintenances,
        "downtime_minutes": int(log.downtime.total_seconds() // 60),
    }
    for agency_id in ids:
        values[agency_id].update(shared)
    rows = [AgencyUsage(a.pk, a.name, dict(values[a.pk])) for a in agencies]
    summed = {k: sum(r.values[k] for r in rows) for k, _l in ROWS if k not in DEPLOYMENT_WIDE}
    total = AgencyUsage(None, "Tổng cộng", {**summed, **shared})
    return UsageReport(period, rows, total, timezone.now(), whole_deployment)
