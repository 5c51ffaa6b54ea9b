"""Announcements under ``/api/v1/announcements``: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.core.errors import NotFound
from qlvb.core.permissions import has
from qlvb.directory.selectors import acting_user, agency_of, unit_get, users_get
from qlvb.files.models import StoredFile

from . import announcement_selectors as selectors
from . import announcements as services
from . import calendar_policies as policies
from .announcement_models import ANNOUNCEMENT_MAX, Announcement

router = Router(tags=["announcements"])
LIST_LIMIT = 100


class AnnouncementOut(Schema):
    id: int
    title: str
    body: str
    audience: str
    unit_ids: list[int]
    user_ids: list[int]
    file_ids: list[int]
    must_read: bool
    valid_from: dt.date
    valid_until: dt.date | None
    created_by: str
    created_at: dt.datetime
    read: bool


class AnnouncementIn(Schema):
    title: str = Field(..., max_length=ANNOUNCEMENT_MAX["title"])
    body: str = Field("", max_length=ANNOUNCEMENT_MAX["body"])
    audience: str = Field("agency", description="agency | units | people")
    unit_ids: list[Id] = Field(default_factory=list, max_length=200)
    user_ids: list[Id] = Field(default_factory=list, max_length=2000)
    file_ids: list[Id] = Field(default_factory=list, max_length=20)
    must_read: bool = False
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class AnnouncementReaderOut(Schema):
    user_id: int
    name: str
    unit: str
    read_at: dt.datetime | None


class AnnouncementReceiptsOut(Schema):
    read: list[AnnouncementReaderOut]
    unread: list[AnnouncementReaderOut]


def _out(a: Announcement, read: bool) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "body": a.body,
        "audience": a.audience,
        "unit_ids": [u.pk for u in a.target_units.all()],
        "user_ids": [u.pk for u in a.target_users.all()],
        "file_ids": [f.pk for f in a.files.all()],
        "must_read": a.must_read,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "created_by": str(a.created_by),
        "created_at": a.created_at,
        "read": read,
    }


@router.get("", response=list[AnnouncementOut], summary="Thông báo gửi đến tôi hoặc do tôi đăng (mới nhất trước)")
def announcement_list(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    actor = acting_user(request)
    if unread:
        qs = selectors.announcements_unread(actor).prefetch_related("target_units", "target_users", "files")
        return [_out(a, False) for a in qs[:LIST_LIMIT]]
    qs = selectors.announcements_visible_to(actor).prefetch_related("target_units", "target_users", "files")
    return [_out(a, getattr(a, "read_by_me", False)) for a in qs.order_by("-created_at", "-id")[:LIST_LIMIT]]


@router.post("", response={201: AnnouncementOut}, summary="Đăng thông báo nội bộ")
def announcement_create(request: HttpRequest, payload: AnnouncementIn) -> Status:
    actor = acting_user(request)
    agency = agency_of(actor)
    if agency is None:
        raise NotFound()
    files = list(StoredFile.objects.filter(pk__in=payload.file_ids, uploaded_by=actor))
    if len(files) != len(set(payload.file_ids)):
        raise NotFound("Không tìm thấy tệp hoặc bạn không có quyền dùng tệp này.")
    a = services.announcement_create(
        actor=actor,
        agency=agency,
        title=payload.title,
        body=payload.body,
        audience=payload.audience,
        units=[unit_get(actor, unit_id=pk) for pk in dict.fromkeys(payload.unit_ids)],
        people=users_get(actor, user_ids=payload.user_ids),
        must_read=payload.must_read,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        files=files,
    )
    return Status(201, _out(selectors.announcement_get(actor, a.pk), False))


@router.get("/{announcement_id}", response=AnnouncementOut, summary="Một thông báo (không tự đánh dấu đã đọc)")
def announcement_detail(request: HttpRequest, announcement_id: Id) -> dict[str, Any]:
    a = selectors.announcement_get(acting_user(request), announcement_id)
    return _out(a, getattr(a, "read_by_me", False))


@router.post("/{announcement_id}/read", response=AnnouncementOut, summary="Xác nhận đã đọc")
def announcement_read(request: HttpRequest, announcement_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    services.announcement_read(actor=actor, announcement=selectors.announcement_get(actor, announcement_id))
    return _out(selectors.announcement_get(actor, announcement_id), True)


@router.get("/{announcement_id}/receipts", response=AnnouncementReceiptsOut, summary="Ai đã đọc, ai chưa đọc")
def announcement_receipts(request: HttpRequest, announcement_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    a = selectors.announcement_get(actor, announcement_id)
    if a.created_by_id != actor.pk and not has(actor, policies.ANNOUNCE, unit=a.agency):
        raise NotFound()
    read, unread = selectors.receipts(a)

    def row(u: Any, at: dt.datetime | None) -> dict[str, Any]:
        return {"user_id": u.pk, "name": str(u), "unit": u.unit.name if u.unit else "", "read_at": at}

    return {"read": [row(u, at) for u, at in read], "unread": [row(u, None) for u in unread]}
