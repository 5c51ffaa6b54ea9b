"""Celery tasks of the core: anchoring the audit chain's head outside the database."""

from __future__ import annotations

import logging

from celery import shared_task

from .audit import AnchorRefused, anchor_write

logger = logging.getLogger(__name__)


@shared_task(name="qlvb.core.audit_anchor")
def audit_anchor_task() -> str:
    """Periodic (``CELERY_BEAT_SCHEDULE["audit-anchor"]``, ``QLVB_AUDIT_ANCHOR_SECONDS``): append the
    head to the anchor file. A refusal (the tail was cut, the head forged) is logged as an error."""
    try:
        anchor = anchor_write()
    except AnchorRefused as exc:
        logger.error("Không neo được đầu chuỗi nhật ký: %s", exc)
        return f"refused: {exc}"
    return "empty" if anchor is None else f"anchored #{anchor.last_seq}"
