"""The reads of an outgoing document's page, kept compiled (core/statements.py).

The page shows the document's versions, approval steps, comments, recipients, deliveries, history, reply
follow-up and consultation rounds: each a queryset built and compiled on every opening, ~1,500 Python calls
apiece (docs/benchmarks.md, "CPU per request, part 8"). Here each is one kept statement whose only values are
the document's ids; the rows are what the related managers give (the same order, the same ``select_related``).
The page has already found the document visible to its reader (``selectors.outgoing_get``): these read its
parts, never another document's.
"""

from __future__ import annotations

from qlvb.core.statements import KeptStatement
from qlvb.documents.deliveries import Delivery
from qlvb.documents.models import DocumentEvent
from qlvb.documents.seen import SeenReceipt

from .models import ApprovalStep, Comment, Consultation, DraftVersion, Outgoing, Recipient, ReplyFollowUp

_VERSIONS: KeptStatement[DraftVersion] = KeptStatement(
    "outgoing.page.versions",
    lambda outgoing: DraftVersion.objects.filter(outgoing_id=outgoing).select_related(
        "stored_file__blob", "stored_file__conversion", "uploaded_by"
    ),
    outgoing=int,
)
_STEPS: KeptStatement[ApprovalStep] = KeptStatement(
    "outgoing.page.steps",
    lambda outgoing: ApprovalStep.objects.filter(outgoing_id=outgoing).select_related("user", "decided_by"),
    outgoing=int,
)
_COMMENTS: KeptStatement[Comment] = KeptStatement(
    "outgoing.page.comments",
    lambda outgoing: Comment.objects.filter(outgoing_id=outgoing).select_related("author"),
    outgoing=int,
)
_RECIPIENTS: KeptStatement[Recipient] = KeptStatement(
    "outgoing.page.recipients",
    lambda outgoing: Recipient.objects.filter(outgoing_id=outgoing).select_related("unit").order_by("unit__name"),
    outgoing=int,
)
_FOLLOW_UP: KeptStatement[ReplyFollowUp] = KeptStatement(
    "outgoing.page.follow_up",
    lambda outgoing: ReplyFollowUp.objects.filter(outgoing_id=outgoing)[:1],
    outgoing=int,
)
_ROUNDS: KeptStatement[Consultation] = KeptStatement(
    "outgoing.page.rounds",
    lambda outgoing: Consultation.objects.filter(outgoing_id=outgoing).select_related(
        "version", "created_by", "closed_by"
    ),
    outgoing=int,
)
_DELIVERIES: KeptStatement[Delivery] = KeptStatement(
    "outgoing.page.deliveries",
    lambda document: Delivery.objects.filter(document_id=document).select_related("incoming_document"),
    document=int,
)
_EVENTS: KeptStatement[DocumentEvent] = KeptStatement(
    "outgoing.page.events",
    lambda document: DocumentEvent.objects.filter(document_id=document),
    document=int,
)
_COPIES_RECEIPTS: KeptStatement[SeenReceipt] = KeptStatement(
    "outgoing.page.copies_receipts",
    lambda document: (
        SeenReceipt.objects.filter(document__delivered_by__document_id=document)
        .select_related("user")
        .order_by("seen_at", "pk")
    ),
    document=int,
)


def versions_shown(outgoing: Outgoing) -> list[DraftVersion]:
    """``outgoing.versions.select_related("stored_file__blob", "stored_file__conversion", "uploaded_by")``."""
    return _VERSIONS.fetch(via=outgoing, outgoing=outgoing.pk)


def steps_shown(outgoing: Outgoing) -> list[ApprovalStep]:
    """``outgoing.steps.select_related("user", "decided_by")``: every round's steps, in order."""
    return _STEPS.fetch(via=outgoing, outgoing=outgoing.pk)


def comments_shown(outgoing: Outgoing) -> list[Comment]:
    """``outgoing.comments.select_related("author")``."""
    return _COMMENTS.fetch(via=outgoing, outgoing=outgoing.pk)


def recipients_shown(outgoing: Outgoing) -> list[Recipient]:
    """``outgoing.recipients.select_related("unit")``, by name: the addressees from the directory."""
    return _RECIPIENTS.fetch(via=outgoing, outgoing=outgoing.pk)


def follow_up_shown(outgoing: Outgoing) -> ReplyFollowUp | None:
    """``ReplyFollowUp.objects.filter(outgoing=outgoing).first()`` (at most one per document)."""
    return _FOLLOW_UP.first(via=outgoing, outgoing=outgoing.pk)


def rounds_shown(outgoing: Outgoing) -> list[Consultation]:
    """Every consultation round of ``outgoing`` with its version and people (``selectors.consultations_for``
    narrows them for a person who only answered)."""
    return _ROUNDS.fetch(via=outgoing, outgoing=outgoing.pk)


def deliveries_shown(outgoing: Outgoing) -> list[Delivery]:
    """``document.deliveries.select_related("incoming_document")``: each recipient's delivery."""
    return _DELIVERIES.fetch(via=outgoing, document=outgoing.document_id)


def events_shown(outgoing: Outgoing) -> list[DocumentEvent]:
    """``document.events.all()``: the document's history, oldest first."""
    return _EVENTS.fetch(via=outgoing, document=outgoing.document_id)


def copies_receipts_shown(outgoing: Outgoing) -> list[SeenReceipt]:
    """``documents.seen.copies_receipts`` for a reader the page has found may see the document: the receipts
    on the recipients' copies."""
    return _COPIES_RECEIPTS.fetch(via=outgoing, document=outgoing.document_id)
