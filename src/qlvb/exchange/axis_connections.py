"""Per-agency connections to the axis (:class:`AxisConnection`), set by the administrator on the
"Liên thông" page: the transport an agency sends with, every distinct connected system the inbox polls,
and the sealed secret (Fernet; key derived from the deployment's ``SECRET_KEY``, so a database dump alone
does not reveal it). An agency without its own connection uses the deployment's ``QLVB_AXIS_*`` settings."""

from __future__ import annotations

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from .connection_models import AxisConnection
from .errors import ErrorCode
from .transport import Transport, TransportError, VdxpConfig, VdxpTransport

log = logging.getLogger(__name__)


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"qlvb axis connection secret\x00" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise TransportError(
            "Không đọc được mật khẩu kết nối trục liên thông đã lưu (khóa bí mật của hệ thống đã đổi): "
            "quản trị viên cần nhập lại mật khẩu.",
            code=ErrorCode.AXIS_NOT_CONFIGURED,
        ) from None


def connection_transport(connection: AxisConnection) -> Transport:
    return VdxpTransport(
        VdxpConfig(
            endpoint=connection.endpoint,
            system_id=connection.system_id,
            secret=secret_unseal(connection.secret_sealed),
            read_timeout=settings.QLVB_AXIS_TIMEOUT,
        )
    )


def connection_of(organ_id: str) -> AxisConnection | None:
    """The own connection of the agency with this code, if its administrator set one."""
    if not organ_id:
        return None
    return AxisConnection.objects.filter(agency__organ_id=organ_id, agency__external=False).first()


def connections_exist() -> bool:
    return AxisConnection.objects.exists()


def transports_all() -> list[Transport]:
    """One transport per distinct connected system (endpoint + system id): the agencies' own connections,
    then the deployment's settings when they name another system. What the inbox polls."""
    from .axis_config import axis_configured_by_settings, transport_get

    seen: set[tuple[str, str]] = set()
    out: list[Transport] = []
    for connection in AxisConnection.objects.order_by("pk"):
        key = (connection.endpoint.rstrip("/"), connection.system_id)
        if key not in seen:
            seen.add(key)
            try:
                out.append(connection_transport(connection))
            except TransportError as exc:  # a secret sealed under another SECRET_KEY: the others still poll
                log.warning("axis connection of agency %s: %s", connection.agency_id, exc.message)
    if axis_configured_by_settings():
        key = (settings.QLVB_AXIS_ENDPOINT.rstrip("/"), settings.QLVB_AXIS_SYSTEM_ID)
        if key not in seen:
            out.append(transport_get())
    return out
