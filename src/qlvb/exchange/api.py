"""``/api/v1/exchange/...``: the national axis for the clerk and the administrator — what waits, was sent,
failed or arrived; retry a failed send; search and sync the agency directory; an agency's connection
(the secret write-only) and its test. The same selectors and services as the "Liên thông" page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from qlvb.core.bounds import Id
from qlvb.core.text import fold
from qlvb.directory.models import Unit, UnitKind

from . import axis_selectors as selectors
from . import axis_services as services
from . import policies
from .connection_models import AxisConnection
from .queue_models import InboxItem, OutboxItem

if TYPE_CHECKING:
    from qlvb.directory.models import User

router = Router(tags=["exchange"])
LIMIT_MAX = 200


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the router's auth has made sure of it


class OutboxItemOut(Schema):
    id: int
    kind: str
    business_type: int
    status_code: str
    sender: str
    recipient: str
    recipient_name: str
    document_id: int | None
    subject: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    failed: bool
    sent_at: datetime | None
    axis_id: str
    created_at: datetime


class InboxItemOut(Schema):
    id: int
    kind: str
    sender: str
    recipient: str
    business_type: int
    state: str
    state_label: str
    reason: str
    signature: str
    document_id: int | None
    subject: str
    received_at: datetime
    acknowledged_at: datetime | None


class PageIn(Schema):
    agency_id: Id | None = Field(None, description="Cơ quan (mặc định: cơ quan đầu tiên của mình)")
    limit: int = Field(50, ge=1, le=LIMIT_MAX)
    offset: int = Field(0, ge=0, le=10_000_000)


class OutboxQuery(PageIn):
    state: Literal["waiting", "sent", "failed"] = "waiting"


class InboxQuery(PageIn):
    view: Literal["today", "refused", "all"] = "today"


OUTBOX_FIELDS: tuple[str, ...] = (
    "id",
    "kind",
    "business_type",
    "status_code",
    "sender",
    "recipient",
    "attempts",
    "next_attempt_at",
)
OUTBOX_FIELDS += ("last_error", "failed", "sent_at", "axis_id", "created_at")
INBOX_FIELDS: tuple[str, ...] = (
    "id",
    "kind",
    "sender",
    "recipient",
    "business_type",
    "state",
    "reason",
    "signature",
    "received_at",
)
INBOX_FIELDS += ("acknowledged_at",)


def _outbox_out(item: OutboxItem) -> dict[str, object]:
    delivery = item.delivery
    return {
        **{f: getattr(item, f) for f in OUTBOX_FIELDS},
        "recipient_name": delivery.organ_name if delivery else "",
        "document_id": delivery.document_id if delivery else None,
        "subject": delivery.document.subject if delivery else "",
    }


def _inbox_out(item: InboxItem) -> dict[str, object]:
    return {
        **{f: getattr(item, f) for f in INBOX_FIELDS},
        "state_label": item.get_state_display(),
        "document_id": item.document_id,
        "subject": item.document.subject if item.document else "",
    }


@router.get("/outbox", response=list[OutboxItemOut], summary="Gói tin gửi lên trục liên thông: chờ gửi, đã gửi, lỗi")
def outbox_list(request: HttpRequest, q: Query[OutboxQuery]) -> list[dict[str, object]]:
    actor = _actor(request)
    agency = selectors.axis_agency_get(actor, permission=policies.AXIS_WORK, pk=q.agency_id)
    items = selectors.outbox_items(actor, agency=agency, state=q.state, permission=policies.AXIS_WORK)
    return [_outbox_out(item) for item in items[q.offset : q.offset + q.limit]]


@router.get(
    "/inbox", response=list[InboxItemOut], summary="Gói tin nhận từ trục liên thông: hôm nay, bị từ chối, tất cả"
)
def inbox_list(request: HttpRequest, q: Query[InboxQuery]) -> list[dict[str, object]]:
    actor = _actor(request)
    agency = selectors.axis_agency_get(actor, permission=policies.AXIS_WORK, pk=q.agency_id)
    items = selectors.inbox_items(actor, agency=agency, view=q.view, permission=policies.AXIS_WORK)
    return [_inbox_out(item) for item in items[q.offset : q.offset + q.limit]]


@router.post("/outbox/{item_id}/retry", response=OutboxItemOut, summary="Gửi lại gói tin bị trục liên thông từ chối")
def outbox_retry(request: HttpRequest, item_id: Id) -> dict[str, object]:
    return _outbox_out(services.outbox_item_retry(actor=_actor(request), pk=item_id))


# --- the agency directory ---------------------------------------------------------------------------


class AgencyOut(Schema):
    id: int
    name: str
    organ_id: str
    external: bool
    email: str


class AgencyQuery(Schema):
    q: str = Field("", max_length=200, description="Tên (không dấu cũng được) hoặc mã định danh")
    limit: int = Field(20, ge=1, le=LIMIT_MAX)


@router.get("/agencies", response=list[AgencyOut], summary="Tìm cơ quan nhận trong danh bạ (tên hoặc mã định danh)")
def agencies_search(request: HttpRequest, q: Query[AgencyQuery]) -> list[Unit]:
    """Agencies that can be chosen as recipients: those of this deployment and the outside agencies of
    the directory (typed by hand or imported from the axis), active, by folded name or code."""
    found = Unit.objects.filter(kind=UnitKind.AGENCY, is_active=True)
    term = q.q.strip()
    if term:
        found = found.filter(Q(name_folded__contains=fold(term)) | Q(organ_id__icontains=term.replace(" ", "")))
    return list(found.order_by("name")[: q.limit])


class SyncOut(Schema):
    listed: int
    added: int
    updated: int
    gone: int
    own: int
    invalid: list[str]
    summary: str


@router.post(
    "/directory/sync", response=SyncOut, summary="Đồng bộ danh bạ cơ quan từ trục liên thông (getAgenciesList)"
)
def directory_sync(request: HttpRequest) -> dict[str, object]:
    result = services.directory_sync(actor=_actor(request))
    return {**result.__dict__, "summary": result.summary}


# --- connections (administrator) ----------------------------------------------------------------------


class ConnectionOut(Schema):
    agency_id: int
    agency_name: str
    organ_id: str
    source: str = Field(description="agency: kết nối riêng của cơ quan; settings: kết nối chung của hệ thống")
    endpoint: str
    system_id: str
    secret_set: bool = Field(description="Đã lưu mật khẩu (không bao giờ trả về)")
    updated_at: datetime | None
    tested_at: datetime | None
    test_ok: bool | None
    test_message: str


class ConnectionIn(Schema):
    endpoint: str = Field(max_length=300)
    system_id: str = Field(max_length=100)
    secret: str = Field("", max_length=500, description="Chỉ ghi; để trống để giữ mật khẩu đã lưu")


class ConnectionTestOut(Schema):
    ok: bool
    message: str
    seconds: float
    source: str


def _connection_out(agency: Unit) -> dict[str, object]:
    c = AxisConnection.objects.filter(agency=agency).first()
    return {
        "agency_id": agency.pk,
        "agency_name": agency.name,
        "organ_id": agency.organ_id,
        "source": "agency" if c else "settings",
        "endpoint": c.endpoint if c else "",
        "system_id": c.system_id if c else "",
        "secret_set": bool(c and c.secret_sealed),
        "updated_at": c.updated_at if c else None,
        "tested_at": c.tested_at if c else None,
        "test_ok": c.test_ok if c else None,
        "test_message": c.test_message if c else "",
    }


def _admin_agency(request: HttpRequest, agency_id: int) -> Unit:
    """One of the agencies the actor administers (403 without the right, 404 for another agency)."""
    return selectors.axis_agency_get(_actor(request), permission=policies.AXIS_CONNECTION_MANAGE, pk=agency_id)


@router.get("/connections/{agency_id}", response=ConnectionOut, summary="Kết nối trục liên thông của cơ quan")
def connection_get(request: HttpRequest, agency_id: Id) -> dict[str, object]:
    return _connection_out(_admin_agency(request, agency_id))


@router.put("/connections/{agency_id}", response=ConnectionOut, summary="Lưu kết nối trục liên thông của cơ quan")
def connection_put(request: HttpRequest, agency_id: Id, payload: ConnectionIn) -> dict[str, object]:
    agency = _admin_agency(request, agency_id)
    services.connection_save(actor=_actor(request), agency=agency, **payload.dict())
    return _connection_out(agency)


@router.post(
    "/connections/{agency_id}/test", response=ConnectionTestOut, summary="Kiểm tra kết nối trục liên thông của cơ quan"
)
def connection_test(request: HttpRequest, agency_id: Id) -> dict[str, object]:
    result = services.connection_test(actor=_actor(request), agency=_admin_agency(request, agency_id))
    return result.__dict__
