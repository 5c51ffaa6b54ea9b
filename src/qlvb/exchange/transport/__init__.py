"""Transports to the national document axis (docs/axis.md): the ``Transport`` protocol and its HTTP
implementation for the Government Office axis (VDXP) and provincial LGSPs."""

from .base import AckStatus, Agency, MessageType, ReceivedMessage, SentRecord, Transport, TransportError
from .vdxp import VdxpConfig, VdxpTransport

__all__ = [
    "AckStatus",
    "Agency",
    "MessageType",
    "ReceivedMessage",
    "SentRecord",
    "Transport",
    "TransportError",
    "VdxpConfig",
    "VdxpTransport",
]
