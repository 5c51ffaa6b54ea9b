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
