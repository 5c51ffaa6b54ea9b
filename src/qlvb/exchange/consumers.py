"""What the exchange does with document events (named in ``settings.QLVB_EVENT_CONSUMERS``; called by
``documents.events.dispatch_event`` through Celery after the recipient's transaction commits).

A recipient agency of this deployment acts on the copy it received internally (registers, assigns,
handles, completes, refuses); each such event moves the sender's :class:`~qlvb.exchange.models.Delivery`
forward (edXML 03/04/05/06, or 02) — what an edXML status package does between two systems. The status
arrives after commit, as it would from another system, and the same event applied twice changes the
status once.
"""

from __future__ import annotations

from qlvb.documents.events import consumer
from qlvb.documents.models import Channel, Direction, DocumentEvent

from .services import EVENT_STATUS, status_from_event


def _wants(event: DocumentEvent) -> bool:
    document = event.document
    return (
        event.action in EVENT_STATUS
        and document.direction == Direction.INCOMING
        and document.channel == Channel.INTERNAL
    )


@consumer(wants=_wants)
def document_event(event: DocumentEvent) -> None:
    status_from_event(event)
