"""What the exchange does with document events (named in ``settings.QLVB_EVENT_CONSUMERS``; called by
``documents.events.dispatch_event`` through Celery after the transaction that recorded the event commits).

- The sender's ``issued`` event (and ``deliveries_retried``, the clerk's "Gửi lại"): the exchange fans
  out one task per delivery the outgoing flow recorded (``deliveries.py``); ``revoked`` / ``replaced``:
  it carries out the recall (``recall.py``). A rolled-back issue records no event, so it sends nothing.
  ``take_back_requested``: the take-back of one recipient's copy (``take_back.py``: withdrawn here, or a
  status 13 through the axis).
- A recipient agency of this deployment acts on the copy it received internally (registers, assigns,
  handles, completes, refuses); each such event moves the sender's
  :class:`~qlvb.documents.deliveries.Delivery` forward (edXML 03/04/05/06, or 02) — what an edXML status
  package does between two systems (``statuses.py``).

Every handler is idempotent: the same event dispatched twice changes nothing the second time.
"""

from __future__ import annotations

from qlvb.documents.events import consumer
from qlvb.documents.models import Channel, Direction, DocumentEvent

from .deliveries import deliveries_carry
from .recall import recall_carry
from .statuses import EVENT_STATUS, status_from_event
from .take_back import take_back_carry

SENDER_ACTIONS = ("issued", "deliveries_retried", "revoked", "replaced", "take_back_requested")


def _wants(event: DocumentEvent) -> bool:
    document = event.document
    if event.action in SENDER_ACTIONS:
        return document.direction == Direction.OUTGOING
    return (
        event.action in EVENT_STATUS
        and document.direction == Direction.INCOMING
        and document.channel == Channel.INTERNAL
    )


@consumer(wants=_wants)
def document_event(event: DocumentEvent) -> None:
    if event.action in ("issued", "deliveries_retried"):
        deliveries_carry(event)
    elif event.action in ("revoked", "replaced"):
        recall_carry(event)
    elif event.action == "take_back_requested":
        take_back_carry(event)
    else:
        status_from_event(event)
