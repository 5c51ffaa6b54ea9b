"""Reads of outgoing documents, restricted in the SQL query to what the actor may see.

Visible to its drafter, to everyone on its approval chain (any round), to the agency's clerks and
leaders, to the people invited to give their opinion (lấy ý kiến, any round); once issued, also to the
clerks and leaders of its recipient agencies. Nobody else gets anything but 404. The summary of the
opinions is for those who see the draft by their own role, not merely as invited.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.bounds import BIGINT_MAX
from qlvb.core.errors import NotFound
from qlvb.core.statements import KeptPages, KeptStatement, Shape
from qlvb.core.text import fold
from qlvb.directory.delegation import grantors_subquery
from qlvb.directory.models import DelegationScope, RoleAssignment, User
from qlvb.documents.deliveries import Delivery
from qlvb.documents.models import Direction, Document

from . import policies
from .models import (
    SIGNED_STATES,
    ApprovalStep,
    Consultation,
    ConsultationAnswer,
    Outgoing,
    State,
    StepKind,
    StepStatus,
)

ISSUED_STATES = (State.ISSUED, State.REVOKED, State.REPLACED)


def _units_with(person: int, roles: tuple[str, ...]) -> QuerySet[RoleAssignment, Any]:
    return RoleAssignment.objects.filter(user_id=person, role__in=roles).values("unit_id")


def _delegated_steps(person: int, day: dt.date) -> Q:
    """The steps ``person`` may take for another under a delegation in force on ``day`` (ủy quyền): the signing
    steps of the leaders he signs for, the review steps of those he approves for."""
    return Q(kind=StepKind.SIGN, user_id__in=grantors_subquery(person, DelegationScope.SIGN, on=day)) | Q(
        kind=StepKind.REVIEW, user_id__in=grantors_subquery(person, DelegationScope.APPROVE, on=day)
    )


def outgoing_visible_to(actor: User, *, invited: bool = True) -> QuerySet[Outgoing]:
    """``invited=False``: without the documents the actor sees only because he was asked his opinion."""
    if not _signed_in(actor):
        return Outgoing.objects.none()
    return _visible(actor.pk, timezone.localdate(), invited=invited)


def _visible(person: int, day: dt.date, *, invited: bool = True) -> QuerySet[Outgoing]:
    """:func:`outgoing_visible_to` from plain values (the person's id, today): what the kept list's builder
    calls (core/statements.py). A copy of the query built once per person, day and process: everything that may
    change within a day — roles, delegations, steps, recipients — is read by the SQL when it runs, so the built
    query depends on these values only (a document's page asked it three times, ~3 ms of building each)."""
    return _visible_built(person, day, invited).all()  # a copy: the kept one is never evaluated


@functools.lru_cache(maxsize=1024)
def _visible_built(person: int, day: dt.date, invited: bool) -> QuerySet[Outgoing]:
    on_chain = ApprovalStep.objects.filter(
        Q(user_id=person)
        | Q(decided_by_id=person)  # a step he took for another (ủy quyền)
        | _delegated_steps(person, day),  # the steps of the leader he signs or approves for
        outgoing_id=OuterRef("pk"),
    )
    recipient = Delivery.objects.filter(
        document_id=OuterRef("pk"), unit_id__in=_units_with(person, policies.AGENCY_WIDE_ROLES)
    )
    # The agency's outgoing documents as a set of ids read by the (agency, direction, …) index, not a join:
    # joined, the planner read every document of the deployment to build the list and its count.
    agency_wide = Document.objects.filter(
        agency_id__in=_units_with(person, policies.AGENCY_WIDE_ROLES), direction=Direction.OUTGOING
    ).values("pk")
    rule = (
        Q(drafter_id=person)
        | Q(pk__in=agency_wide)
        | Q(Exists(on_chain))
        | (Q(state__in=ISSUED_STATES) & Q(Exists(recipient)))
    )
    if invited:
        asked = ConsultationAnswer.objects.filter(consultation__outgoing_id=OuterRef("pk"), user_id=person)
        rule |= Q(Exists(asked))
    return Outgoing.objects.filter(rule)


def outgoing_documents_visible_to(actor: User) -> QuerySet[Document]:
    """Outgoing's rule as documents (``documents.visibility``, the search and the dossiers ask it): the documents
    of the drafts the actor may see, in one statement."""
    if not _signed_in(actor):
        return Document.objects.none()
    return _documents_arm(actor.pk, timezone.localdate()).all()  # a copy: the kept one is never evaluated


def visibility_key(actor: User) -> tuple[int, dt.date] | None:
    """What decides the whole SQL of :func:`outgoing_documents_visible_to` (``documents.visibility``)."""
    return (actor.pk, timezone.localdate()) if _signed_in(actor) else None


@functools.lru_cache(maxsize=1024)
def _documents_arm(person: int, day: dt.date) -> QuerySet[Document]:
    """Built once per person, day and process, as :func:`_visible` (the search asks it twice a page)."""
    return Document.objects.filter(direction=Direction.OUTGOING, pk__in=_visible(person, day).values("document_id"))


def consultations_shown(actor: User, *, outgoing: Outgoing) -> tuple[list[Consultation], bool]:
    """:func:`consultations_for` on the document's page: every round by a kept statement for a person who sees
    them all (``page_reads.rounds_shown``)."""
    from .page_reads import rounds_shown

    if outgoing_visible_one(actor, outgoing.pk, invited=False):
        return rounds_shown(outgoing), True
    return list(consultations_for(actor, outgoing=outgoing)[0]), False


def consultations_for(actor: User, *, outgoing: Outgoing) -> tuple[QuerySet[Consultation], bool]:
    """The rounds of ``outgoing`` the actor may see, and whether he sees their summary (every answer):
    those who see the draft by their own role see every round; the invited only the rounds they were
    asked in (with their own answer)."""
    rounds = Consultation.objects.filter(outgoing=outgoing).select_related("version", "created_by", "closed_by")
    if outgoing_visible_one(actor, outgoing.pk, invited=False):
        return rounds, True
    return rounds.filter(answers__user_id=actor.pk).distinct(), False


def consultation_get(actor: User, *, outgoing: Outgoing, pk: Any) -> tuple[Consultation, bool]:
    rounds, full = consultations_for(actor, outgoing=outgoing)
    try:
        found = rounds.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found, full


# One outgoing document the person may see, with what its page shows: kept compiled (core/statements.py).
_GET: KeptStatement[Outgoing] = KeptStatement(
    "outgoing.get",
    lambda person, day, pk: (
        _visible(person, day)
        .select_related(
            "document__doc_type",
            "document__agency",
            "drafter",
            "drafting_unit",
            "signer",
            "approved_version",
            "signed_pdf__blob",
            "answers",
            "replaces__document",
        )
        .filter(pk=pk)[:1]
    ),
    person=int,
    day=dt.date,
    pk=int,
)


# Whether a person sees one document (the comment button's precondition, the consultations' summary): kept.
_SEES: KeptStatement[int] = KeptStatement(
    "outgoing.sees",
    lambda person, day, invited, pk: (
        _visible(person, day, invited=invited).filter(pk=pk).values_list("pk", flat=True)[:1]
    ),
    person=int,
    day=dt.date,
    invited=Shape,
    pk=int,
)


def outgoing_visible_one(actor: User, pk: int, *, invited: bool = True) -> bool:
    """``outgoing_visible_to(actor, invited=invited).filter(pk=pk).exists()``, by a kept statement."""
    if not _signed_in(actor) or not 0 < pk <= BIGINT_MAX:
        return False
    return _SEES.first(person=actor.pk, day=timezone.localdate(), invited=invited, pk=pk) is not None


def outgoing_get(actor: User, *, pk: Any) -> Outgoing:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not _signed_in(actor) or not 0 < pk <= BIGINT_MAX:  # out of the column's range: no such document
        raise NotFound()
    found = _GET.first(person=actor.pk, day=timezone.localdate(), pk=pk)
    if found is None:
        raise NotFound()
    return found


BOXES = {
    "mine": _("Tôi soạn thảo"),
    "todo": _("Chờ tôi xử lý"),
    "clerk": _("Văn thư: chờ kiểm tra, cấp số, phát hành"),
    "issued": _("Đã phát hành"),
    "all": _("Tất cả"),
}


MAX_WORDS = 8


def outgoing_matching(queryset: QuerySet[Outgoing], query: str) -> QuerySet[Outgoing]:
    """Quick search as on the incoming list: every word of ``query``, folded by ``core.text.fold``
    (no diacritics, đ→d, lower case), must occur in the document's folded text (number and notation,
    organ, subject, signer) — a ``LIKE`` in the SQL, never a filter in Python."""
    for word in fold(query or "").split()[:MAX_WORDS]:
        queryset = queryset.filter(document__search_folded__contains=word)
    return queryset


def outgoing_box(actor: User, *, box: str, q: str = "") -> QuerySet[Outgoing]:
    """One box of the outgoing list, newest first: by the key (the document's id grows with its creation),
    which the list's LIMIT walks backwards, rather than by the document's ``created_at`` (a sort of every
    visible row)."""
    if not _signed_in(actor):
        return Outgoing.objects.none()
    return _box(actor.pk, timezone.localdate(), box, q)


def _box(person: int, day: dt.date, box: str, q: str = "") -> QuerySet[Outgoing]:
    base = _visible(person, day).select_related("document__doc_type", "drafter").order_by("-pk")
    base = outgoing_matching(base, q)
    if box == "mine":
        return base.filter(drafter_id=person)
    if box == "todo":
        mine = ApprovalStep.objects.filter(
            Q(user_id=person) | _delegated_steps(person, day),
            outgoing_id=OuterRef("pk"),
            round=OuterRef("round"),
            status=StepStatus.PENDING,
        )
        return base.filter(Exists(mine) | Q(drafter_id=person, state=State.RETURNED))
    if box == "clerk":
        clerk_units = _units_with(person, ("clerk",))
        fmt = ApprovalStep.objects.filter(
            outgoing_id=OuterRef("pk"), round=OuterRef("round"), status=StepStatus.PENDING, kind=StepKind.FORMAT
        )
        return base.filter(document__agency_id__in=clerk_units).filter(Exists(fmt) | Q(state__in=SIGNED_STATES))
    if box == "issued":
        return base.filter(state__in=ISSUED_STATES)
    return base


def outgoing_box_counts(actor: User, *, boxes: tuple[str, ...]) -> dict[str, int]:
    """The number of documents in each of ``boxes``, in one statement (``UNION ALL`` of one ``COUNT`` per
    box, each with its own plan) rather than a query per box."""
    parts = [
        outgoing_box(actor, box=key).order_by().annotate(box=Value(key)).values("box").annotate(n=Count("pk"))
        for key in boxes
    ]
    if not parts:
        return {}
    counted = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found = {row["box"]: row["n"] for row in counted}
    return {key: found.get(key, 0) for key in boxes}


# --- A box's pages, kept compiled (core/statements.py) ---------------------------------------------------------------
# Opening a box without a search: its statement depends only on the person, the day (delegations in force),
# the box and the page; built and compiled once per shape, then only bound.
_BOX_PAGE: KeptStatement[Outgoing] = KeptStatement(
    "outgoing.box_page",
    lambda person, day, box, offset, limit: _box(person, day, box)[offset : offset + limit],
    person=int,
    day=dt.date,
    box=Shape,
    offset=Shape,
    limit=Shape,
)
_BOX_COUNT: KeptStatement[int] = KeptStatement(
    "outgoing.box_count",
    lambda person, day, box: (
        _box(person, day, box).order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk"))
    ).values_list("n", flat=True),
    person=int,
    day=dt.date,
    box=Shape,
)


def box_rows(actor: User, *, box: str, count: int | None) -> KeptPages[Outgoing]:
    """A box's documents for a ``Paginator``, without a search: the rows :func:`outgoing_box` gives, its count
    the tab's when it has one, else one kept ``COUNT``."""
    values = {"person": actor.pk, "day": timezone.localdate(), "box": box if box in BOXES else "all"}
    if not _signed_in(actor):  # as outgoing_box: nothing (a count of 0 reads no page)
        return KeptPages(_BOX_PAGE, values, count=0, counted=lambda: 0)
    return KeptPages(_BOX_PAGE, values, count=count, counted=lambda: sum(_BOX_COUNT.fetch(**values)))


def _signed_in(actor: User | None) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active
