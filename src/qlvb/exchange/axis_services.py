"""What people do with the national axis (docs/axis.md, "Liên thông" page): retry a failed send, set and
test an agency's connection, import the axis's agency directory. Each checks the right, changes the data in
one transaction and writes the audit log; the engine itself is ``outbox`` / ``inbox``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.core.permissions import require
from qlvb.core.text import nfc
from qlvb.directory.agency_codes import organ_id_normalize, organ_id_problem
from qlvb.directory.models import Unit
from qlvb.directory.outside_directory import outside_agency_retire, outside_agency_upsert

from . import policies
from .axis_config import axis_configured_by_settings, transport_get
from .axis_connections import connection_of, secret_seal
from .axis_selectors import axis_agencies, axis_agency_get, outbox_item_get
from .connection_models import AxisAgency, AxisConnection
from .errors import ErrorCode
from .outbox import outbox_retry
from .queue_models import OutboxItem
from .transport import TransportError

if TYPE_CHECKING:
    from qlvb.directory.models import User


# --- the outbox ---------------------------------------------------------------------------------------


@transaction.atomic
def outbox_item_retry(*, actor: User, pk: int) -> OutboxItem:
    """The clerk's "Gửi lại" of a package the axis refused for good: pending again, sent after commit."""
    item = outbox_item_get(actor, pk=pk, permission=policies.AXIS_WORK)
    require(actor, policies.AXIS_WORK, unit=Unit.objects.get(organ_id=item.sender))
    item = OutboxItem.objects.select_for_update().get(pk=item.pk)
    if item.sent_at is not None or not item.failed:
        raise Conflict("Gói tin này không ở trạng thái gửi lỗi: không cần gửi lại.", code=ErrorCode.NOT_FAILED)
    outbox_retry(item)
    audit.record(
        "exchange.outbox_retried",
        actor=actor,
        obj=("exchange.OutboxItem", str(item.pk), f"{item.kind} → {item.recipient}"),
        data={"recipient": item.recipient, "last_error": item.last_error},
    )
    item.refresh_from_db()
    return item


# --- connections --------------------------------------------------------------------------------------


def _endpoint_clean(value: str) -> str:
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 300:
        raise ValidationFailed(
            "Địa chỉ trục liên thông phải là một địa chỉ http:// hoặc https:// (tối đa 300 ký tự).",
            code=ErrorCode.ENDPOINT_INVALID,
        )
    return value.rstrip("/")


@transaction.atomic
def connection_save(*, actor: User, agency: Unit, endpoint: str, system_id: str, secret: str = "") -> AxisConnection:
    """Set ``agency``'s connection. The secret is write-only: empty keeps the one saved (required the first
    time); it is sealed before it is stored and never shown or logged."""
    agency = axis_agency_get(actor, permission=policies.AXIS_CONNECTION_MANAGE, pk=agency.pk)
    require(actor, policies.AXIS_CONNECTION_MANAGE, unit=agency)
    endpoint = _endpoint_clean(endpoint)
    system_id = nfc(system_id or "").strip()
    if not system_id or len(system_id) > 100:
        raise ValidationFailed("Cần nhập mã hệ thống (tối đa 100 ký tự).", code=ErrorCode.SYSTEM_ID_INVALID)
    connection = AxisConnection.objects.select_for_update().filter(agency=agency).first()
    if connection is None and not secret:
        raise ValidationFailed("Cần nhập mật khẩu kết nối (lần đầu cấu hình).", code=ErrorCode.SECRET_MISSING)
    now = timezone.now()
    if connection is None:
        connection = AxisConnection(agency=agency)
    connection.endpoint, connection.system_id = endpoint, system_id
    if secret:
        connection.secret_sealed = secret_seal(secret)
    connection.updated_at, connection.updated_by = now, actor
    connection.tested_at, connection.test_ok, connection.test_message = None, None, ""
    connection.save()
    audit.record(
        "exchange.connection_saved",
        actor=actor,
        obj=agency,
        data={"endpoint": endpoint, "system_id": system_id, "secret_changed": bool(secret)},
    )
    return connection


@dataclass(frozen=True)
class ConnectionTest:
    ok: bool
    message: str
    seconds: float
    source: str  # "agency": the agency's own connection; "settings": the deployment's QLVB_AXIS_*


def connection_source(agency: Unit) -> str:
    return "agency" if AxisConnection.objects.filter(agency=agency).exists() else "settings"


def connection_test(*, actor: User, agency: Unit) -> ConnectionTest:
    """Call the axis with ``agency``'s connection (an authenticated directory request) and say what it
    answered. Kept on the connection; audited."""
    agency = axis_agency_get(actor, permission=policies.AXIS_CONNECTION_MANAGE, pk=agency.pk)
    require(actor, policies.AXIS_CONNECTION_MANAGE, unit=agency)
    source = connection_source(agency)
    started = time.monotonic()
    try:
        listed = len(transport_get(agency.organ_id).agencies())
    except TransportError as exc:
        ok, message = False, exc.message
    else:
        ok = True
        message = f"Trục liên thông xác thực hệ thống và trả về danh bạ {listed} cơ quan."
    seconds = round(time.monotonic() - started, 2)
    with transaction.atomic():
        AxisConnection.objects.filter(agency=agency).update(
            tested_at=timezone.now(), test_ok=ok, test_message=message[:1000]
        )
        audit.record("exchange.connection_tested", actor=actor, obj=agency, data={"ok": ok, "message": message})
    return ConnectionTest(ok=ok, message=message, seconds=seconds, source=source)


# --- the agency directory -----------------------------------------------------------------------------


@dataclass
class DirectorySync:
    listed: int = 0
    added: int = 0
    updated: int = 0
    gone: int = 0
    own: int = 0  # codes of this deployment's own agencies (left alone)
    invalid: list[str] = field(default_factory=list)  # "code: reason" of entries refused

    @property
    def summary(self) -> str:
        text = (
            f"Đã đồng bộ danh bạ từ trục liên thông: {self.listed} cơ quan, thêm mới {self.added}, cập nhật "
            f"{self.updated}, ngừng {self.gone}."
        )
        if self.invalid:
            text += f" Bỏ qua {len(self.invalid)} mã không hợp lệ."
        return text


def directory_sync(*, actor: User | None) -> DirectorySync:
    """Import the axis's agency directory (``getAgenciesList``) into the directory: each valid QĐ 20/2020
    code becomes (or updates) an outside agency that can be chosen as a recipient; one the axis no longer
    lists is set inactive; an invalid code is skipped and reported. ``actor=None``: the beat job."""
    organ_id = ""
    if actor is not None:
        agency = axis_agencies(actor, permission=policies.AXIS_DIRECTORY_SYNC).first()
        require(actor, policies.AXIS_DIRECTORY_SYNC, unit=agency)
        organ_id = agency.organ_id if agency is not None else ""
    if connection_of(organ_id) is None and not axis_configured_by_settings():
        raise Conflict(
            "Chưa cấu hình kết nối trục liên thông: quản trị viên cấu hình ở trang Liên thông → Cấu hình kết nối.",
            code=ErrorCode.AXIS_NOT_CONFIGURED,
        )
    entries = transport_get(organ_id).agencies()  # before the transaction: the axis may be slow
    result = DirectorySync(listed=len(entries))
    now = timezone.now()
    seen: set[str] = set()
    with transaction.atomic():
        for entry in entries:
            code = organ_id_normalize(entry.code)
            problem = organ_id_problem(code)
            if problem or code in seen:
                result.invalid.append(f"{entry.code!r}: {problem or 'trùng mã'}")
                continue
            seen.add(code)
            upserted = outside_agency_upsert(code=code, name=entry.name, email=entry.email)
            if upserted.unit is None:
                result.own += 1
            elif upserted.created:
                result.added += 1
            elif upserted.changed:
                result.updated += 1
            AxisAgency.objects.update_or_create(
                code=code,
                defaults={
                    "name": nfc(entry.name)[:255],
                    "parent_code": organ_id_normalize(entry.parent_code)[:35],
                    "email": entry.email[:254],
                    "phone": entry.phone[:64],
                    "fax": entry.fax[:64],
                    "unit": upserted.unit,
                    "seen_at": now,
                    "gone_at": None,
                },
            )
        for gone in AxisAgency.objects.filter(gone_at__isnull=True).exclude(code__in=seen).select_related("unit"):
            gone.gone_at = now
            gone.save(update_fields=["gone_at"])
            if gone.unit is not None and outside_agency_retire(gone.unit):
                result.gone += 1
        audit.record(
            "exchange.directory_synced",
            actor=actor,
            obj=("exchange.AxisAgency", "", "danh bạ trục liên thông"),
            data={
                "listed": result.listed,
                "added": result.added,
                "updated": result.updated,
                "gone": result.gone,
                "invalid": result.invalid[:50],
            },
        )
    return result
