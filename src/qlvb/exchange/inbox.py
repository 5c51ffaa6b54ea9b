"""The inbox of the national axis (docs/axis.md, "Engine").

:func:`inbox_poll` (a beat job) lists what waits on the axis and takes each package once: download,
parse (streaming, ``edxml.parse``), then in one transaction an :class:`InboxItem` keyed by the axis's
message id and the effect — a new document registered through the one incoming entry point
(``incoming_receive``, channel "axis", idempotent on DocumentId + sender), a revocation or replacement
applied to the copy we hold, or a status applied to our delivery — and the status answered (01, or 02
with the Vietnamese reason of a refusal); only then the acknowledgement. Killed between download and
acknowledgement, the next poll finds the message id and only acknowledges: nothing twice.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from qlvb.files.models import Blob

from .axis_config import transport_get
from .axis_packages import blob_keep
from .edxml import EdxmlRefused, parse
from .edxml import model as m
from .edxml.parse import peek_sender
from .edxml.signature import verify_package
from .edxml.status import REJECTED
from .inbox_documents import PackageRefusedError, edoc_take
from .inbox_statuses import status_apply
from .outbox import axis_status_queue
from .queue_models import InboxItem, InboxState, OutboxKind
from .transport import ReceivedMessage, TransportError
from .transport import Transport as AxisTransport

__all__ = ["PackageRefusedError", "inbox_poll", "inbox_receive", "inbox_take"]

log = logging.getLogger(__name__)


@dataclass
class _Taken:
    message: ReceivedMessage
    path: Path
    files_dir: Path


def inbox_poll(*, transport: AxisTransport | None = None) -> int:
    """Take every package waiting for this system (``transport``: one connected system, default the
    configured one). Returns how many were taken. A transport failure stops the poll (the next one
    resumes); a refused package is stored, answered and acknowledged."""
    transport = transport or transport_get()
    taken = 0
    try:
        messages = transport.list_received()
    except TransportError as exc:
        log.warning("axis inbox: %s", exc.message)
        return 0
    for message in messages:
        try:
            inbox_take(message, transport=transport)
        except TransportError as exc:
            log.warning("axis inbox %s: %s", message.id, exc.message)
            break
        taken += 1
    return taken


def inbox_take(message: ReceivedMessage, *, transport: AxisTransport | None = None) -> InboxItem:
    """Take one message: :func:`inbox_receive`, then acknowledge it to the axis."""
    axis = transport or transport_get()
    item = inbox_receive(message, transport=axis)
    axis.acknowledge(message.id, "done")
    InboxItem.objects.filter(pk=item.pk, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
    return item


def inbox_receive(message: ReceivedMessage, *, transport: AxisTransport | None = None) -> InboxItem:
    """Download, parse and apply one message, once: a message id already taken returns its item (the
    worker died before acknowledging it). Raises :class:`TransportError` only when the axis failed in a
    way worth retrying; a package refused for good is stored refused."""
    done = InboxItem.objects.filter(message_id=message.id).first()
    if done is not None:
        return done
    with tempfile.TemporaryDirectory(prefix="axis-in-") as tmp:
        path, files_dir = Path(tmp) / "package.edxml", Path(tmp) / "files"
        files_dir.mkdir()
        try:
            (transport or transport_get()).download(message.id, path)
        except TransportError as exc:
            if exc.retryable:
                raise
            return _refuse(message, None, exc.message, sender=message.sender, key="")
        try:
            return _handle(_Taken(message, path, files_dir))
        except IntegrityError:  # another poll took this very message at the same moment
            return InboxItem.objects.get(message_id=message.id)


def _handle(taken: _Taken) -> InboxItem:
    blob = blob_keep(taken.path)
    hint = peek_sender(taken.path)
    try:
        parsed = parse(taken.path, attachments_dir=taken.files_dir)
    except EdxmlRefused as exc:
        return _refuse(
            taken.message, blob, exc.message, sender=hint.organ_id or taken.message.sender, key=hint.document_id
        )
    try:
        verdict = verify_package(taken.path)
        signature = f"{verdict.verdict}: {verdict.message}"[:500]
    except EdxmlRefused as exc:  # parsed, yet unreadable for the signature check: noted, not refused
        signature = f"invalid: {exc.message}"[:500]
    try:
        with transaction.atomic():
            if isinstance(parsed.package, m.Status):
                return status_apply(taken.message, parsed.package, blob=blob)
            return edoc_take(taken.message, parsed, blob=blob, signature=signature)
    except PackageRefusedError as exc:
        header = parsed.package.header if isinstance(parsed.package, m.Edoc) else None
        sender = header.from_.organ_id if header else taken.message.sender
        return _refuse(
            taken.message,
            blob,
            exc.reason,
            sender=sender or taken.message.sender,
            key=header.document_id if header else "",
        )


def _refuse(message: ReceivedMessage, blob: Blob | None, reason: str, *, sender: str, key: str) -> InboxItem:
    """A package not taken: kept with its Vietnamese reason, answered 02 when its sender is known."""
    with transaction.atomic():
        item = InboxItem.objects.create(
            message_id=message.id,
            kind=message.message_type if message.message_type in OutboxKind.values else OutboxKind.EDOC,
            sender=sender[:35],
            recipient=message.recipient[:35],
            key=key[:200],
            state=InboxState.REFUSED,
            reason=reason[:1000],
            package=blob,
            received_at=timezone.now(),
        )
        if sender and key and item.kind == OutboxKind.EDOC:
            axis_status_queue(item, code=REJECTED, description=f"Từ chối tiếp nhận: {reason}")
    return item
