"""Seen receipts ("đã xem", issue 18): who among a document's recipients saw it, and when.

A receipt is taken once per person and document (or task), the first time, and never changed
(``SeenReceipt`` is append-only; a unique index makes a second taking find the first). The agency chooses
how (``SeenSetting``): on opening (the default) or only by the explicit "Đánh dấu đã xem" button.

Who counts as a recipient depends on the flow, which sits above this layer: each workflow app registers
its rule at start-up (``seen_recipient_register(Direction.INCOMING, rule)``, ``rule(actor)`` a queryset
of the documents the actor received, filtered in SQL), as it does for visibility. A direction with no rule
has no recipients (nothing is taken). Tasks are the direction app's: it checks its own rule and calls
:func:`task_seen_record`.

Receipts are read only through a document the reader may see (``document_receipts``: one statement, the
visibility rule inside it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import NotFound, PermissionDenied, ValidationFailed
from qlvb.core.permissions import require
from qlvb.core.statements import KeptStatement

from . import policies
from .errors import ErrorCode
from .models import Direction, Document
from .seen_models import SeenHow, SeenMode, SeenReceipt, SeenSetting
from .visibility import documents_visible_to

if TYPE_CHECKING:
    from qlvb.directory.models import Unit, User

RecipientRule = Callable[["User"], "QuerySet[Document]"]
RecipientCheck = Callable[["User", int], bool]
_RECIPIENTS: dict[str, RecipientRule] = {}
_RECIPIENT_CHECKS: dict[str, RecipientCheck] = {}


def seen_recipient_register(direction: str, rule: RecipientRule, *, one: RecipientCheck | None = None) -> None:
    """Make ``rule(actor) -> QuerySet[Document]`` the one rule for who received documents of ``direction``;
    ``one(actor, document_id) -> bool``, when given, answers the same for one document (the document page asks
    it on every opening: a direction may keep it compiled, core/statements.py)."""
    if direction not in Direction.values:
        raise ImproperlyConfigured(f"Unknown document direction {direction!r}.")
    current = _RECIPIENTS.get(direction)
    if current is not None and current is not rule:
        raise ImproperlyConfigured(f"A seen-recipient rule for {direction!r} documents is already registered.")
    _RECIPIENTS[direction] = rule
    if one is not None:
        _RECIPIENT_CHECKS[direction] = one


def documents_received_by(actor: User, direction: str) -> QuerySet[Document]:
    """The documents of ``direction`` of which ``actor`` is a recipient (none when no rule: fail closed)."""
    rule = _RECIPIENTS.get(direction)
    return rule(actor) if rule is not None else Document.objects.none()


def _received(actor: User, document: Document) -> bool:
    """Whether ``actor`` is a recipient of ``document``: the direction's check for one document, else its rule."""
    one = _RECIPIENT_CHECKS.get(document.direction)
    if one is not None:
        return one(actor, document.pk)
    return documents_received_by(actor, document.direction).filter(pk=document.pk).exists()


# --- The agency's mode ----------------------------------------------------------------------------------


# Both read on every document page: kept compiled (core/statements.py).
_MODE: KeptStatement[str] = KeptStatement(
    "documents.seen_mode",
    lambda agency_id: SeenSetting.objects.filter(agency_id=agency_id).order_by("pk").values_list("mode", flat=True)[:1],
    agency_id=int,
)
_RECEIPT_TAKEN: KeptStatement[int] = KeptStatement(
    "documents.receipt_taken",
    lambda document_id, user_id: (
        SeenReceipt.objects.filter(document_id=document_id, user_id=user_id).order_by().values_list("pk", flat=True)[:1]
    ),
    document_id=int,
    user_id=int,
)


def seen_mode(agency_id: int | None) -> str:
    """How the agency takes receipts; ``SeenMode.OPENING`` unless its administrator chose otherwise."""
    if agency_id is None:
        return SeenMode.OPENING
    return _MODE.first(agency_id=agency_id) or SeenMode.OPENING


def agency_seen_mode_set(*, actor: User, agency: Unit, mode: str) -> SeenSetting:
    """The agency administrator's choice (audited)."""
    require(actor, policies.SEEN_CONFIGURE, unit=agency)
    if mode not in SeenMode.values:
        raise ValidationFailed("Cách ghi nhận “đã xem” không hợp lệ.", code=ErrorCode.SEEN_MODE)
    with transaction.atomic():
        setting, _created = SeenSetting.objects.select_for_update().get_or_create(agency=agency)
        before = setting.mode
        setting.mode = mode
        setting.updated_by = actor
        setting.save()
        audit.record(
            "documents.seen_mode_set", actor=actor, obj=agency, data={"from": before, "to": mode, "agency": agency.pk}
        )
    return setting


# --- Taking a receipt -----------------------------------------------------------------------------------


class NotRecipient(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(
            "Chỉ người nhận văn bản (được giao xử lý, để biết, hoặc văn thư nhận bản gửi đến) mới ghi nhận “đã xem”.",
            code=ErrorCode.NOT_RECIPIENT,
        )


def seen_receipt_of(user: User, document: Document) -> SeenReceipt | None:
    return SeenReceipt.objects.filter(document=document, user=user).first()


def may_mark_seen(actor: User, document: Document) -> bool:
    """The precondition of "Đánh dấu đã xem" (the button and the service): the actor received the document
    and has not yet been recorded as having seen it."""
    return _received(actor, document) and not _RECEIPT_TAKEN.fetch(document_id=document.pk, user_id=actor.pk)


def _insert(user: User, how: str, *, document: Document | None = None, task_id: int | None = None) -> SeenReceipt:
    """The receipt, inserted once: a concurrent second taking hits the unique index and reads the first."""
    found = SeenReceipt.objects.filter(document=document, task_id=task_id, user=user).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            receipt = SeenReceipt.objects.create(
                document=document, task_id=task_id, user=user, seen_at=timezone.now(), how=how
            )
    except IntegrityError:
        return SeenReceipt.objects.get(document=document, task_id=task_id, user=user)
    receipt.created_now = True  # type: ignore[attr-defined]
    return receipt


def document_seen_mark(*, actor: User, document: Document, how: str = SeenHow.EXPLICIT) -> SeenReceipt:
    """Record that ``actor`` saw ``document`` (idempotent: the first receipt stays and is answered again).
    Refused (404) for a document the actor may not see, (403) for one he did not receive."""
    if not documents_visible_to(actor, document.direction).filter(pk=document.pk).exists():
        raise NotFound()
    if not _received(actor, document):
        raise NotRecipient()
    return _record(actor, document, how)


def _record(actor: User, document: Document, how: str) -> SeenReceipt:
    with transaction.atomic():
        receipt = _insert(actor, how, document=document)
        if getattr(receipt, "created_now", False):
            audit.record("documents.seen", actor=actor, obj=document, data={"how": how})
    return receipt


def document_seen_on_open(*, actor: User, document: Document) -> SeenReceipt | None:
    """Called by a document's page after it found the document visible: takes the receipt when the agency
    takes them on opening and the actor is a recipient; else nothing (never an error)."""
    if seen_mode(document.agency_id) != SeenMode.OPENING:
        return None
    if _RECEIPT_TAKEN.fetch(document_id=document.pk, user_id=actor.pk) or not _received(actor, document):
        return None
    return _record(actor, document, SeenHow.OPENED)  # the page found it visible: not asked again


def task_seen_record(*, actor: User, task_id: int, how: str) -> SeenReceipt:
    """A task's receipt. The direction app checks first that ``actor`` is one of the task's assignees
    (``direction.task_services.task_seen_mark``); this only records, once."""
    with transaction.atomic():
        receipt = _insert(actor, how, task_id=task_id)
        if getattr(receipt, "created_now", False):
            audit.record("documents.task_seen", actor=actor, obj=("task", task_id, ""), data={"how": how})
    return receipt


# --- Reading receipts -----------------------------------------------------------------------------------


def document_receipts(actor: User, document: Document) -> QuerySet[SeenReceipt]:
    """The receipts of ``document``, only if ``actor`` may see it (the rule inside the one statement)."""
    visible = documents_visible_to(actor, document.direction).filter(pk=document.pk).values("pk")
    return SeenReceipt.objects.filter(document_id__in=visible).select_related("user").order_by("seen_at", "pk")


_RECEIPTS: KeptStatement[SeenReceipt] = KeptStatement(
    "documents.receipts",
    lambda document_id: (
        SeenReceipt.objects.filter(document_id=document_id).select_related("user").order_by("seen_at", "pk")
    ),
    document_id=int,
)


def document_receipts_shown(document: Document) -> list[SeenReceipt]:
    """:func:`document_receipts` for a page that has just found ``document`` visible to its reader (the
    rule asked once, not again): read by a kept statement on every opening."""
    return _RECEIPTS.fetch(via=document, document_id=document.pk)


def copies_receipts(actor: User, document: Document) -> QuerySet[SeenReceipt]:
    """The receipts taken on the recipients' copies of an issued document (``Delivery.incoming_document``),
    for a reader who may see the issued document (the sender's side); ``document_id`` names the copy."""
    visible = documents_visible_to(actor, document.direction).filter(pk=document.pk).values("pk")
    return (
        SeenReceipt.objects.filter(document__delivered_by__document_id__in=visible)
        .select_related("user")
        .order_by("seen_at", "pk")
    )


def task_receipts(task_ids: QuerySet[Any]) -> QuerySet[SeenReceipt]:
    """The receipts of the tasks ``task_ids`` (a ``values("pk")`` queryset the caller filtered by its own
    visibility rule)."""
    return SeenReceipt.objects.filter(task_id__in=task_ids).select_related("user").order_by("seen_at", "pk")
