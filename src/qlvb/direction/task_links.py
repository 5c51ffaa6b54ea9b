"""The documents and dossiers a task is linked to: the picker's choices (search by number, notation or
subject; only what the person may see, filtered in SQL) and changing the links after the task was given
(``task_documents_set``: audit ``task.documents_changed`` and a line in the task's history).

A link the person changing them may not see (another leader linked a document of his own) is kept: he
chooses among what he sees, and the rest stays as it was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from qlvb.core import audit
from qlvb.core.errors import PermissionDenied
from qlvb.core.locks import row_locked
from qlvb.core.permissions import has
from qlvb.core.text import fold
from qlvb.directory.models import User
from qlvb.documents.models import Direction, Document
from qlvb.documents.search import documents_matching
from qlvb.documents.visibility import documents_visible_to, dossiers_visible

from . import task_policies as policies
from .task_models import Task
from .task_services import _check_dossiers, _linked_documents
from .task_workflow import task_event

CHOICES_LIMIT = 20
QUERY_LIMIT = 200  # characters of a search that are read


@dataclass(frozen=True)
class LinkChoice:
    kind: str  # "document" | "dossier"
    id: int
    label: str
    direction: str = ""  # a document's: incoming | outgoing


def document_label(d: Document) -> str:
    what = "Văn bản đến" if d.direction == Direction.INCOMING else "Văn bản đi"
    number = f"{d.number_notation} — " if d.number_notation else ""
    date = f" ({d.issued_date:%d/%m/%Y})" if d.issued_date else ""
    return f"{what}: {number}{d.subject[:200]}{date}"


def dossier_label(h: Any) -> str:
    return f"Hồ sơ {h.notation} — {h.title[:200]}"


def documents_seen(actor: User) -> QuerySet[Document]:
    """The incoming and outgoing documents ``actor`` may see (one SQL statement)."""
    return documents_visible_to(actor, Direction.INCOMING) | documents_visible_to(actor, Direction.OUTGOING)


def link_choices(actor: User, query: str, *, limit: int = CHOICES_LIMIT) -> list[LinkChoice]:
    """Documents and dossiers matching ``query`` (every word in the number, notation or subject — without
    diacritics — of a document; in the notation or title of a dossier) that ``actor`` may see, newest first."""
    query = (query or "").strip()[:QUERY_LIMIT]
    if not query:
        return []
    documents = documents_matching(documents_seen(actor), query).order_by("-id")[:limit]
    out = [LinkChoice("document", d.pk, document_label(d), d.direction) for d in documents]
    dossiers = dossiers_visible(actor)
    if dossiers is not None:
        words = query.split()[:8]
        condition = Q()
        for word in words:
            condition &= Q(notation__icontains=word) | Q(title__icontains=word) | Q(title__icontains=fold(word))
        out += [
            LinkChoice("dossier", h.pk, dossier_label(h)) for h in dossiers.filter(condition).order_by("-id")[:limit]
        ]
    return out


def chosen_labels(actor: User, document_ids: Sequence[int], dossier_ids: Sequence[int]) -> list[LinkChoice]:
    """The picker's chosen items the actor may see, with their labels (an id he may not see is left out)."""
    out = [
        LinkChoice("document", d.pk, document_label(d), d.direction)
        for d in documents_seen(actor).filter(pk__in=list(document_ids)).order_by("-id")
    ]
    dossiers = dossiers_visible(actor)
    if dossiers is not None and dossier_ids:
        out += [LinkChoice("dossier", h.pk, dossier_label(h)) for h in dossiers.filter(pk__in=list(dossier_ids))]
    return out


def check_change_links(actor: User, task: Task) -> None:
    """Changing a task's links: whoever gave it, or a leader who follows every task of the agency."""
    if task.created_by_id != actor.pk and not has(actor, policies.TASK_FOLLOW, unit=task.agency):
        raise PermissionDenied("Chỉ người giao việc hoặc lãnh đạo cơ quan mới sửa được văn bản, hồ sơ liên quan.")


def may_change_links(actor: User, task: Task) -> bool:
    try:
        check_change_links(actor, task)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def task_documents_set(
    *, actor: User, task: Task, document_ids: Sequence[int], dossier_ids: Sequence[int]
) -> tuple[list[int], list[int]]:
    """Make the task's links the documents and dossiers chosen (each one the actor may see; any other id is
    refused as not found), keeping those linked that he may not see. Returns the document and dossier ids."""
    task = row_locked(task)
    check_change_links(actor, task)
    documents = _linked_documents(actor, sorted(set(document_ids)))
    dossiers = _check_dossiers(actor, sorted(set(dossier_ids)))
    before_docs = set(task.documents.values_list("pk", flat=True))
    before_dossiers = set(task.dossiers.values_list("pk", flat=True))
    unseen_docs = before_docs - set(documents_seen(actor).filter(pk__in=before_docs).values_list("pk", flat=True))
    visible = dossiers_visible(actor)
    seen_dossiers = set(visible.filter(pk__in=before_dossiers).values_list("pk", flat=True)) if visible else set()
    after_docs = {d.pk for d in documents} | unseen_docs
    after_dossiers = set(dossiers) | (before_dossiers - seen_dossiers)
    if (after_docs, after_dossiers) == (before_docs, before_dossiers):
        return sorted(after_docs), sorted(after_dossiers)
    task.documents.set(sorted(after_docs))
    task.dossiers.set(sorted(after_dossiers))
    change = {
        "documents_added": sorted(after_docs - before_docs),
        "documents_removed": sorted(before_docs - after_docs),
        "dossiers_added": sorted(after_dossiers - before_dossiers),
        "dossiers_removed": sorted(before_dossiers - after_dossiers),
    }
    added = len(change["documents_added"]) + len(change["dossiers_added"])
    removed = len(change["documents_removed"]) + len(change["dossiers_removed"])
    task_event(task, actor=actor, action="documents_changed", text=f"Thêm {added}, bỏ {removed}", data=change)
    audit.record("task.documents_changed", actor=actor, obj=task, data=change)
    return sorted(after_docs), sorted(after_dossiers)
