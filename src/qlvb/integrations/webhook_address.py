"""Where a webhook may go. A subscription's address is typed by an administrator or sent through the API by a
connected system, and the server then POSTs to it: without a check, an address could make qlvb's server
call itself (``https://127.0.0.1:...``, the admin pages, Redis's port) or the cloud's metadata service
(``169.254.169.254``, which hands out the machine's credentials) — server-side request forgery.

Refused always: loopback, link-local (169.254.0.0/16, fe80::/10), unspecified, multicast and reserved
addresses, IPv4 inside IPv6 (``::ffff:127.0.0.1``) included. The private ranges (10/8, 172.16/12,
192.168/16, fc00::/7) are allowed by default: an agency's own systems (một cửa, the task system) usually
sit on its internal network or on the government's data network; ``QLVB_WEBHOOK_BLOCK_PRIVATE=1`` refuses
them too (a deployment whose receivers are all on the internet). A host named in
``QLVB_WEBHOOK_HTTP_HOSTS`` or ``QLVB_WEBHOOK_INTERNAL_HOSTS`` is trusted as the administrator set it
(a receiver on the same machine, the tests' own).

Checked twice: when the address is saved (a literal IP, without asking DNS), and at every connection (the
names resolved, each address checked before connecting, and the address actually connected to checked
again: a name that changes its answer between the two — DNS rebinding — is caught)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ForbiddenAddressError(OSError):
    """The receiver's address is one a webhook may not reach; ``reason`` says which, in Vietnamese."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason


def trusted_hosts() -> set[str]:
    hosts = list(getattr(settings, "QLVB_WEBHOOK_HTTP_HOSTS", [])) + list(
        getattr(settings, "QLVB_WEBHOOK_INTERNAL_HOSTS", [])
    )
    return {h.strip().lower() for h in hosts if h.strip()}


def address_refusal(ip: IPAddress) -> str:
    """Why a webhook may not go to this address; "" when it may."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback or ip.is_unspecified:
        return _("địa chỉ của chính máy chủ (loopback)")
    if ip.is_link_local:
        return _("địa chỉ link-local (169.254.x.x, fe80::), nơi dịch vụ siêu dữ liệu của máy chủ đám mây trả lời")
    if ip.is_multicast or ip.is_reserved:
        return _("địa chỉ dành riêng hoặc multicast")
    if ip.is_private and getattr(settings, "QLVB_WEBHOOK_BLOCK_PRIVATE", False):
        return _("mạng nội bộ (QLVB_WEBHOOK_BLOCK_PRIVATE đang bật)")
    return ""


def literal_refusal(url: str) -> str:
    """At saving: the address's host when it is a literal IP that may not be reached; "" otherwise (a name
    is resolved only when sending)."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host in trusted_hosts():
        return ""
    if host == "localhost" or host.endswith(".localhost"):
        return _("địa chỉ của chính máy chủ (localhost)")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return ""
    return address_refusal(ip)


def _check_host(host: str, port: int) -> None:
    """Resolve ``host`` and refuse if any of its addresses may not be reached."""
    if host.lower().strip("[]") in trusted_hosts():
        return
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return  # the connection itself fails, with the usual message
    for *_rest, sockaddr in found:
        reason = address_refusal(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
        if reason:
            raise ForbiddenAddressError(host, reason)


def _check_peer(host: str, sock: socket.socket) -> None:
    if host.lower().strip("[]") in trusted_hosts():
        return
    try:
        peer = str(sock.getpeername()[0]).split("%")[0]
    except OSError:
        return
    reason = address_refusal(ipaddress.ip_address(peer))
    if reason:
        sock.close()
        raise ForbiddenAddressError(host, reason)


def _connect_checked(conn: HTTPConnection, connect: Callable[[], socket.socket]) -> socket.socket:
    _check_host(conn._dns_host, conn.port)
    sock = connect()
    _check_peer(conn._dns_host, sock)
    return sock


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self, super()._new_conn)


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self, super()._new_conn)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose connections refuse the addresses above."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def guarded_session() -> requests.Session:
    """A session for webhooks: no proxy from the environment, every connection checked."""
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the address is the subscription's
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def forbidden_in(exc: BaseException) -> ForbiddenAddressError | None:
    """The refusal inside an exception requests raised, if that is what it was."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ForbiddenAddressError):
            return current
        for arg in getattr(current, "args", ()):
            if isinstance(arg, BaseException):
                found = forbidden_in(arg)
                if found is not None:
                    return found
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            found = forbidden_in(reason)
            if found is not None:
                return found
        current = current.__cause__ or current.__context__
    return None
