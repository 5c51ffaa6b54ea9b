"""What every transport to the national document axis offers (docs/axis.md). The outbox and the inbox
(issue 11, after the exchange refactor of issue 10) speak only this protocol; ``VdxpTransport`` is the
Government Office axis over HTTP, and the local simulator (``qlvb axis-sim``) speaks the same API."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from qlvb.core.errors import DomainError

from ..errors import ErrorCode

MessageType = Literal["edoc", "status"]
AckStatus = Literal["processing", "done", "fail"]  # transport acknowledgement, not the edXML StatusCode


class TransportError(DomainError):
    """The axis refused or could not be reached. ``message`` is Vietnamese and carries the axis's own
    words when it gave any; ``retryable`` says whether trying again later may help (5xx, time-out,
    connection refused) — retries are the caller's (the outbox's) business."""

    status_code = 502

    def __init__(
        self,
        message: str,
        *,
        code: str = ErrorCode.AXIS_ERROR,
        retryable: bool = False,
        http_status: int | None = None,
        axis_code: str = "",
        axis_message: str = "",
    ) -> None:
        super().__init__(
            message,
            code=code,
            details={"http_status": http_status, "axis_code": axis_code, "axis_message": axis_message},
        )
        self.retryable = retryable
        self.http_status = http_status
        self.axis_code = axis_code
        self.axis_message = axis_message


@dataclass(frozen=True)
class ReceivedMessage:
    """One package waiting for this system on the axis."""

    id: str  # the axis's id for this delivery (download and acknowledge use it)
    sender: str  # From OrganId
    recipient: str  # To OrganId (one of ours)
    message_type: str  # edoc | status
    created: str  # as the axis wrote it
    status: str  # the transport status (initial, processing, fail ...)
    status_desc: str = ""


@dataclass(frozen=True)
class SentRecord:
    """One recipient of a package this system sent, with the axis's view of its delivery."""

    id: str  # the id ``send`` returned
    recipient: str
    send_status: str
    receive_status: str
    description: str = ""
    created: str = ""


@dataclass(frozen=True)
class Agency:
    """One entry of the axis's agency directory (QĐ 20/2020 code)."""

    code: str
    name: str
    parent_code: str = ""
    email: str = ""
    phone: str = ""
    fax: str = ""


class Transport(Protocol):
    def send(
        self,
        package: bytes | BinaryIO | Path,
        *,
        sender: str,
        recipients: tuple[str, ...] = (),
        message_type: MessageType = "edoc",
    ) -> str:
        """Hand a package to the axis; return the axis's message id. ``recipients`` (optional) is
        checked by the axis against the package's own ``To`` list."""
        ...

    def list_received(self, *, message_type: MessageType | None = None) -> list[ReceivedMessage]:
        """Packages waiting for any agency of this system, oldest first (not yet acknowledged done)."""
        ...

    def download(self, message_id: str, destination: Path | BinaryIO) -> int:
        """Write the package to ``destination`` (streamed); return its size in bytes."""
        ...

    def acknowledge(self, message_id: str, status: AckStatus = "done") -> None:
        """Tell the axis the package was taken (done), failed (fail) or is being taken (processing)."""
        ...

    def sent_list(self) -> list[SentRecord]: ...

    def agencies(self) -> list[Agency]: ...

    @property
    def send_time_limit(self) -> float:
        """Seconds after which a send that began can no longer be answered (its connect and read time-outs):
        a try that died mid-send and whose package is not in the sent list yet may still be in flight before."""
        ...
