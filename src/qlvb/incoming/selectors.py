"""Reads of incoming documents, restricted in the SQL query to what the actor may see.

A document is visible to its agency's clerks and leaders, to everyone it is assigned to, and to the
department leaders of the departments it is assigned to. Nobody else — not other agencies of the same
deployment — whatever the route (list, detail, file, API, a guessed id).
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus
from qlvb.core import person_counts
from qlvb.core.errors import NotFound
from qlvb.directory.delegation import grantor_ids, grantors_of
from qlvb.directory.models import DelegationScope, User
from qlvb.documents.models import Direction, Document, DocumentStatus
from qlvb.documents.search import documents_matching
from qlvb.documents.seen_models import SeenReceipt

from . import policies

OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
LIST_FIELDS = (
    "id",
    "agency_id",
    "status",
    "doc_type__name",
    "code_number",
    "code_notation",
    "issued_date",
    "organ_name",
    "subject",
    "urgency",
    "assigns_tasks",
    "arrival_number",
    "arrival_date",
    "received_at",
    "registered_at",
    "due_date",
    "completed_at",
    "channel",
)


# The scope of each live user object, kept beside it rather than on it (no attribute added to a model
# instance); the entry leaves when the object is collected, so a reused ``id`` never finds a stale one.
_SCOPES: dict[int, _Scope] = {}


@dataclass(frozen=True)
class _Scope:
    wide: list[int]  # units where the actor is clerk or leader: every incoming document of theirs
    mine: QuerySet[Assignment]  # the assignments that show him documents outside them
    outside: bool  # whether any such assignment may exist
    direct_for: list[int]  # the leaders he directs for (ủy quyền chỉ đạo), not read when ``wide``
    follow_for: list[int]  # the leaders he follows up for (ủy quyền đôn đốc), not read when ``wide``


def _scope(actor: User) -> _Scope:
    """The actor's agency-wide units (clerk, leader), the assignments that show him documents outside
    them, whether any such assignment exists, and the people he acts for by delegation. Computed once per
    user object (one request).

    The unit and grantor ids are written into the SQL as literals so that PostgreSQL serves each arm with an
    index (an ``OR`` of two sub-plans would scan every document of the deployment, docs/benchmarks.md), and
    an arm with no id is left out of the statement."""
    scope = _SCOPES.get(id(actor))
    if scope is None:
        wide = actor.units_with_role(*policies.AGENCY_WIDE_ROLES)
        depts = actor.units_with_role("dept_leader")
        mine = Assignment.objects.filter(Q(user_id=actor.pk) | Q(unit_id__in=depts))
        if wide:  # an assignment carries its document's agency
            mine = mine.exclude(agency_id__in=wide)
        grantors = {} if wide else grantor_ids(actor, (DelegationScope.DIRECT, DelegationScope.FOLLOW))
        scope = _Scope(
            wide=wide,
            mine=mine,
            outside=not wide or mine.exists(),
            direct_for=grantors.get(DelegationScope.DIRECT, []),
            follow_for=grantors.get(DelegationScope.FOLLOW, []),
        )
        _SCOPES[id(actor)] = scope
        weakref.finalize(actor, _SCOPES.pop, id(actor), None)  # gone with the user object (its request)
    return scope


def documents_visible_to(actor: User) -> QuerySet[Document]:
    """Incoming documents ``actor`` may see, filtered inside one SQL statement: the agency's documents
    for its clerks and leaders, the assigned ones for the people and department leaders they went to."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Document.objects.none()
    scope = _scope(actor)
    incoming = Document.objects.filter(direction=Direction.INCOMING)
    if not scope.wide:
        arms = scope.mine.order_by().values("document_id")
        if scope.direct_for:  # a delegate (ủy quyền chỉ đạo) also sees what was submitted to the leader he acts for
            arms = arms.union(incoming.filter(submitted_to_id__in=scope.direct_for).order_by().values("pk"))
        if scope.follow_for:  # ... and (ủy quyền đôn đốc) the documents whose parts that leader gave out
            followed = Assignment.objects.filter(assigned_by_id__in=scope.follow_for, document__isnull=False)
            arms = arms.union(followed.order_by().values("document_id"))
        return incoming.filter(pk__in=arms)
    if not scope.outside:
        return incoming.filter(agency_id__in=scope.wide)
    return incoming.filter(
        pk__in=incoming.filter(agency_id__in=scope.wide).values("pk").union(scope.mine.values("document_id"))
    )


def documents_received_by(actor: User) -> QuerySet[Document]:
    """The incoming documents of which ``actor`` is a recipient, for seen receipts ("đã xem"): those
    assigned to him (lead, support, for information), those assigned to a department he leads, and the
    copies another agency of the deployment sent to his agency when he is its clerk. One statement."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Document.objects.none()
    depts = actor.units_with_role("dept_leader")
    assigned = Assignment.objects.filter(Q(user_id=actor.pk) | Q(user__isnull=True, unit_id__in=depts))
    incoming = Document.objects.filter(direction=Direction.INCOMING)
    mine = Q(pk__in=assigned.order_by().values("document_id"))
    clerk = actor.units_with_role("clerk")
    if clerk:
        mine |= Q(agency_id__in=clerk, delivered_by__isnull=False)
    return incoming.filter(mine)


def _received_here(actor: User) -> Q:
    """For a list's annotation: whether the row's document is one ``actor`` received (see above)."""
    depts = actor.units_with_role("dept_leader")
    assigned = Q(
        Exists(
            Assignment.objects.filter(document_id=OuterRef("pk")).filter(
                Q(user_id=actor.pk) | Q(user__isnull=True, unit_id__in=depts)
            )
        )
    )
    clerk = actor.units_with_role("clerk")
    if not clerk:
        return assigned
    return assigned | Q(agency_id__in=clerk, delivered_by__isnull=False)


def document_get(actor: User, *, pk: int) -> Document:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    document = (
        documents_visible_to(actor)
        .select_related("doc_type", "agency", "register", "submitted_to", "duplicate_of")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise NotFound()
    return document


def assignment_get(actor: User, *, pk: int) -> Assignment:
    """An assignment on a document the actor may see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = (
        Assignment.objects.select_related("document", "unit", "user", "assigned_by", "parent")
        .filter(pk=pk, document__in=documents_visible_to(actor))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    urgency: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    doc_type: int | None = None
    organ: str = ""
    assigns_tasks: bool = False

    def narrows(self) -> bool:
        """Whether :func:`apply_filters` leaves out any document of the box."""
        return bool(
            self.q
            or self.status
            or self.urgency is not None
            or self.date_from
            or self.date_to
            or self.doc_type
            or self.organ
            or self.assigns_tasks
        )


def apply_filters(query: QuerySet[Document], f: Filters) -> QuerySet[Document]:
    if f.assigns_tasks:
        query = query.filter(assigns_tasks=True)
    if f.status:
        query = query.filter(status=f.status)
    if f.urgency is not None:
        query = query.filter(urgency=f.urgency)
    if f.date_from:
        query = query.filter(received_at__date__gte=f.date_from)
    if f.date_to:
        query = query.filter(received_at__date__lte=f.date_to)
    if f.doc_type:
        query = query.filter(doc_type_id=f.doc_type)
    if f.organ:
        query = documents_matching(query, f.organ)
    if f.q:
        query = documents_matching(query, f.q)
    return query


# --- Inboxes -------------------------------------------------------------------------------------------------------

INBOXES: dict[str, tuple[Any, str]] = {
    # key: (label, role that sees the box)
    "all": (_("Tất cả văn bản đến"), ""),
    "to_register": (_("Chờ vào sổ"), "clerk"),
    "registered_today": (_("Đã vào sổ hôm nay"), "clerk"),
    "returned": (_("Bị trả lại"), "clerk"),
    "to_direct": (_("Chờ cho ý kiến"), "leader"),
    "overdue": (_("Quá hạn"), "leader"),
    "to_accept": (_("Chờ chấp nhận kết quả"), "leader"),
    "to_assign": (_("Chờ phân công"), "dept_leader"),
    "to_handle": (_("Cần xử lý"), "officer"),
    "for_info": (_("Để biết"), "officer"),
}


def _my_assignments(actor: User, **extra: Any) -> QuerySet[Assignment]:
    return Assignment.objects.filter(document_id=OuterRef("pk"), user_id=actor.pk, **extra)


def inbox(actor: User, *, key: str, base: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """The documents of one inbox, urgent first. Unknown key → the whole visible list. ``base``: the
    actor's ``documents_visible_to``, when the caller already built it (the counts of every box).

    The units where the actor is clerk, leader or department leader come from his roles read once per
    request (``User.units_with_role``), written into the SQL as literals — no subquery to build per box."""
    if base is None:
        base = documents_visible_to(actor)
    today = timezone.localdate()
    if key == "to_register":
        query = base.filter(status=DocumentStatus.RECEIVED, agency_id__in=actor.units_with_role("clerk"))
    elif key == "registered_today":
        # A range over the local day (not ``__date``) so the index on registered_at serves it.
        start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
        query = base.filter(
            agency_id__in=actor.units_with_role("clerk"),
            registered_at__gte=start,
            registered_at__lt=start + dt.timedelta(days=1),
        )
    elif key == "returned":
        query = base.filter(status=DocumentStatus.RETURNED, agency_id__in=actor.units_with_role("clerk"))
    elif key == "to_direct":
        leader_units = actor.units_with_role("leader")
        query = base.filter(status=DocumentStatus.SUBMITTED).filter(
            Q(agency_id__in=leader_units, submitted_to__isnull=True)
            | Q(agency_id__in=leader_units, submitted_to_id=actor.pk)
            | Q(submitted_to_id__in=grantors_of(actor, DelegationScope.DIRECT))  # the leader he acts for
        )
    elif key == "overdue":
        late = Assignment.objects.filter(
            document_id=OuterRef("pk"), parent__isnull=True, status__in=OPEN, due_date__lt=today
        )
        query = base.filter(agency_id__in=actor.units_with_role("leader"), status=DocumentStatus.IN_PROGRESS).filter(
            Exists(late)
        )
    elif key == "to_accept":
        waiting = Assignment.objects.filter(
            Q(assigned_by_id=actor.pk) | Q(assigned_by_id__in=grantors_of(actor, DelegationScope.FOLLOW)),
            document_id=OuterRef("pk"),
            status=AssignmentStatus.AWAITING,
        )
        query = base.filter(Exists(waiting))
    elif key == "to_assign":
        waiting = Assignment.objects.filter(
            document_id=OuterRef("pk"),
            user__isnull=True,
            status=AssignmentStatus.PENDING,
            unit_id__in=actor.units_with_role("dept_leader"),
        )
        query = base.filter(Exists(waiting))
    elif key == "to_handle":
        query = base.filter(
            Exists(_my_assignments(actor, status__in=OPEN, role__in=(AssignmentRole.LEAD, AssignmentRole.SUPPORT)))
        )
    elif key == "for_info":
        query = base.filter(Exists(_my_assignments(actor, role=AssignmentRole.INFO)))
    else:
        query = base
    return query.order_by("-urgency", "-received_at", "-pk")


def inboxes_for(actor: User) -> list[str]:
    """The inbox keys that apply to the actor's roles, in display order."""
    roles = actor.roles_for(None)
    keys = [k for k, (_label, role) in INBOXES.items() if role and role in roles]
    if "to_direct" not in keys and grantors_of(actor, DelegationScope.DIRECT).exists():
        keys.insert(0, "to_direct")  # a delegate sees the leader's documents waiting for direction
    if (
        "to_accept" not in keys
        and Assignment.objects.filter(  # a clerk who routed a document accepts its result (or a delegate)
            Q(assigned_by_id=actor.pk) | Q(assigned_by_id__in=grantors_of(actor, DelegationScope.FOLLOW)),
            status=AssignmentStatus.AWAITING,
            document__isnull=False,
        ).exists()
    ):
        keys.insert(keys.index("returned") + 1 if "returned" in keys else 0, "to_accept")
    if "officer" not in roles and Assignment.objects.filter(user_id=actor.pk, document__isnull=False).exists():
        keys += ["to_handle", "for_info"]
    return [*keys, "all"]


def inbox_counts(actor: User, *, keys: list[str]) -> dict[str, int]:
    """The number of documents in each box but "all", in one statement: one ``COUNT`` per box joined by
    ``UNION ALL`` — each box keeps its own plan (its own index), the database is asked once."""
    wanted = [k for k in keys if k != "all"]
    if not wanted:
        return {}
    base = documents_visible_to(actor)
    parts = [
        inbox(actor, key=k, base=base).order_by().annotate(box=Value(k)).values("box").annotate(n=Count("pk"))
        for k in wanted
    ]
    counted = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found = {row["box"]: row["n"] for row in counted}
    return {k: found.get(k, 0) for k in wanted}


def boxes_with_counts(actor: User) -> tuple[list[str], dict[str, int]]:
    """The actor's boxes (``inboxes_for``) and their counts (``inbox_counts``), kept per person in the cache
    (``core.person_counts``) until a change of what they count."""

    def compute() -> tuple[list[str], dict[str, int]]:
        keys = inboxes_for(actor)
        return keys, inbox_counts(actor, keys=keys)

    return person_counts.cached(actor.pk, "incoming", compute)


# The orders a list offers: the inbox's own (urgent first, newest first) and "Chưa xem trước".
SORTS: dict[str, Any] = {"": _("Khẩn trước, mới trước"), "unseen": _("Chưa xem trước")}


def document_list(query: QuerySet[Document], actor: User | None = None, *, sort: str = "") -> QuerySet[Document]:
    """Only the columns a list shows (never file contents or long text). With ``actor``, each row also
    carries ``my_due``: the earliest deadline of the actor's own open assignments on the document (his
    personal ones, and his departments' as department leader) — what his inbox must show, rather than the
    document's "thời hạn giải quyết"; and ``unseen``: whether it is one he received and has not seen yet
    (``documents.seen``), in the same statement. ``sort="unseen"`` puts those first, then the inbox's order."""
    query = query.select_related("doc_type").only(*LIST_FIELDS)
    if actor is None:
        return query
    depts = actor.units_with_role("dept_leader")
    mine = Assignment.objects.filter(document_id=OuterRef("pk"), status__in=OPEN, due_date__isnull=False).filter(
        Q(user_id=actor.pk) | Q(user__isnull=True, unit_id__in=depts)
    )
    seen = SeenReceipt.objects.filter(document_id=OuterRef("pk"), user_id=actor.pk)
    query = query.annotate(
        my_due=Subquery(mine.order_by("due_date").values("due_date")[:1]),
        unseen=ExpressionWrapper(_received_here(actor) & ~Q(Exists(seen)), output_field=BooleanField()),
    )
    if sort == "unseen":
        query = query.order_by(F("unseen").desc(), *query.query.order_by)
    return query


def assignments_of(document: Document) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(document=document)
        .select_related("document", "agency", "unit", "user", "assigned_by")  # agency: the permission checks
        .prefetch_related("reminders", "extensions", "updates__author")
        .order_by("parent_id", "assigned_at", "pk")
    )
