"""Reads of incoming documents, restricted in the SQL query to what the actor may see.

A document is visible to its agency's clerks and leaders, to everyone it is assigned to, and to the
department leaders of the departments it is assigned to. Nobody else — not other agencies of the same
deployment — whatever the route (list, detail, file, API, a guessed id).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus, Extension, Reminder
from qlvb.core import person_counts
from qlvb.core.bounds import BIGINT_MAX
from qlvb.core.errors import NotFound
from qlvb.core.statements import Ids, KeptPages, KeptStatement, Shape, Words, kept_prefetch
from qlvb.directory.delegation import grantor_ids, grantors_of, grantors_subquery
from qlvb.directory.models import DelegationScope, User
from qlvb.documents.models import Direction, Document, DocumentStatus
from qlvb.documents.search import documents_containing, quick_words
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


# The viewer of each live user object, kept beside it rather than on it (no attribute added to a model
# instance); the entry leaves when the object is collected, so a reused ``id`` never finds a stale one.
_VIEWERS: dict[int, Viewer] = {}


@dataclass(frozen=True)
class Viewer:
    """What the incoming lists' SQL needs of the person, read once per request as plain values: the lists'
    statements are built from these alone, so that they can be kept compiled (core/statements.py).

    The unit and grantor ids are written into the SQL as values of ``IN`` so that PostgreSQL serves each arm
    with an index (an ``OR`` of two sub-plans would scan every document of the deployment,
    docs/benchmarks.md), and an arm with no id is left out of the statement."""

    pk: int
    wide: tuple[int, ...]  # units where the actor is clerk or leader: every incoming document of theirs
    depts: tuple[int, ...]  # units where he is department leader
    clerk: tuple[int, ...]
    leader: tuple[int, ...]
    outside: bool  # whether any assignment may show him documents outside ``wide``
    direct_for: tuple[int, ...]  # the leaders he directs for (ủy quyền chỉ đạo), not read when ``wide``
    follow_for: tuple[int, ...]  # the leaders he follows up for (ủy quyền đôn đốc), not read when ``wide``

    def sight(self) -> dict[str, Any]:
        """What the visibility rule (:func:`_visible`) reads, as a kept statement's parameters."""
        return {
            "person": self.pk,
            "wide": self.wide,
            "depts": self.depts,
            "direct_for": self.direct_for,
            "follow_for": self.follow_for,
            "outside": self.outside,
        }


def viewer_of(actor: User) -> Viewer:
    """The actor's :class:`Viewer`, computed once per user object (one request)."""
    viewer = _VIEWERS.get(id(actor))
    if viewer is None:
        wide = tuple(actor.units_with_role(*policies.AGENCY_WIDE_ROLES))
        depts = tuple(actor.units_with_role("dept_leader"))
        grantors = {} if wide else grantor_ids(actor, (DelegationScope.DIRECT, DelegationScope.FOLLOW))
        viewer = Viewer(
            pk=actor.pk,
            wide=wide,
            depts=depts,
            clerk=tuple(actor.units_with_role("clerk")),
            leader=tuple(actor.units_with_role("leader")),
            outside=True,
            direct_for=tuple(grantors.get(DelegationScope.DIRECT, [])),
            follow_for=tuple(grantors.get(DelegationScope.FOLLOW, [])),
        )
        if wide:  # an assignment that shows him a document outside his agency-wide units
            viewer = dataclasses.replace(viewer, outside=bool(_OUTSIDE.fetch(person=actor.pk, depts=depts, wide=wide)))
        _VIEWERS[id(actor)] = viewer
        weakref.finalize(actor, _VIEWERS.pop, id(actor), None)  # gone with the user object (its request)
    return viewer


def _mine(v: Viewer) -> QuerySet[Assignment]:
    """The assignments that show ``v`` documents outside his agency-wide units (an assignment carries its
    document's agency)."""
    mine = Assignment.objects.filter(Q(user_id=v.pk) | Q(unit_id__in=v.depts))
    return mine.exclude(agency_id__in=v.wide) if v.wide else mine


# Whether such an assignment exists, asked on every page of an agency-wide person: kept compiled.
_OUTSIDE: KeptStatement[int] = KeptStatement(
    "incoming.outside",
    lambda person, depts, wide: (
        _mine(Viewer(person, wide, depts, (), (), True, (), ())).order_by().values_list("pk", flat=True)[:1]
    ),
    person=int,
    depts=Ids,
    wide=Ids,
)


def _signed_in(actor: User | None) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active


def documents_visible_to(actor: User) -> QuerySet[Document]:
    """Incoming documents ``actor`` may see, filtered inside one SQL statement: the agency's documents
    for its clerks and leaders, the assigned ones for the people and department leaders they went to."""
    if not _signed_in(actor):
        return Document.objects.none()
    return _visible(viewer_of(actor))


def visibility_key(actor: User) -> Viewer | None:
    """What decides the whole SQL of :func:`documents_visible_to` (``documents.visibility``): the viewer."""
    return viewer_of(actor) if _signed_in(actor) else None


def _visible(v: Viewer) -> QuerySet[Document]:
    incoming = Document.objects.filter(direction=Direction.INCOMING)
    if not v.wide:
        arms = _mine(v).order_by().values("document_id")
        if v.direct_for:  # a delegate (ủy quyền chỉ đạo) also sees what was submitted to the leader he acts for
            arms = arms.union(incoming.filter(submitted_to_id__in=v.direct_for).order_by().values("pk"))
        if v.follow_for:  # ... and (ủy quyền đôn đốc) the documents whose parts that leader gave out
            followed = Assignment.objects.filter(assigned_by_id__in=v.follow_for, document__isnull=False)
            arms = arms.union(followed.order_by().values("document_id"))
        return incoming.filter(pk__in=arms)
    if not v.outside:
        return incoming.filter(agency_id__in=v.wide)
    return incoming.filter(
        pk__in=incoming.filter(agency_id__in=v.wide).values("pk").union(_mine(v).values("document_id"))
    )


def documents_received_by(actor: User) -> QuerySet[Document]:
    """The incoming documents of which ``actor`` is a recipient, for seen receipts ("đã xem"): those
    assigned to him (lead, support, for information), those assigned to a department he leads, and the
    copies another agency of the deployment sent to his agency when he is its clerk. One statement."""
    if not _signed_in(actor):
        return Document.objects.none()
    return _received_by(actor.pk, tuple(actor.units_with_role("dept_leader")), tuple(actor.units_with_role("clerk")))


def _received_by(person: int, depts: tuple[int, ...], clerk: tuple[int, ...]) -> QuerySet[Document]:
    assigned = Assignment.objects.filter(Q(user_id=person) | Q(user__isnull=True, unit_id__in=depts))
    incoming = Document.objects.filter(direction=Direction.INCOMING)
    mine = Q(pk__in=assigned.order_by().values("document_id"))
    if clerk:
        mine |= Q(agency_id__in=clerk, delivered_by__isnull=False)
    return incoming.filter(mine)


# Whether he received one document: asked on every opening of a document page (its receipt), kept compiled.
_RECEIVED: KeptStatement[int] = KeptStatement(
    "incoming.received",
    lambda person, depts, clerk, pk: _received_by(person, depts, clerk).filter(pk=pk).values_list("pk", flat=True)[:1],
    person=int,
    depts=Ids,
    clerk=Ids,
    pk=int,
)


def document_received(actor: User, document_id: int) -> bool:
    """Whether ``actor`` is a recipient of the incoming document ``document_id`` (:func:`documents_received_by`)."""
    if not _signed_in(actor):
        return False
    if not 0 < document_id <= BIGINT_MAX:
        return False
    depts, clerk = tuple(actor.units_with_role("dept_leader")), tuple(actor.units_with_role("clerk"))
    return bool(_RECEIVED.fetch(person=actor.pk, depts=depts, clerk=clerk, pk=document_id))


def _received_here(v: Viewer) -> Q:
    """For a list's annotation: whether the row's document is one the viewer received (see above)."""
    assigned = Q(
        Exists(
            Assignment.objects.filter(document_id=OuterRef("pk")).filter(
                Q(user_id=v.pk) | Q(user__isnull=True, unit_id__in=v.depts)
            )
        )
    )
    if not v.clerk:
        return assigned
    return assigned | Q(agency_id__in=v.clerk, delivered_by__isnull=False)


def document_get(actor: User, *, pk: int) -> Document:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not _signed_in(actor):
        raise NotFound()
    if not 0 < pk <= BIGINT_MAX:  # no such id (bound as it is, a larger one would fail the statement)
        raise NotFound()
    document = _DOCUMENT.first(**viewer_of(actor).sight(), pk=pk)
    if document is None:
        raise NotFound()
    return document


def _document(
    *,
    person: int,
    wide: tuple[int, ...],
    depts: tuple[int, ...],
    direct_for: tuple[int, ...],
    follow_for: tuple[int, ...],
    outside: bool,
    pk: int,
) -> QuerySet[Document]:
    v = Viewer(person, wide, depts, (), (), outside, direct_for, follow_for)
    related = ("doc_type", "agency", "register", "submitted_to", "duplicate_of")
    return _visible(v).select_related(*related).filter(pk=pk).order_by("pk")[:1]


# The document's page, on every opening: kept compiled (core/statements.py).
_DOCUMENT: KeptStatement[Document] = KeptStatement(
    "incoming.document",
    _document,
    person=int,
    wide=Ids,
    depts=Ids,
    direct_for=Ids,
    follow_for=Ids,
    outside=Shape,
    pk=int,
)


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
    return _narrow(query, f, [*quick_words(f.organ), *quick_words(f.q)])


def _narrow(query: QuerySet[Document], f: Filters, words: Sequence[str]) -> QuerySet[Document]:
    """The filters but the words of ``q`` and ``organ`` (both looked for in the same folded text): ``words``."""
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
    return documents_containing(query, words)


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


def _my_assignments(v: Viewer, **extra: Any) -> QuerySet[Assignment]:
    return Assignment.objects.filter(document_id=OuterRef("pk"), user_id=v.pk, **extra)


@dataclass(frozen=True)
class Day:
    """Today in Vietnam, and its bounds as moments: what the boxes compare with (parameters of the kept lists)."""

    today: dt.date
    start: dt.datetime
    end: dt.datetime

    @classmethod
    def now(cls) -> Day:
        today = timezone.localdate()
        start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
        return cls(today, start, start + dt.timedelta(days=1))


def inbox(actor: User, *, key: str, base: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """The documents of one inbox, urgent first. Unknown key → the whole visible list. ``base``: the
    actor's ``documents_visible_to``, when the caller already built it (the counts of every box)."""
    if base is None:
        base = documents_visible_to(actor)
    return _inbox(viewer_of(actor), key, base, Day.now())


def _inbox(v: Viewer, key: str, base: QuerySet[Document], day: Day) -> QuerySet[Document]:
    """The units where the actor is clerk, leader or department leader come from his roles read once per
    request (``User.units_with_role``), written into the SQL as values — no subquery to build per box."""
    if key == "to_register":
        query = base.filter(status=DocumentStatus.RECEIVED, agency_id__in=v.clerk)
    elif key == "registered_today":
        # A range over the local day (not ``__date``) so the index on registered_at serves it.
        query = base.filter(agency_id__in=v.clerk, registered_at__gte=day.start, registered_at__lt=day.end)
    elif key == "returned":
        query = base.filter(status=DocumentStatus.RETURNED, agency_id__in=v.clerk)
    elif key == "to_direct":
        query = base.filter(status=DocumentStatus.SUBMITTED).filter(
            Q(agency_id__in=v.leader, submitted_to__isnull=True)
            | Q(agency_id__in=v.leader, submitted_to_id=v.pk)
            | Q(
                submitted_to_id__in=grantors_subquery(v.pk, DelegationScope.DIRECT, on=day.today)
            )  # the leader he acts for
        )
    elif key == "overdue":
        late = Assignment.objects.filter(
            document_id=OuterRef("pk"), parent__isnull=True, status__in=OPEN, due_date__lt=day.today
        )
        query = base.filter(agency_id__in=v.leader, status=DocumentStatus.IN_PROGRESS).filter(Exists(late))
    elif key == "to_accept":
        waiting = Assignment.objects.filter(
            Q(assigned_by_id=v.pk)
            | Q(assigned_by_id__in=grantors_subquery(v.pk, DelegationScope.FOLLOW, on=day.today)),
            document_id=OuterRef("pk"),
            status=AssignmentStatus.AWAITING,
        )
        query = base.filter(Exists(waiting))
    elif key == "to_assign":
        waiting = Assignment.objects.filter(
            document_id=OuterRef("pk"),
            user__isnull=True,
            status=AssignmentStatus.PENDING,
            unit_id__in=v.depts,
        )
        query = base.filter(Exists(waiting))
    elif key == "to_handle":
        query = base.filter(
            Exists(_my_assignments(v, status__in=OPEN, role__in=(AssignmentRole.LEAD, AssignmentRole.SUPPORT)))
        )
    elif key == "for_info":
        query = base.filter(Exists(_my_assignments(v, role=AssignmentRole.INFO)))
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
    if actor is None:
        return query.select_related("doc_type").only(*LIST_FIELDS)
    return _listed(query, viewer_of(actor), sort)


def _listed(query: QuerySet[Document], v: Viewer, sort: str) -> QuerySet[Document]:
    query = query.select_related("doc_type").only(*LIST_FIELDS)
    mine = Assignment.objects.filter(document_id=OuterRef("pk"), status__in=OPEN, due_date__isnull=False).filter(
        Q(user_id=v.pk) | Q(user__isnull=True, unit_id__in=v.depts)
    )
    seen = SeenReceipt.objects.filter(document_id=OuterRef("pk"), user_id=v.pk)
    query = query.annotate(
        my_due=Subquery(mine.order_by("due_date").values("due_date")[:1]),
        unseen=ExpressionWrapper(_received_here(v) & ~Q(Exists(seen)), output_field=BooleanField()),
    )
    if sort == "unseen":
        query = query.order_by(F("unseen").desc(), *query.query.order_by)
    return query


# --- A box's pages, kept compiled ----------------------------------------------------------------------------------
# Opening a box unfiltered is most of the traffic: its statement depends only on the viewer's values, the box,
# the order, the day and the page, so it is built and compiled once per shape (core/statements.py) and then
# only bound. The filtered lists and the API build their queryset as usual, from the same functions.


def _box_page(
    *,
    person: int,
    wide: tuple[int, ...],
    depts: tuple[int, ...],
    clerk: tuple[int, ...],
    leader: tuple[int, ...],
    direct_for: tuple[int, ...],
    follow_for: tuple[int, ...],
    outside: bool,
    key: str,
    today: dt.date,
    day_start: dt.datetime,
    day_end: dt.datetime,
    narrowing: tuple[str, ...],
    status: str,
    urgency: int,
    date_from: dt.date,
    date_to: dt.date,
    doc_type: int,
    words: tuple[str, ...],
    sort: str = "",
    offset: int = 0,
    limit: int | None = None,
) -> QuerySet[Any]:
    """A box's documents, filtered by the filters named in ``narrowing`` (the others' values are not read):
    ``limit=None`` gives the whole list (its count)."""
    v = Viewer(person, wide, depts, clerk, leader, outside, direct_for, follow_for)
    f = Filters(
        status=status if "status" in narrowing else "",
        urgency=urgency if "urgency" in narrowing else None,
        date_from=date_from if "date_from" in narrowing else None,
        date_to=date_to if "date_to" in narrowing else None,
        doc_type=doc_type if "doc_type" in narrowing else None,
        assigns_tasks="assigns_tasks" in narrowing,
    )
    query = _narrow(_inbox(v, key, _visible(v), Day(today, day_start, day_end)), f, words)
    if limit is None:  # the count: one row, the documents grouped by the direction they all share
        return query.order_by().values("direction").annotate(n=Count("pk")).values_list("n", flat=True)
    return _listed(query, v, sort)[offset : offset + limit]


_BOX_KINDS: dict[str, Any] = {
    "person": int,
    "wide": Ids,
    "depts": Ids,
    "clerk": Ids,
    "leader": Ids,
    "direct_for": Ids,
    "follow_for": Ids,
    "outside": Shape,
    "key": Shape,
    "today": dt.date,
    "day_start": dt.datetime,
    "day_end": dt.datetime,
    "narrowing": Shape,
    "status": str,
    "urgency": int,
    "date_from": dt.date,
    "date_to": dt.date,
    "doc_type": int,
    "words": Words,
}
_BOX_PAGE: KeptStatement[Document] = KeptStatement(  # the rows (Documents); the count's rows are ints
    "incoming.box_page", _box_page, **_BOX_KINDS, sort=Shape, offset=Shape, limit=Shape
)
_BOX_COUNT: KeptStatement[int] = KeptStatement("incoming.box_count", _box_page, **_BOX_KINDS)


def box_rows(
    actor: User, *, key: str, sort: str, filters: Filters | None = None, count: int | None = None
) -> KeptPages[Document]:
    """A box's documents for a ``Paginator``, filtered or not: its count (``count``, the tab's kept per person,
    for the box unfiltered; else one kept ``COUNT``) and each page read by the kept statement — the rows
    :func:`document_list` gives for ``apply_filters(inbox(...))``."""
    if not _signed_in(actor):
        return KeptPages(_BOX_PAGE, {}, count=0, counted=lambda: 0)  # as documents_visible_to: nothing
    f = filters or Filters()
    v = viewer_of(actor)
    day = Day.now()
    narrowing = tuple(
        name
        for name, on in (
            ("status", bool(f.status)),
            ("urgency", f.urgency is not None),
            ("date_from", bool(f.date_from)),
            ("date_to", bool(f.date_to)),
            ("doc_type", bool(f.doc_type)),
            ("assigns_tasks", f.assigns_tasks),
        )
        if on
    )
    values: dict[str, Any] = {
        **v.sight(),
        "clerk": v.clerk,
        "leader": v.leader,
        "key": key if key in INBOXES else "all",
        "today": day.today,
        "day_start": day.start,
        "day_end": day.end,
        "narrowing": narrowing,
        "status": f.status,
        "urgency": f.urgency or 0,
        "date_from": f.date_from or day.today,
        "date_to": f.date_to or day.today,
        "doc_type": f.doc_type or 0,
        "words": (*quick_words(f.organ), *quick_words(f.q)),
    }
    return KeptPages(_BOX_PAGE, {**values, "sort": sort}, count=count, counted=lambda: sum(_BOX_COUNT.fetch(**values)))


def assignments_of(document: Document) -> QuerySet[Assignment]:
    return _assignments(document.pk).prefetch_related("reminders", "extensions", "updates__author")


def _assignments(document_id: int) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(document_id=document_id)
        .select_related("document", "agency", "unit", "user", "assigned_by")  # agency: the permission checks
        .order_by("parent_id", "assigned_at", "pk")
    )


# The document page's assignments, on every opening: kept compiled (core/statements.py), with their reminders and
# extensions (what the page shows of them) as ``prefetch_related`` would give them.
_ASSIGNMENTS: KeptStatement[Assignment] = KeptStatement("incoming.assignments", _assignments, document_id=int)
_REMINDERS: KeptStatement[Reminder] = KeptStatement(
    "incoming.reminders", lambda ids: Reminder.objects.filter(assignment_id__in=ids), ids=Ids
)
_EXTENSIONS: KeptStatement[Extension] = KeptStatement(
    "incoming.extensions", lambda ids: Extension.objects.filter(assignment_id__in=ids), ids=Ids
)


def assignments_shown(document: Document) -> list[Assignment]:
    """:func:`assignments_of` for the document's page, which shows each one's reminders and extensions (not
    its progress updates): read by kept statements."""
    found = _ASSIGNMENTS.fetch(via=document, document_id=document.pk)
    kept_prefetch(found, "reminders", _REMINDERS)
    kept_prefetch(found, "extensions", _EXTENSIONS)
    return found
