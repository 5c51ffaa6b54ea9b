"""Lấy lại (edXML 13 → 15/16): the issuing clerk takes a document back from one recipient with a reason —
the district through the real local axis (its simulated system answers 15 or 16 as configured), the Trạm
Y tế in this deployment while its clerk has not registered the copy — and the delivery table shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.documents.models import DocumentStatus
from qlvb.exchange.inbox import inbox_poll
from qlvb.exchange.models import OutboxItem, TakeBack
from qlvb.incoming.receiving import incoming_register
from qlvb.outgoing import services

from .localaxis import COMMUNE, DISTRICT, Axis, received

pytestmark = pytest.mark.django_db

BASE = "/van-ban-di"


@pytest.mark.parametrize(("answer", "shown"), [("15", "Đã lấy lại"), ("16", "Bên nhận từ chối (đã vào sổ)")])
def test_taking_back_from_the_district_sends_13_and_its_answer_marks_the_delivery(
    axis: Axis,
    district: Any,
    issued: Any,
    person: Any,
    committed: Any,
    page_as: Any,
    tmp_path: Path,
    answer: str,
    shown: str,
) -> None:
    axis.faults(take_back=answer)  # the district's system answers a take-back with 15 or 16
    outgoing = issued(recipients=[district])
    delivery = outgoing.document.deliveries.get()
    with committed():  # the 13 is queued through the outbox and sent after the commit
        services.outgoing_take_back(
            actor=person("lethuha"), outgoing=outgoing, delivery_id=delivery.pk, reason="Gửi nhầm nơi nhận"
        )
    delivery.refresh_from_db()
    assert delivery.take_back == TakeBack.REQUESTED
    item = OutboxItem.objects.get(kind="status", delivery=delivery)
    assert item.status_code == "13" and item.sent_at is not None and item.recipient == DISTRICT
    # what reached the district: a status 13 about our document, with the reason
    [(_path, parsed)] = received(axis, tmp_path, "status")
    request = parsed.package
    assert request.status_code == "13" and request.description == "Gửi nhầm nơi nhận"
    assert request.from_.organ_id == COMMUNE
    assert request.response_for.document_id == outgoing.document.document_identifier

    assert inbox_poll() == 1  # the district's answer
    delivery.refresh_from_db()
    assert delivery.take_back == answer
    assert delivery.changes.filter(status=answer).exists()
    page = page_as("lethuha").get(f"{BASE}/{outgoing.pk}/").content.decode()
    assert shown in page and 'data-qlvb="take-back"' not in page  # answered: no second request


def test_the_clerk_takes_back_an_internal_copy_not_yet_registered(
    issued: Any, tyt: Any, person: Any, committed: Any, page_as: Any
) -> None:
    outgoing = issued(recipients=[tyt])
    delivery = outgoing.document.deliveries.get()
    copy = delivery.incoming_document
    assert copy.status == DocumentStatus.RECEIVED
    clerk = page_as("lethuha")
    detail = f"{BASE}/{outgoing.pk}/"
    assert 'data-qlvb="take-back"' in clerk.get(detail).content.decode()
    with committed():
        r = clerk.post(f"{detail}take_back/", {"delivery": delivery.pk, "comment": "Ban hành nhầm trích yếu"})
    assert r.status_code == 302
    copy.refresh_from_db()
    delivery.refresh_from_db()
    assert copy.status == DocumentStatus.WITHDRAWN
    assert "Ban hành nhầm trích yếu" in copy.events.get(action="recalled").text
    assert delivery.take_back == TakeBack.TAKEN
    assert outgoing.document.events.filter(action="take_back_requested").exists()
    assert "Đã lấy lại" in clerk.get(detail).content.decode()


def test_a_registered_internal_copy_cannot_be_taken_back(
    issued: Any, tyt: Any, person: Any, committed: Any, page_as: Any
) -> None:
    outgoing = issued(recipients=[tyt])
    delivery = outgoing.document.deliveries.get()
    incoming_register(actor=person("tytlienminh_buithiloan"), document=delivery.incoming_document)
    with pytest.raises(Conflict, match="đã vào sổ"):
        services.outgoing_take_back(actor=person("lethuha"), outgoing=outgoing, delivery_id=delivery.pk, reason="x")
    assert 'data-qlvb="take-back"' not in page_as("lethuha").get(f"{BASE}/{outgoing.pk}/").content.decode()


def test_registered_between_the_request_and_its_carrying_answers_16(
    issued: Any, tyt: Any, person: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    outgoing = issued(recipients=[tyt])
    delivery = outgoing.document.deliveries.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.outgoing_take_back(actor=person("lethuha"), outgoing=outgoing, delivery_id=delivery.pk, reason="x")
    incoming_register(
        actor=person("tytlienminh_buithiloan"), document=delivery.incoming_document
    )  # the TYT clerk was faster
    for callback in callbacks:
        callback()
    delivery.refresh_from_db()
    assert delivery.take_back == TakeBack.REFUSED
    assert delivery.incoming_document.status == DocumentStatus.REGISTERED  # never silently withdrawn


def test_only_the_issuing_clerk_may_take_back_and_only_once(
    issued: Any, tyt: Any, person: Any, committed: Any, page_as: Any
) -> None:
    outgoing = issued(recipients=[tyt])
    delivery = outgoing.document.deliveries.get()
    with pytest.raises(PermissionDenied):
        services.outgoing_take_back(
            actor=person("nguyenvanhung"), outgoing=outgoing, delivery_id=delivery.pk, reason="x"
        )
    assert 'data-qlvb="take-back"' not in page_as("nguyenvanhung").get(f"{BASE}/{outgoing.pk}/").content.decode()
    r = page_as("lethuha").post(f"{BASE}/{outgoing.pk}/take_back/", {"delivery": delivery.pk, "comment": ""})
    assert r.status_code == 422  # the reason is required
    with committed():
        services.outgoing_take_back(actor=person("lethuha"), outgoing=outgoing, delivery_id=delivery.pk, reason="x")
    with pytest.raises(Conflict, match="Đã yêu cầu lấy lại"):
        services.outgoing_take_back(actor=person("lethuha"), outgoing=outgoing, delivery_id=delivery.pk, reason="y")


def test_the_api_takes_back_for_the_issuing_clerk_only(issued: Any, tyt: Any, api_as: Any, committed: Any) -> None:
    outgoing = issued(recipients=[tyt])
    delivery = outgoing.document.deliveries.get()
    url = f"/api/v1/outgoing/{outgoing.pk}/deliveries/{delivery.pk}/take-back"
    leader = api_as("nguyenvanhung").post(url, {"reason": "x"}, content_type="application/json")
    assert leader.status_code == 403
    with committed():
        r = api_as("lethuha").post(url, {"reason": "Gửi nhầm"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()[0]["take_back"] == "13"  # recorded; carried after the commit
    rows = api_as("lethuha").get(f"/api/v1/outgoing/{outgoing.pk}/deliveries").json()
    assert rows[0]["take_back"] == "15" and rows[0]["take_back_label"] == "Đã lấy lại"
