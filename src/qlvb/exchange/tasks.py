"""Celery tasks of the national axis: thin wrappers around ``outbox`` and ``inbox``."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="qlvb.exchange.axis_outbox_send")
def axis_outbox_send(item_id: int) -> bool:
    """Send one outbox item after the transaction that queued it commits (retries: the beat job)."""
    from .outbox import outbox_send

    item = outbox_send(item_id)
    return bool(item is not None and item.sent_at is not None)


@shared_task(name="qlvb.exchange.axis_outbox_due")
def axis_outbox_due() -> int:
    """Beat job: send the items whose next try is due."""
    from .axis_config import axis_configured
    from .outbox import outbox_send_due

    return outbox_send_due() if axis_configured() else 0


@shared_task(name="qlvb.exchange.axis_inbox_poll")
def axis_inbox_poll() -> int:
    """Beat job: take every package waiting on the axis."""
    from .axis_connections import transports_all
    from .inbox import inbox_poll

    return sum(inbox_poll(transport=transport) for transport in transports_all())  # each connected system


@shared_task(name="qlvb.exchange.axis_directory_sync")
def axis_directory_sync() -> int:
    """Beat job (daily): import the axis's agency directory. Returns how many agencies it lists."""
    from .axis_config import axis_configured
    from .axis_services import directory_sync

    return directory_sync(actor=None).listed if axis_configured() else 0


@shared_task(name="qlvb.exchange.delivery_carry")
def delivery_carry_task(delivery_id: int, transport: str = "") -> str:
    """One recipient of an issued document (``deliveries.delivery_carry``), queued after the issue's
    event commits. A failed try is recorded and queued again after its back-off (the countdown), until
    the tries run out; idempotent, so a redelivered message (a worker killed) delivers once."""
    from .deliveries import delivery_carry, delivery_carry_failed

    try:
        return delivery_carry(delivery_id)
    except Exception as exc:  # recorded on the delivery; the next try is a new message with a countdown
        retry_in = delivery_carry_failed(delivery_id, exc)
        if retry_in is None:
            return "failed"
        delivery_carry_queue(delivery_id, transport, countdown=retry_in)
        return "retry"


def delivery_carry_queue(delivery_id: int, transport: str, *, countdown: float | None = None) -> None:
    """Queue :func:`delivery_carry_task`: on ``exchange`` for the axis, on ``default`` in this deployment."""
    queue = "exchange" if transport == "axis" else "default"
    if countdown is None:
        delivery_carry_task.apply_async(args=(delivery_id, transport), queue=queue)
    else:
        delivery_carry_task.apply_async(args=(delivery_id, transport), queue=queue, countdown=countdown)
