"""What the outgoing API answers: a document in a list, a document in full, its deliveries and reply follow-up;
the request's user and the document it names."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qlvb.directory.models import User
from qlvb.documents.events import event_label

from . import selectors, services
from .actions import can_act
from .models import Outgoing, ReplyFollowUp


def api_user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def row(o: Outgoing) -> dict[str, Any]:
    d = o.document
    return {
        "id": o.pk,
        "state": o.state,
        "state_label": o.get_state_display(),
        "doc_type": d.doc_type.name,
        "number_notation": d.number_notation,
        "issued_date": d.issued_date,
        "subject": d.subject,
        "urgency": d.urgency,
        "drafter": o.drafter.full_name,
        "created_at": d.created_at,
    }


def detail(actor: User, o: Outgoing) -> dict[str, Any]:
    d = o.document
    out = row(o)
    out.update(
        {
            "organ_name": d.organ_name,
            "organ_id": d.organ_id,
            "code_number": d.code_number,
            "code_notation": d.code_notation,
            "document_identifier": d.document_identifier,
            "signer": {
                "id": o.signer_id,
                "name": o.signer.full_name,
                "position": d.signer_position,
                "competence": o.competence,
            },
            "due_date": d.due_date,
            "page_amount": d.page_amount,
            "description": d.description,
            "to_places": d.to_places,
            "free_recipients": o.free_recipients,
            "paper_recipients": o.paper_recipients,
            "drafter_initials": o.drafter_initials,
            "copy_count": o.copy_count,
            "answers_id": o.answers_id,
            "also_paper": o.also_paper,
            "replaces_id": o.replaces_id,
            "frozen_reason": o.frozen_reason,
            "round": o.round,
            "approved_version_id": o.approved_version_id,
            "actions": sorted(can_act(actor, o)),
            "recipients": [
                {"id": r.unit_id, "name": r.unit.name, "organ_id": r.unit.organ_id, "external": r.unit.external}
                for r in o.recipients.select_related("unit")
            ],
            "versions": [
                {
                    "id": v.pk,
                    "kind": v.kind,
                    "ordinal": v.ordinal,
                    "name": v.stored_file.name,
                    "sha256": v.stored_file.blob.sha256,
                    "pdf_id": v.pdf_id,
                    "page_count": v.page_count,
                    "note": v.note,
                    "metadata": v.metadata,
                    "uploaded_by": v.uploaded_by.full_name,
                    "uploaded_at": v.uploaded_at,
                    **services.conversion_status(v),
                }
                for v in o.versions.select_related("stored_file__blob", "stored_file__conversion", "uploaded_by")
            ],
            "steps": [
                {
                    "id": s.pk,
                    "round": s.round,
                    "ordinal": s.ordinal,
                    "kind": s.kind,
                    "label": s.label,
                    "user": s.user.full_name if s.user else "",
                    "status": s.status,
                    "comment": s.comment,
                    "decided_by": s.decided_by.full_name if s.decided_by else "",
                    "decided_at": s.decided_at,
                    "data": s.data,
                }
                for s in o.steps.select_related("user", "decided_by")
            ],
            "comments": [
                {
                    "id": c.pk,
                    "parent_id": c.parent_id,
                    "author": c.author.full_name,
                    "text": c.text,
                    "version_id": c.version_id,
                    "created_at": c.created_at,
                }
                for c in o.comments.select_related("author")
            ],
            "deliveries": deliveries(o),
            "reply_follow_up": follow_up(o),
            "events": [
                {
                    "at": e.created_at,
                    "actor": e.actor_name,
                    "action": e.action,
                    "label": event_label(e.action),
                    "text": e.text,
                }
                for e in d.events.all()
            ],
        }
    )
    return out


def follow_up(o: Outgoing) -> dict[str, Any] | None:
    found = ReplyFollowUp.objects.filter(outgoing=o).first()
    if found is None:
        return None
    return {
        "due_soon_notified_on": found.due_soon_notified_on,
        "overdue_notified_on": found.overdue_notified_on,
        "done_at": found.done_at,
        "done_note": found.done_note,
    }


def deliveries(o: Outgoing) -> list[dict[str, Any]]:
    return [
        {
            "id": x.pk,
            "organ_name": x.organ_name,
            "organ_id": x.organ_id,
            "transport": x.transport,
            "status": x.status,
            "status_label": x.get_status_display(),
            "status_at": x.status_at,
            "business_type": x.business_type,
            "recalled_at": x.recalled_at,
            "take_back": x.take_back,
            "take_back_label": x.get_take_back_display() if x.take_back else "",
            "also_paper": x.also_paper,
            "history": [
                {"status": c.status, "text": c.text, "staff": c.staff, "at": c.created_at} for c in x.changes.all()
            ],
        }
        for x in o.document.deliveries.prefetch_related("changes")
    ]


def outgoing_for(request: HttpRequest, pk: int) -> Outgoing:
    return selectors.outgoing_get(api_user(request), pk=pk)


def answer_done(request: HttpRequest, pk: int) -> dict[str, Any]:
    return detail(api_user(request), outgoing_for(request, pk))
