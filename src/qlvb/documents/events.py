"""The table of document events (each app declares its own kinds with their Vietnamese labels through
:func:`events_declare`, from its ``events.py``), the one function that records them, and the way other
modules act on them.

**Event consumers.** A module above this layer that must act on events (exchange sends the status back
to the sender, notifications, ...) is named in ``settings.QLVB_EVENT_CONSUMERS`` as the dotted path of
a callable ``consumer(event: DocumentEvent) -> None``; this module never imports it. After the
transaction that recorded an event commits, ``event_record`` queues the Celery task
``qlvb.documents.dispatch_event`` with the event's id, which calls every consumer that wants it, each in
its own transaction. A consumer may carry a ``wants(event) -> bool`` pre-filter (see :func:`consumer`),
asked at record time without a query, so events nobody wants queue nothing. A consumer must be
idempotent: the task may run twice for one event (a retry, a replayed queue). A rolled-back action
queues nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from .models import Document, DocumentEvent

if TYPE_CHECKING:
    from qlvb.directory.models import User

logger = logging.getLogger(__name__)

# The events declared here are documents' own: those one workflow records on another's document
# (the workflows meet in ``documents``). Each app declares its own with :func:`events_declare`
# (``incoming/events.py``, ``outgoing/events.py``, ``exchange/events.py``).
EVENTS: dict[str, str] = {
    # Recorded on an incoming document when the outgoing document that answers it is issued; the
    # incoming follow-up register (Phụ lục IV, column 6) reads it. ``data["notation"]`` is the answer's.
    "answered": "Đã ban hành văn bản trả lời",
    # A person's work passed to a successor (the ``<entity>_reassign`` services, called by the handover).
    "handed_over": "Chuyển giao do nghỉ việc, chuyển công tác",
}


def events_declare(events: dict[str, str]) -> None:
    """Declare an app's own document events (from its ``events.py``, imported by its ``AppConfig.ready``).
    ``event_record`` refuses undeclared actions; declaring a known action with another label is an error."""
    for action, label in events.items():
        known = EVENTS.get(action)
        if known is not None and known != label:
            raise ValueError(f"document event {action!r} already declared as {known!r}")
        EVENTS[action] = label


def event_record(
    document: Document, *, actor: User | None, action: str, text: str = "", data: dict[str, Any] | None = None
) -> DocumentEvent:
    """Append one event in the caller's transaction (a rolled-back action leaves none)."""
    if action not in EVENTS:
        raise ValueError(f"undeclared document event {action!r}")
    unit = getattr(actor, "unit", None) if actor is not None else None
    event = DocumentEvent.objects.create(
        document=document,
        actor=actor,
        actor_name=(getattr(actor, "full_name", "") or str(actor or ""))[:150],
        actor_unit=(unit.name if unit is not None else "")[:255],
        action=action,
        text=text,
        data=data or {},
        created_at=timezone.now(),
    )
    if any(_wanted(c, event) for c in consumers()):
        event_id = event.pk
        transaction.on_commit(lambda: dispatch_event.delay(event_id))
    return event


def event_label(action: str) -> str:
    """The action's label in the active language (the apps mark theirs with ``gettext_noop``)."""
    label = EVENTS.get(action)
    return gettext(label) if label else action


# --- consumers ------------------------------------------------------------------------------------


class EventConsumer(Protocol):
    def __call__(self, event: DocumentEvent) -> None: ...


F = TypeVar("F", bound=Callable[[DocumentEvent], None])


def consumer(*, wants: Callable[[DocumentEvent], bool]) -> Callable[[F], F]:
    """Mark a consumer with its pre-filter, asked when the event is recorded (no query allowed: the
    event and its ``document`` are in memory)."""

    def mark(func: F) -> F:
        func.wants = wants  # type: ignore[attr-defined]
        return func

    return mark


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple[EventConsumer, ...]:
    return tuple(cast(EventConsumer, import_string(path)) for path in paths)


def consumers() -> tuple[EventConsumer, ...]:
    """The consumers of ``settings.QLVB_EVENT_CONSUMERS``, imported once."""
    return _load(tuple(getattr(settings, "QLVB_EVENT_CONSUMERS", ())))


def _wanted(func: EventConsumer, event: DocumentEvent) -> bool:
    wants = getattr(func, "wants", None)
    return True if wants is None else bool(wants(event))


def event_dispatch(event_id: int) -> int:
    """Call every consumer that wants the event, each in its own transaction. Every consumer runs even
    when one fails; the first failure is raised afterwards (Celery may retry: consumers are idempotent).
    Returns how many consumers ran."""
    event = DocumentEvent.objects.select_related("document").filter(pk=event_id).first()
    if event is None:  # the document was deleted since
        return 0
    ran, failure = 0, None
    for func in consumers():
        if not _wanted(func, event):
            continue
        try:
            with transaction.atomic():
                func(event)
            ran += 1
        except Exception as exc:  # one consumer's failure must not silence the others
            logger.exception("document event %s: consumer %r failed", event_id, func)
            failure = failure or exc
    if failure is not None:
        raise failure
    return ran


@shared_task(name="qlvb.documents.dispatch_event")
def dispatch_event(event_id: int) -> int:
    """Celery task queued by :func:`event_record` after its transaction commits."""
    return event_dispatch(event_id)
