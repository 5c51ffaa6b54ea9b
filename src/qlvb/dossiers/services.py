"""Every write of the dossiers flow: the dossier list (danh mục hồ sơ) and the dossiers (hồ sơ).

Each service checks the permission and the state through the one precondition of its action
(``preconditions.py``), changes the data in one transaction, and records the audit entry (and, on the
documents filed, their ``DocumentEvent``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import require
from qlvb.core.text import text_clean
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record

from . import policies
from .closing import dossier_duplicates, retention_reassess
from .errors import ErrorCode
from .models import (
    MAX,
    RETENTION_YEARS_MAX,
    Dossier,
    DossierItem,
    DossierPlan,
    DossierState,
    Numbering,
    PlanHeading,
    PlanRow,
    PlanState,
)
from .preconditions import (
    dossier_close_check,
    dossier_edit_check,
    dossier_reopen_check,
    plan_approve_check,
    plan_change_check,
)
from .selectors import documents_visible_any

NOTATION_TAKEN = "Số và ký hiệu hồ sơ “{notation}” đã dùng cho một hồ sơ khác của cơ quan trong năm {year}."


def _retention(years: int | None) -> int | None:
    if years is not None and not 1 <= years <= RETENTION_YEARS_MAX:
        raise ValidationFailed(
            f"Thời hạn bảo quản phải từ 1 đến {RETENTION_YEARS_MAX} năm, hoặc để trống nếu là “Vĩnh viễn”.",
            code=ErrorCode.BAD_RETENTION,
        )
    return years


def _notation(value: str) -> str:
    return text_clean(value, label="số và ký hiệu hồ sơ", limit=MAX["file_notation"], required=True)


# --- Danh mục hồ sơ -------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User, agency: Unit, year: int, numbering: str = Numbering.CONTINUOUS) -> DossierPlan:
    """A new draft list for ``year``: version 1, or the next version of an approved one (a change)."""
    require(actor, policies.PLAN_MANAGE, unit=agency)
    if numbering not in Numbering.values:
        raise ValidationFailed("Cách đánh số hồ sơ không hợp lệ.")
    if not 2000 <= year <= 2100:
        raise ValidationFailed("Năm của danh mục hồ sơ không hợp lệ.")
    if DossierPlan.objects.filter(agency=agency, year=year, state=PlanState.DRAFT).exists():
        raise Conflict(f"Đã có một dự thảo danh mục hồ sơ năm {year}.", code=ErrorCode.PLAN_EXISTS)
    last = DossierPlan.objects.filter(agency=agency, year=year).aggregate(v=Max("version"))["v"] or 0
    plan = DossierPlan.objects.create(agency=agency, year=year, version=last + 1, numbering=numbering, created_by=actor)
    audit.record("dossiers.plan_created", actor=actor, obj=plan, data={"year": year, "version": plan.version})
    return plan


@transaction.atomic
def plan_heading_add(
    *, actor: User, plan: DossierPlan, title: str, abbreviation: str = "", parent: PlanHeading | None = None
) -> PlanHeading:
    """A large heading (parent None, numbered I, II, ...) or a sub-heading of one (1, 2, ...)."""
    plan = row_locked(plan, related=("agency",))
    plan_change_check(actor, plan)
    if parent is not None and (parent.plan_id != plan.pk or parent.parent_id is not None):
        raise ValidationFailed("Đề mục cha phải là một đề mục lớn của danh mục này.")
    last = PlanHeading.objects.filter(plan=plan, parent=parent).aggregate(n=Max("ordinal"))["n"] or 0
    return PlanHeading.objects.create(
        plan=plan,
        parent=parent,
        ordinal=last + 1,
        title=text_clean(title, label="tên đề mục", limit=MAX["title"], required=True),
        abbreviation=text_clean(abbreviation, label="chữ viết tắt", limit=10),
    )


def _next_notation(plan: DossierPlan, heading: PlanHeading) -> str:
    top = heading if heading.parent_id is None else heading.parent
    assert top is not None
    rows = PlanRow.objects.filter(plan=plan)
    if plan.numbering == Numbering.PER_HEADING:
        rows = rows.filter(heading__in=[top, *top.children.all()])
    number = rows.count() + 1
    return f"{number:02d}.{top.abbreviation}" if top.abbreviation else f"{number:02d}"


@transaction.atomic
def plan_row_add(
    *,
    actor: User,
    plan: DossierPlan,
    heading: PlanHeading,
    title: str,
    retention_years: int | None,
    retention_ref: str = "",
    notation: str = "",
    creator_user: User | None = None,
    creator_unit: Unit | None = None,
    note: str = "",
) -> PlanRow:
    """A dossier row under ``heading``; an empty ``notation`` is numbered by the list's rule (``01.TCCB``)."""
    plan = row_locked(plan, related=("agency",))
    plan_change_check(actor, plan)
    if heading.plan_id != plan.pk:
        raise ValidationFailed("Đề mục không thuộc danh mục này.")
    notation = _notation(notation) if notation.strip() else _next_notation(plan, heading)
    if PlanRow.objects.filter(plan=plan, notation=notation).exists():
        raise Conflict(f"Số và ký hiệu hồ sơ “{notation}” đã có trong danh mục.", code=ErrorCode.NOTATION_TAKEN)
    last = PlanRow.objects.filter(heading=heading).aggregate(n=Max("ordinal"))["n"] or 0
    return PlanRow.objects.create(
        plan=plan,
        heading=heading,
        ordinal=last + 1,
        notation=notation,
        title=text_clean(title, label="tiêu đề hồ sơ", limit=MAX["title"], required=True),
        retention_years=_retention(retention_years),
        retention_ref=text_clean(retention_ref, label="điều khoản bảng thời hạn bảo quản", limit=100),
        creator_user=creator_user,
        creator_unit=creator_unit,
        note=text_clean(note, label="ghi chú", limit=MAX["description"]),
    )


@transaction.atomic
def plan_approve(*, actor: User, plan: DossierPlan) -> DossierPlan:
    """The head approves the draft: it is frozen from now on."""
    plan = row_locked(plan, related=("agency",))
    plan_approve_check(actor, plan)
    plan.state = PlanState.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["state", "approved_by", "approved_at"])
    audit.record("dossiers.plan_approved", actor=actor, obj=plan, data={"year": plan.year, "version": plan.version})
    return plan


@transaction.atomic
def plan_copy_forward(*, actor: User, agency: Unit, year: int) -> DossierPlan:
    """A draft list for ``year`` started from the latest list of an earlier year (headings and rows)."""
    source = (
        DossierPlan.objects.filter(agency=agency, year__lt=year)
        .order_by("-year", "-state", "-version")  # the approved version of the latest year first
        .first()
    )
    if source is None:
        raise NotFound("Chưa có danh mục hồ sơ của năm trước để chép.", code=ErrorCode.NO_PREVIOUS_PLAN)
    plan = plan_create(actor=actor, agency=agency, year=year, numbering=source.numbering)
    copies: dict[int, PlanHeading] = {}
    large = source.headings.filter(parent__isnull=True).order_by("ordinal")
    subs = source.headings.filter(parent__isnull=False).order_by("ordinal")
    for heading in [*large, *subs]:  # large headings first: a sub-heading's parent is copied before it
        copies[heading.pk] = PlanHeading.objects.create(
            plan=plan,
            parent=copies.get(heading.parent_id) if heading.parent_id else None,
            ordinal=heading.ordinal,
            title=heading.title,
            abbreviation=heading.abbreviation,
        )
    PlanRow.objects.bulk_create(
        PlanRow(
            plan=plan,
            heading=copies[row.heading_id],
            ordinal=row.ordinal,
            notation=row.notation,
            title=row.title,
            retention_years=row.retention_years,
            retention_ref=row.retention_ref,
            creator_user_id=row.creator_user_id,
            creator_unit_id=row.creator_unit_id,
            note=row.note,
        )
        for row in source.rows.all()
    )
    audit.record("dossiers.plan_copied", actor=actor, obj=plan, data={"copied_from": source.pk, "year": year})
    return plan


# --- Hồ sơ -----------------------------------------------------------------------------------------------------


@transaction.atomic
def dossier_open(
    *,
    actor: User,
    plan_row: PlanRow | None = None,
    title: str = "",
    notation: str = "",
    retention_years: int | None = None,
    retention_ref: str = "",
    start_date: dt.date | None = None,
    year: int | None = None,
    description: str = "",
) -> Dossier:
    """Open a dossier from a row of the approved list (its notation, title, retention), or outside the list
    with the title, notation, retention and start date given."""
    unit = actor.unit
    if unit is None:
        raise ValidationFailed("Tài khoản chưa thuộc đơn vị nào nên không lập được hồ sơ.")
    agency = unit.agency or unit
    require(actor, policies.DOSSIER_OPEN, unit=unit)  # a role held in his own unit (or its agency)
    start = start_date or timezone.localdate()
    if plan_row is not None:
        plan_row = PlanRow.objects.select_related("plan").get(pk=plan_row.pk)  # the list's state now
        plan = plan_row.plan
        if plan.agency_id != agency.pk:
            raise NotFound()
        if plan.state != PlanState.APPROVED:
            raise Conflict("Chỉ lập hồ sơ theo danh mục đã được duyệt.", code=ErrorCode.PLAN_NOT_APPROVED)
        year, notation, title = plan.year, plan_row.notation, title or plan_row.title
        retention_years, retention_ref = plan_row.retention_years, plan_row.retention_ref
    else:
        notation = _notation(notation)
        year = year or start.year
    title = text_clean(title, label="tiêu đề hồ sơ", limit=MAX["title"], required=True)
    if Dossier.objects.filter(agency=agency, year=year, notation=notation).exists():
        raise Conflict(NOTATION_TAKEN.format(notation=notation, year=year), code=ErrorCode.NOTATION_TAKEN)
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                agency=agency,
                plan_row=plan_row,
                organ_id=agency.organ_id[: MAX["organ_id"]],
                year=year,
                notation=notation,
                title=title,
                retention_years=_retention(retention_years),
                retention_ref=text_clean(retention_ref, label="điều khoản bảng thời hạn bảo quản", limit=100),
                creator=actor,
                creator_name=(actor.full_name or actor.username)[: MAX["creator"]],
                start_date=start,
                description=text_clean(description, label="ghi chú", limit=MAX["description"]),
            )
    except IntegrityError:  # opened at the same moment by someone else
        raise Conflict(NOTATION_TAKEN.format(notation=notation, year=year), code=ErrorCode.NOTATION_TAKEN) from None
    audit.record("dossiers.opened", actor=actor, obj=dossier, data={"file_code": dossier.file_code})
    return dossier


@transaction.atomic
def dossier_documents_add(*, actor: User, dossier: Dossier, document_ids: Iterable[int]) -> list[DossierItem]:
    """File documents in the dossier — only documents ``actor`` may see; one already there is skipped.
    Each filed document records a ``filed`` event."""
    dossier = row_locked(dossier, related=("agency",))
    dossier_edit_check(actor, dossier)
    wanted = sorted({int(pk) for pk in document_ids})
    if not wanted:
        raise ValidationFailed("Chưa chọn văn bản nào để đưa vào hồ sơ.")
    visible = {d.pk: d for d in documents_visible_any(actor).filter(pk__in=wanted)}
    unseen = [pk for pk in wanted if pk not in visible]
    if unseen:
        raise NotFound("Không tìm thấy văn bản hoặc bạn không có quyền xem văn bản này nên không đưa vào hồ sơ được.")
    there = set(
        DossierItem.objects.filter(dossier=dossier, document_id__in=wanted).values_list("document_id", flat=True)
    )
    last = DossierItem.objects.filter(dossier=dossier).aggregate(n=Max("ordinal"))["n"] or 0
    now = timezone.now()
    added = []
    for pk in wanted:
        if pk in there:
            continue
        last += 1
        item = DossierItem.objects.create(
            dossier=dossier, document=visible[pk], ordinal=last, added_by=actor, added_at=now
        )
        event_record(visible[pk], actor=actor, action="filed", text=dossier.file_code, data={"dossier": dossier.pk})
        added.append(item)
    return added


@transaction.atomic
def dossier_item_remove(*, actor: User, dossier: Dossier, item_id: int) -> None:
    """Take an item out of an open dossier (a duplicate, a draft); the others keep their order."""
    dossier = row_locked(dossier, related=("agency",))
    dossier_edit_check(actor, dossier)
    item = DossierItem.objects.filter(dossier=dossier, pk=item_id).select_related("document").first()
    if item is None:
        raise NotFound()
    item.delete()
    if item.document is not None:
        event_record(item.document, actor=actor, action="unfiled", text=dossier.file_code, data={"dossier": dossier.pk})


@transaction.atomic
def dossier_close(
    *,
    actor: User,
    dossier: Dossier,
    title: str | None = None,
    end_date: dt.date | None = None,
    description: str | None = None,
    remove_item_ids: Iterable[int] = (),
) -> Dossier:
    """Close a dossier that holds documents: the duplicates the person confirmed removed (``closing.py``),
    the title and note may be fixed, the end date completed (default: today), the retention lengthened to
    the longest of its documents' (never shortened), DocTotal and PageTotal computed; the dossier is frozen
    afterwards."""
    dossier = row_locked(dossier, related=("agency",))
    dossier_close_check(actor, dossier)
    _duplicates_remove(actor, dossier, set(remove_item_ids))
    dossier_close_check(actor, dossier)  # still holds a document
    if title is not None:
        dossier.title = text_clean(title, label="tiêu đề hồ sơ", limit=MAX["title"], required=True)
    if description is not None:
        dossier.description = text_clean(description, label="ghi chú", limit=MAX["description"])
    end = end_date or timezone.localdate()
    if end < dossier.start_date:
        raise ValidationFailed("Thời gian kết thúc không được trước thời gian bắt đầu của hồ sơ.")
    figures = dossier.items.aggregate(pages=Sum("document__page_amount"))
    dossier.doc_total = min(dossier.items.count(), MAX["doc_total"])
    dossier.page_total = min(figures["pages"] or 0, MAX["page_total"])
    dossier.end_date = end
    dossier.state = DossierState.CLOSED
    dossier.closed_at = timezone.now()
    dossier.closed_by = actor
    _retention_reassess(actor, dossier)
    dossier.save()
    audit.record(
        "dossiers.closed",
        actor=actor,
        obj=dossier,
        data={"file_code": dossier.file_code, "doc_total": dossier.doc_total, "page_total": dossier.page_total},
    )
    return dossier


def _duplicates_remove(actor: User, dossier: Dossier, wanted: set[int]) -> None:
    """Remove the confirmed duplicates: only items that ``closing.dossier_duplicates`` names."""
    if not wanted:
        return
    duplicates = {d.item.pk: d.item for d in dossier_duplicates(dossier)}
    if not wanted <= set(duplicates):
        raise ValidationFailed("Chỉ rút được những văn bản, tài liệu trùng mà hệ thống liệt kê khi đóng hồ sơ.")
    for pk in sorted(wanted):
        item = duplicates[pk]
        item.delete()
        if item.document is not None:
            event_record(
                item.document, actor=actor, action="unfiled", text=dossier.file_code, data={"dossier": dossier.pk}
            )
    audit.record(
        "dossiers.duplicates_removed",
        actor=actor,
        obj=dossier,
        data={"file_code": dossier.file_code, "items": sorted(wanted)},
    )


def _retention_reassess(actor: User, dossier: Dossier) -> None:
    """At closing: the retention lengthened to the longest of the documents' (recorded), never shortened."""
    found = retention_reassess(dossier)
    if not found.changed:
        return
    dossier.retention_years = found.after.years
    dossier.retention_ref = f"Theo loại văn bản: {found.type_name}"[:100]
    audit.record(
        "dossiers.retention_reassessed",
        actor=actor,
        obj=dossier,
        data={
            "file_code": dossier.file_code,
            "before": found.before.label,
            "after": found.after.label,
            "because": found.because,
        },
    )


@transaction.atomic
def dossier_reopen(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """The archivist reopens a closed dossier (recorded with the reason); the totals are computed again
    at the next close."""
    dossier = row_locked(dossier, related=("agency",))
    dossier_reopen_check(actor, dossier)
    reason = text_clean(reason, label="lý do mở lại", limit=500, required=True)
    dossier.state = DossierState.OPEN
    dossier.closed_at = None
    dossier.closed_by = None
    dossier.doc_total = None
    dossier.page_total = None
    dossier.save(update_fields=["state", "closed_at", "closed_by", "doc_total", "page_total"])
    audit.record("dossiers.reopened", actor=actor, obj=dossier, data={"file_code": dossier.file_code, "reason": reason})
    return dossier
