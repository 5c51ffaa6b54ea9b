"""Nghỉ việc / chuyển công tác under ``/api/v1/operations/handover``: what a person holds, the act, and
the Biên bản bàn giao. The same services as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.directory.selectors import acting_user

from .handover import HandoverInput, handover_get, handover_items, handover_make, handovers_visible_to
from .handover_models import Handover
from .handover_print import handover_response

router = Router(tags=["operations-handover"])


class HeldItemOut(Schema):
    key: str
    kind: str
    kind_label: str
    id: int
    label: str
    state: str


class HeldOut(Schema):
    person_id: int
    person: str
    unit: str
    items: list[HeldItemOut]


class HandoverIn(Schema):
    mode: str = Field(..., description="leave (nghỉ việc: khóa tài khoản) hoặc move (chuyển công tác trong cơ quan)")
    successor_id: Id | None = Field(None, description="người nhận mặc định của mọi việc")
    overrides: dict[str, Id] = Field(default_factory=dict, description="khóa việc (assignment-12) → người nhận")
    to_unit_id: Id | None = None
    reason: str = Field("", max_length=500)


class LineOut(Schema):
    ordinal: int
    kind: str
    object_id: int
    label: str
    successor_id: int
    successor: str


class HandoverOut(Schema):
    id: int
    person_id: int
    person: str
    person_unit: str
    mode: str
    reason: str
    to_unit_id: int | None
    made_by: str
    made_at: dt.datetime
    lines: list[LineOut]


def _out(record: Handover) -> HandoverOut:
    return HandoverOut(
        id=record.pk,
        person_id=record.person_id,
        person=record.person_name,
        person_unit=record.person_unit,
        mode=record.mode,
        reason=record.reason,
        to_unit_id=record.to_unit_id,
        made_by=record.made_by_name,
        made_at=record.made_at,
        lines=[
            LineOut(
                ordinal=line.ordinal,
                kind=line.kind,
                object_id=line.object_id,
                label=line.label,
                successor_id=line.successor_id,
                successor=line.successor_name,
            )
            for line in record.lines.all()
        ],
    )


@router.get("/people/{person_id}", response=HeldOut)
def held(request: HttpRequest, person_id: Id) -> HeldOut:
    person, items = handover_items(actor=acting_user(request), person_id=person_id)
    return HeldOut(
        person_id=person.pk,
        person=person.full_name,
        unit=person.unit.name if person.unit else "",
        items=[
            HeldItemOut(key=i.key, kind=i.kind, kind_label=i.kind_label, id=i.pk, label=i.label, state=i.state)
            for i in items
        ],
    )


@router.post("/people/{person_id}", response={201: HandoverOut})
def make(request: HttpRequest, person_id: Id, payload: HandoverIn) -> Status:
    data = HandoverInput(
        mode=payload.mode,
        successor_id=payload.successor_id,
        overrides=dict(payload.overrides),
        to_unit_id=payload.to_unit_id,
        reason=payload.reason,
    )
    record = handover_make(actor=acting_user(request), person_id=person_id, data=data)
    return Status(201, _out(record))


@router.get("/records", response=list[HandoverOut])
def records(request: HttpRequest) -> list[HandoverOut]:
    return [_out(r) for r in handovers_visible_to(acting_user(request))[:100]]


@router.get("/records/{handover_id}", response=HandoverOut)
def record(request: HttpRequest, handover_id: Id) -> HandoverOut:
    return _out(handover_get(actor=acting_user(request), handover_id=handover_id))


@router.get("/records/{handover_id}/{fmt}")
def record_file(request: HttpRequest, handover_id: Id, fmt: str) -> HttpResponse:
    return handover_response(handover_get(actor=acting_user(request), handover_id=handover_id), fmt)
