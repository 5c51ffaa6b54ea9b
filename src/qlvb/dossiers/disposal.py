"""Hủy tài liệu hết giá trị (Luật Lưu trữ Điều 28, NĐ 30/2020, TT 10/2022): the archivist proposes expired
fixed-term dossiers of the archive, records the appraisal of the council (Hội đồng xác định giá trị tài
liệu) as it concluded, the head approves, the archivist executes. Executing deletes the files of the
dossiers' documents — the stored content and its extracted text — and keeps every metadata row (dossier,
documents, file names, sizes and SHA-256) and the proposal, which print as the Danh mục and the Biên bản.

A "Vĩnh viễn" dossier, or one whose retention has not run out, is refused at each step
(``archive_rules.disposable_check``). A document also held by a dossier that is not disposed of keeps its
files; so does a stored content that anything else still uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import CASCADE, Exists, Max, Model, OuterRef, QuerySet
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import require
from qlvb.core.text import text_clean
from qlvb.directory.models import User
from qlvb.directory.selectors import agency_of
from qlvb.documents.models import Document
from qlvb.files.models import Blob, Conversion, FileText, StoredFile
from qlvb.files.storage import blob_remove

from . import policies
from .archive_models import DisposalItem, DisposalProposal, DisposalState
from .archive_rules import (
    disposable_check,
    disposal_appraise_check,
    disposal_approve_check,
    disposal_execute_check,
)
from .errors import ErrorCode
from .models import Dossier, DossierItem, DossierState
from .selectors import _int, _signed_in

LIVE = (DisposalState.DRAFT, DisposalState.APPRAISED, DisposalState.APPROVED)


@transaction.atomic
def disposal_propose(*, actor: User, dossier_ids: Iterable[int], reason: str) -> DisposalProposal:
    """The archivist lists dossiers to dispose of; each must be disposable today (one refusal refuses all)."""
    agency = agency_of(actor)
    if agency is None:
        raise NotFound()
    require(actor, policies.DISPOSAL_MANAGE, unit=agency)
    wanted = sorted({int(pk) for pk in dossier_ids})
    if not wanted:
        raise ValidationFailed("Chưa chọn hồ sơ nào để đề nghị hủy.")
    found = {d.pk: d for d in Dossier.objects.select_for_update().filter(agency=agency, pk__in=wanted)}
    if len(found) != len(wanted):
        raise NotFound("Không tìm thấy hồ sơ trong lưu trữ của cơ quan.")
    today = timezone.localdate()
    for pk in wanted:
        disposable_check(found[pk], today)
    busy = DisposalItem.objects.filter(dossier_id__in=wanted, proposal__state__in=LIVE).select_related("dossier")
    for item in busy[:1]:
        raise Conflict(
            f"Hồ sơ “{item.dossier.notation} — {item.dossier.title}” đã nằm trong một đề nghị hủy khác.",
            code=ErrorCode.DISPOSAL_STATE,
        )
    reason = text_clean(reason, label="lý do hủy", limit=1000, required=True)
    number = (DisposalProposal.objects.filter(agency=agency).aggregate(n=Max("number"))["n"] or 0) + 1
    proposal = DisposalProposal.objects.create(agency=agency, number=number, reason=reason, created_by=actor)
    DisposalItem.objects.bulk_create(DisposalItem(proposal=proposal, dossier_id=pk) for pk in wanted)
    audit.record("dossiers.disposal_proposed", actor=actor, obj=proposal, data={"dossiers": wanted, "reason": reason})
    return proposal


@transaction.atomic
def disposal_appraise(
    *, actor: User, proposal: DisposalProposal, members: str, opinion: str, meeting_date: dt.date, agreed: bool
) -> DisposalProposal:
    """Record the council's appraisal: its members, the meeting's date, its opinion; agreed or not."""
    proposal = row_locked(proposal, related=("agency",))
    disposal_appraise_check(actor, proposal)
    if meeting_date > timezone.localdate():
        raise ValidationFailed("Ngày họp hội đồng không được sau hôm nay.")
    proposal.council_members = text_clean(members, label="thành phần hội đồng", limit=2000, required=True)
    proposal.council_opinion = text_clean(opinion, label="ý kiến thẩm định", limit=4000, required=True)
    proposal.council_date = meeting_date
    proposal.state = DisposalState.APPRAISED if agreed else DisposalState.REJECTED
    proposal.appraised_by, proposal.appraised_at = actor, timezone.now()
    proposal.save()
    audit.record("dossiers.disposal_appraised", actor=actor, obj=proposal, data={"agreed": agreed})
    return proposal


@transaction.atomic
def disposal_approve(*, actor: User, proposal: DisposalProposal) -> DisposalProposal:
    """The head approves the disposal the council agreed to."""
    proposal = row_locked(proposal, related=("agency",))
    disposal_approve_check(actor, proposal)
    proposal.state = DisposalState.APPROVED
    proposal.approved_by, proposal.approved_at = actor, timezone.now()
    proposal.save(update_fields=["state", "approved_by", "approved_at"])
    audit.record("dossiers.disposal_approved", actor=actor, obj=proposal)
    return proposal


def _document_field(model: type[Model], hops: int = 2) -> str | None:
    """The lookup from ``model`` to the document a row belongs to: its ``document`` field, a foreign key to a
    model keyed by the document (a draft version's ``outgoing``: the outgoing document's primary key is the
    document's), or, one hop further, such a field of the row that owns it (a consultation answer belongs to
    its consultation — deleted with it — which belongs to the outgoing document); None for a model that
    belongs to no document."""
    names = {f.name: f for f in model._meta.concrete_fields}
    if "document" in names:
        return "document_id"
    owners: list[tuple[str, type[Model]]] = []
    for field in names.values():
        target = field.related_model if field.many_to_one else None
        if not isinstance(target, type):
            continue
        pk = target._meta.pk
        if pk is not None and pk.one_to_one and pk.related_model is Document:
            return field.attname
        if field.remote_field.on_delete is CASCADE:  # type: ignore[union-attr]
            owners.append((field.name, target))
    for name, owner in owners if hops > 1 else []:
        further = _document_field(owner, hops - 1)
        if further is not None:
            return f"{name}__{further}"
    return None


def _file_relations() -> Iterator[tuple[type[Model], str]]:
    """Every (model, field) with a foreign key or many-to-many to StoredFile, found through the model
    metadata (a workflow added later is covered too); renditions and extracted texts left out."""
    for rel in StoredFile._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.related_model in (Conversion, FileText):
            continue
        model = rel.related_model
        assert isinstance(model, type)
        yield model, rel.field.name  # type: ignore[union-attr]


def _documents_files(document_ids: set[int]) -> dict[int, set[int]]:
    """The stored files that belong to each document: attachments, an outgoing document's draft versions with
    their PDFs and its signed PDF — whatever model holds a file and names its document."""
    found: dict[int, set[int]] = {}
    for model, name in _file_relations():
        column = _document_field(model)
        if column is not None and model is not DossierItem:
            rows = model._default_manager.filter(**{f"{column}__in": document_ids, f"{name}__isnull": False})
            for document_id, stored_id in rows.values_list(column, name):
                found.setdefault(document_id, set()).add(stored_id)
    return found


def _doomed_files(document_ids: set[int], dossier_ids: set[int]) -> set[int]:
    """The stored files of the documents and dossiers, with their PDF renditions."""
    files = set().union(*_documents_files(document_ids).values())
    files |= set(
        DossierItem.objects.filter(dossier_id__in=dossier_ids, stored_file__isnull=False).values_list(
            "stored_file_id", flat=True
        )
    )
    files |= set(Conversion.objects.filter(source_id__in=files, pdf__isnull=False).values_list("pdf_id", flat=True))
    files |= set(
        FileText.objects.filter(stored_file_id__in=files, searchable_pdf__isnull=False).values_list(
            "searchable_pdf_id", flat=True
        )
    )
    return files


def _used_elsewhere(files: set[int], document_ids: set[int], dossier_ids: set[int]) -> set[int]:
    """Those of ``files`` that something outside the disposal still uses (every foreign key to StoredFile,
    found through the model metadata: a workflow added later is covered too)."""
    used: set[int] = set()
    for model, name in _file_relations():
        rows = model._default_manager.filter(**{f"{name}__in": files})  # a foreign key or a many-to-many
        column = _document_field(model)
        if model is DossierItem:
            rows = rows.exclude(dossier_id__in=dossier_ids)
        elif column is not None:
            rows = rows.exclude(**{f"{column}__in": document_ids})
        used |= set(rows.values_list(name, flat=True))
    return used


def _count_deleted(proposal: DisposalProposal, items: QuerySet[DossierItem], gone: set[int]) -> None:
    """Each dossier's count of deleted files and bytes (a file two dossiers of the proposal share counts once)."""
    per_document = _documents_files(set(items.values_list("document_id", flat=True)))
    per_dossier: dict[int, set[int]] = {}
    for dossier_id, document_id in items.values_list("dossier_id", "document_id"):
        per_dossier.setdefault(dossier_id, set()).update(per_document.get(document_id, set()) & gone)
    sizes = dict(StoredFile.objects.filter(pk__in=gone).values_list("pk", "blob__size"))
    counted: set[int] = set()
    for item in proposal.items.all():
        mine = sorted(per_dossier.get(item.dossier_id, set()) - counted)
        counted.update(mine)
        item.files_deleted = len(mine)
        item.bytes_deleted = sum(sizes.get(f, 0) for f in mine)
        item.save(update_fields=["files_deleted", "bytes_deleted"])


def _delete_files(proposal: DisposalProposal, dossier_ids: set[int]) -> list[str]:
    """Delete what the disposal destroys; returns the SHA-256 of the contents to remove after the commit."""
    items = DossierItem.objects.filter(dossier_id__in=dossier_ids, document__isnull=False)
    held_elsewhere = set(
        DossierItem.objects.filter(document_id__in=items.values("document_id"))
        .exclude(dossier_id__in=dossier_ids)
        .exclude(dossier__state=DossierState.DISPOSED)
        .values_list("document_id", flat=True)
    )
    document_ids = set(items.values_list("document_id", flat=True)) - held_elsewhere
    files = _doomed_files(document_ids, dossier_ids)
    gone = files - _used_elsewhere(files, document_ids, dossier_ids)
    _count_deleted(proposal, items.filter(document_id__in=document_ids), gone)
    FileText.objects.filter(stored_file_id__in=gone).delete()  # the extracted text is the content too
    note = f"Tài liệu đã bị hủy theo Biên bản hủy số {proposal.number} ngày {timezone.localdate():%d/%m/%Y}."
    StoredFile.objects.filter(pk__in=gone).update(disposed_note=note)  # what a download answers now (410)
    others = StoredFile.objects.filter(blob_id=OuterRef("pk")).exclude(pk__in=gone)
    blobs = Blob.objects.filter(files__in=gone).exclude(Exists(others)).distinct()
    return list(blobs.values_list("sha256", flat=True))


@transaction.atomic
def disposal_execute(*, actor: User, proposal: DisposalProposal) -> DisposalProposal:
    """Dispose: the dossiers become ``disposed``, their files are deleted once the transaction commits."""
    proposal = row_locked(proposal, related=("agency",))
    disposal_execute_check(actor, proposal)
    today = timezone.localdate()
    dossiers = list(Dossier.objects.select_for_update().filter(disposal_items__proposal=proposal))
    for dossier in dossiers:
        disposable_check(dossier, today)  # the law's rule again, at the moment of destruction
    ids = {d.pk for d in dossiers}
    contents = _delete_files(proposal, ids)
    Dossier.objects.filter(pk__in=ids).update(state=DossierState.DISPOSED)
    proposal.state = DisposalState.EXECUTED
    proposal.executed_by, proposal.executed_at = actor, timezone.now()
    proposal.save(update_fields=["state", "executed_by", "executed_at"])
    audit.record(
        "dossiers.disposal_executed",
        actor=actor,
        obj=proposal,
        data={"dossiers": sorted(ids), "contents_deleted": len(contents)},
    )

    def remove() -> None:
        for sha256 in contents:
            blob_remove(sha256)

    transaction.on_commit(remove)
    return proposal


def disposals_visible_to(actor: User) -> QuerySet[DisposalProposal]:
    """Proposals of the agencies where the actor is the archivist or the head."""
    if not _signed_in(actor):
        return DisposalProposal.objects.none()
    return DisposalProposal.objects.filter(agency_id__in=actor.units_with_role(*policies.AGENCY_WIDE_ROLES))


def disposal_get(actor: User, *, pk: Any) -> DisposalProposal:
    found = (
        disposals_visible_to(actor)
        .select_related("agency", "created_by", "appraised_by", "approved_by", "executed_by")
        .filter(pk=_int(pk))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def disposal_items(proposal: DisposalProposal) -> QuerySet[DisposalItem]:
    return proposal.items.select_related("dossier").order_by("dossier__notation")
