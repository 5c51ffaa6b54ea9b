"""The exchange's data. Deliveries and their status history are ``documents`` models (layer 3: the outgoing
flow records them, the exchange carries them); re-exported here for the exchange's own code."""

from __future__ import annotations

from qlvb.documents.deliveries import RANK, BusinessType, Delivery, Status, StatusChange, TakeBack, Transport

__all__ = ["RANK", "BusinessType", "Delivery", "Status", "StatusChange", "TakeBack", "Transport"]

from .connection_models import AxisAgency, AxisConnection  # noqa: F401
from .queue_models import InboxItem, InboxState, OutboxAttempt, OutboxItem, OutboxKind  # noqa: F401
