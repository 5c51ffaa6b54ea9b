"""Reads of dossier lists and dossiers, restricted in the SQL query to what the actor may see.

A dossier is visible to its creator and to the head (leader) and the archivist of its agency; a dossier
list to the people of its agency. Nobody else gets anything but 404. The documents a person may put in a
dossier are those he may see, by the rule of each direction (``documents.visibility``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from qlvb.assignments.models import Assignment, AssignmentRole
from qlvb.core.errors import NotFound
from qlvb.core.permissions import has
from qlvb.core.statements import Ids, KeptStatement, Shape
from qlvb.directory.models import User
from qlvb.directory.selectors import agency_of
from qlvb.documents.models import Direction, Document, DocumentStatus
from qlvb.documents.visibility import documents_visible_to

from . import policies
from .models import Dossier, DossierItem, DossierPlan, DossierState


def _int(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None


def _signed_in(actor: User | None) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False)) and actor.is_active


def dossiers_visible_to(actor: User) -> QuerySet[Dossier]:
    """Dossiers ``actor`` created, and every dossier of the agencies where he is the head or the archivist;
    archived ones per their chế độ sử dụng."""
    if not _signed_in(actor):
        return Dossier.objects.none()
    wide = actor.units_with_role(*policies.AGENCY_WIDE_ROLES)
    # Under the archive's management, the chế độ sử dụng decides (archive.py): "Công khai" for the people of
    # the agency, "Mật" no longer for its creator, only for the head and the archivist.
    kept = Q(state__in=(DossierState.ARCHIVED, DossierState.DISPOSED))
    rule = (Q(creator_id=actor.pk) & ~(kept & Q(rights="Mật"))) | Q(agency_id__in=wide)
    agency = agency_of(actor)
    if agency is not None:
        rule |= kept & Q(agency_id=agency.pk, rights="Công khai")
    return Dossier.objects.filter(rule)


def dossier_get(actor: User, *, pk: Any) -> Dossier:
    found = (
        dossiers_visible_to(actor)
        .select_related("agency", "creator", "plan_row", "closed_by")
        .filter(pk=_int(pk))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def dossiers_list(actor: User, *, state: str = "", year: int | None = None) -> QuerySet[Dossier]:
    """The visible dossiers with their item count, newest year first."""
    rows = dossiers_visible_to(actor).select_related("creator").annotate(item_count=Count("items"))
    if state:
        rows = rows.filter(state=state)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "notation")


def dossiers_open_for(actor: User) -> QuerySet[Dossier]:
    """The open dossiers ``actor`` may add documents to: his own, and the agency's for its archivist."""
    if not _signed_in(actor):
        return Dossier.objects.none()
    return _open_for(actor.pk, tuple(actor.units_with_role("archivist")))


def _open_for(person: int, wide: tuple[int, ...]) -> QuerySet[Dossier]:
    return Dossier.objects.filter(Q(creator_id=person) | Q(agency_id__in=wide), state=DossierState.OPEN).order_by(
        "-year", "notation"
    )


# The "Thêm vào hồ sơ" form of every document page: kept compiled (core/statements.py).
_OPEN_FOR: KeptStatement[Dossier] = KeptStatement(
    "dossiers.open_for",
    lambda person, wide, limit: _open_for(person, wide)[:limit],
    person=int,
    wide=Ids,
    limit=Shape,
)


def dossiers_open_list(actor: User, *, limit: int) -> list[Dossier]:
    """The first ``limit`` of :func:`dossiers_open_for`, read by a kept statement."""
    if not _signed_in(actor):
        return []
    return _OPEN_FOR.fetch(person=actor.pk, wide=tuple(actor.units_with_role("archivist")), limit=limit)


def dossier_items(dossier: Dossier) -> QuerySet[DossierItem]:
    """The items of a dossier already shown to the actor (callers got it through :func:`dossier_get`)."""
    return dossier.items.select_related("document__doc_type", "stored_file", "added_by").order_by("ordinal")


def dossier_totals(dossier: Dossier) -> tuple[int, int]:
    """(DocTotal, PageTotal): the frozen figures of a closed dossier, else computed from its items."""
    if dossier.doc_total is not None and dossier.page_total is not None:
        return dossier.doc_total, dossier.page_total
    figures = dossier.items.aggregate(n=Count("pk"), pages=Sum("document__page_amount"))
    return figures["n"] or 0, figures["pages"] or 0


def plans_visible_to(actor: User) -> QuerySet[DossierPlan]:
    """The dossier lists of the actor's agency, for the people who work there (a role in the agency or
    in one of its departments)."""
    agency = agency_of(actor)
    if not _signed_in(actor) or agency is None or not has(actor, policies.PLAN_VIEW, unit=actor.unit):
        return DossierPlan.objects.none()
    return DossierPlan.objects.filter(agency=agency)


def plan_get(actor: User, *, pk: Any) -> DossierPlan:
    found = plans_visible_to(actor).select_related("agency", "approved_by", "created_by").filter(pk=_int(pk)).first()
    if found is None:
        raise NotFound()
    return found


def documents_visible_any(actor: User) -> QuerySet[Document]:
    """Documents of every direction ``actor`` may see, as one SQL statement (a union of each rule)."""
    if not _signed_in(actor):
        return Document.objects.none()
    rule = Q()
    for direction in Direction.values:
        rule |= Q(pk__in=documents_visible_to(actor, direction).values("pk"))
    return Document.objects.filter(rule)


def _unfiled_candidates(actor: User) -> dict[str, list[int]]:
    """The documents ``actor`` handled — assigned to him to lead or support, or drafted by him (outgoing,
    internal) —, by direction: one statement served by the two person indexes (assignments' ``user_id``,
    documents' ``created_by_id``), a few hundred ids for the busiest officer at 1 M documents."""
    assigned = Document.objects.filter(
        pk__in=Assignment.objects.filter(
            user_id=actor.pk, role__in=(AssignmentRole.LEAD, AssignmentRole.SUPPORT), document__isnull=False
        ).values("document_id")
    )
    drafted = Document.objects.filter(direction__in=(Direction.OUTGOING, Direction.INTERNAL), created_by_id=actor.pk)
    found: dict[str, list[int]] = {}
    # no ORDER BY inside a UNION (SQLite refuses it)
    for pk, direction in (
        assigned.order_by().values_list("pk", "direction").union(drafted.order_by().values_list("pk", "direction"))
    ):
        found.setdefault(direction, []).append(pk)
    return found


def documents_unfiled(actor: User) -> QuerySet[Document]:
    """ "Chưa lập hồ sơ": documents ``actor`` handled (assigned to him to lead or support, or that he drafted)
    that he may see and that are in no dossier yet.

    Two statements. The first reads the person's own candidates with their direction (``_unfiled_candidates``);
    the second — the queryset returned, sliced and counted by the pages — takes those ids as literals and
    checks each one's visibility with a correlated EXISTS of *its own direction's* rule only, and that no
    dossier holds it. History (docs/benchmarks.md): asking "every document he may see" first made PostgreSQL
    hash the visibility of the whole table (3.9 s p50 at 1 M documents); one statement with the candidates as a
    subquery and the EXISTS of all three directions OR-ed cost 10–100 ms — planning the three rules took longer
    than running them, and the subquery's row estimate decided the join; with literal ids and one rule per
    direction present, the plan is an index scan of the ids whatever the person."""
    if not _signed_in(actor):
        return Document.objects.none()
    candidates = _unfiled_candidates(actor)
    if not candidates:
        return Document.objects.none()
    handled = Q()
    for direction, ids in sorted(candidates.items()):
        visible = documents_visible_to(actor, direction).filter(pk=OuterRef("pk"))
        handled |= Q(pk__in=ids) & Q(Exists(visible))
    filed = DossierItem.objects.filter(document_id=OuterRef("pk"))
    return (
        Document.objects.filter(handled)
        .exclude(status__in=(DocumentStatus.REJECTED, DocumentStatus.WITHDRAWN))
        .filter(~Exists(filed))
        .select_related("doc_type")
        .order_by("-created_at", "-pk")
    )


HISTORY_DETAIL = {
    "dossiers.retention_reassessed": "Thời hạn bảo quản: {before} → {after} (theo {because})",
    "dossiers.reopened": "Lý do: {reason}",
    "dossiers.closed": "{doc_total} văn bản, {page_total} trang",
}


def dossier_history(dossier: Dossier, *, limit: int = 50) -> list[dict[str, Any]]:
    """The "Lịch sử hồ sơ" box: the audit entries recorded on the dossier (opened, closed, retention
    re-assessed, reopened, nộp lưu…), newest first; one indexed query (object type and id)."""
    from django.utils.translation import gettext

    from qlvb.core.audit import ACTIONS
    from qlvb.core.models import AuditEntry

    query = AuditEntry.objects.filter(object_type=Dossier._meta.label_lower, object_id=str(dossier.pk))
    rows = list(query.order_by("-seq")[:limit])
    names = dict(User.objects.filter(pk__in={r.actor_id for r in rows if r.actor_id}).values_list("pk", "full_name"))
    history = []
    for row in rows:
        template = HISTORY_DETAIL.get(row.action, "")
        try:
            detail = template.format(**row.data) if template else ""
        except (KeyError, IndexError, ValueError):
            detail = ""
        label = ACTIONS.get(row.action, row.action)
        history.append(
            {
                "at": row.created_at,
                "who": names.get(row.actor_id or 0) or row.actor_username,
                "what": gettext(label),
                "detail": detail,
                "action": row.action,
            }
        )
    return history
