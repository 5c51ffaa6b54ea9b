"""Seen receipts ("đã xem", issue 18) on incoming documents: taken on opening (the agency's default) or only
by the button, once per person, shown to the assigner, refused to those who did not receive the document,
unread first in the inbox; the same through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils.timezone import localtime

from qlvb.core.appendonly import AppendOnlyError
from qlvb.core.audit import AuditEntry
from qlvb.core.errors import NotFound, PermissionDenied
from qlvb.directory.models import Unit, User
from qlvb.documents import seen
from qlvb.documents.models import Document
from qlvb.documents.seen_models import SeenMode, SeenReceipt
from qlvb.incoming.services import Target, assignment_assign, incoming_direct

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(receive: Any, person: Callable[[str], User], dept: Callable[[str], Unit]) -> Callable[..., Document]:
    """``assigned(subject)``: a document directed to VHXH and assigned to Đỗ Thanh Hương as lead."""

    def add(subject: str = "Kế hoạch tiêm chủng") -> Document:
        doc = receive(code_number=str(500 + Document.objects.count()), subject=subject)
        (lead,) = incoming_direct(
            actor=person("nguyenvanhung"), document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"))]
        )
        assignment_assign(
            actor=person("hoangvannam"), assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
        )
        return doc

    return add


def test_opening_takes_the_receipt_once_and_the_assigner_sees_it(page_as: Any, assigned: Any, person: Any) -> None:
    doc = assigned()
    officer = page_as("dothanhhuong")
    assert officer.get(f"/van-ban-den/{doc.pk}/").status_code == 200
    first = SeenReceipt.objects.get(document=doc, user=person("dothanhhuong"))
    assert first.how == "opened"
    assert officer.get(f"/van-ban-den/{doc.pk}/").status_code == 200  # a second opening adds nothing
    assert SeenReceipt.objects.filter(document=doc).count() == 1
    assert SeenReceipt.objects.get(document=doc).seen_at == first.seen_at
    assert AuditEntry.objects.filter(action="documents.seen", object_id=str(doc.pk)).count() == 1
    page = page_as("hoangvannam").get(f"/van-ban-den/{doc.pk}/").content.decode()
    assert "Đã xem " + localtime(first.seen_at).strftime("%d/%m/%Y %H:%M") in page


def test_a_leader_who_is_no_recipient_takes_no_receipt(page_as: Any, assigned: Any, person: Any) -> None:
    doc = assigned()
    assert page_as("nguyenvanhung").get(f"/van-ban-den/{doc.pk}/").status_code == 200
    assert not SeenReceipt.objects.filter(document=doc, user=person("nguyenvanhung")).exists()
    with pytest.raises(PermissionDenied) as refused:
        seen.document_seen_mark(actor=person("nguyenvanhung"), document=doc)
    assert refused.value.code == "not_recipient"


def test_explicit_mode_waits_for_the_button(page_as: Any, assigned: Any, person: Any, ubnd: Unit) -> None:
    seen.agency_seen_mode_set(actor=person("tranthilan"), agency=ubnd, mode=SeenMode.EXPLICIT)
    doc = assigned()
    officer = page_as("dothanhhuong")
    page = officer.get(f"/van-ban-den/{doc.pk}/").content.decode()
    assert not SeenReceipt.objects.filter(document=doc).exists()
    assert 'data-qlvb="mark-seen"' in page
    assert "Chưa xem" in page_as("hoangvannam").get(f"/van-ban-den/{doc.pk}/").content.decode()
    assert officer.post(f"/van-ban-den/{doc.pk}/da-xem/").status_code == 302
    assert SeenReceipt.objects.get(document=doc).how == "explicit"
    assert 'data-qlvb="mark-seen"' not in officer.get(f"/van-ban-den/{doc.pk}/").content.decode()


def test_only_the_administrator_chooses_the_mode(person: Any, ubnd: Unit) -> None:
    with pytest.raises(PermissionDenied):
        seen.agency_seen_mode_set(actor=person("dothanhhuong"), agency=ubnd, mode=SeenMode.EXPLICIT)
    assert seen.seen_mode(ubnd.pk) == SeenMode.OPENING
    seen.agency_seen_mode_set(actor=person("tranthilan"), agency=ubnd, mode=SeenMode.EXPLICIT)
    assert seen.seen_mode(ubnd.pk) == SeenMode.EXPLICIT


def test_receipts_cannot_be_changed_or_deleted(assigned: Any, person: Any) -> None:
    receipt = seen.document_seen_mark(actor=person("dothanhhuong"), document=assigned())
    with pytest.raises(AppendOnlyError):
        receipt.save()
    with pytest.raises(AppendOnlyError):
        receipt.delete()


def test_receipts_are_read_only_by_those_who_see_the_document(assigned: Any, person: Any) -> None:
    doc = assigned()
    seen.document_seen_mark(actor=person("dothanhhuong"), document=doc)
    assert [r.user.username for r in seen.document_receipts(person("lethuha"), doc)] == ["ublienminh_dothanhhuong"]
    assert list(seen.document_receipts(person("ngothuytrang"), doc)) == []  # KT officer: not his document
    assert list(seen.document_receipts(person("tytlienminh_dangvantoan"), doc)) == []  # another agency
    with pytest.raises(NotFound):
        seen.document_seen_mark(actor=person("tytlienminh_dangvantoan"), document=doc)


def test_inbox_marks_unseen_and_sorts_them_first(page_as: Any, assigned: Any, person: Any) -> None:
    older, newer = assigned("Văn bản thứ nhất"), assigned("Văn bản thứ hai")
    seen.document_seen_mark(actor=person("dothanhhuong"), document=newer)
    officer = page_as("dothanhhuong")
    plain = officer.get("/van-ban-den/?box=to_handle").content.decode()
    assert plain.index("Văn bản thứ hai") < plain.index("Văn bản thứ nhất")  # newest first
    assert plain.count('data-qlvb="unseen"') == 1
    assert '<span class="visually-hidden">chưa xem: </span>' in plain
    unseen = officer.get("/van-ban-den/?box=to_handle&sort=unseen").content.decode()
    assert unseen.index("Văn bản thứ nhất") < unseen.index("Văn bản thứ hai")
    assert older.pk != newer.pk


def test_api_get_and_post_seen(api_as: Any, assigned: Any, ubnd: Unit, person: Any) -> None:
    seen.agency_seen_mode_set(actor=person("tranthilan"), agency=ubnd, mode=SeenMode.EXPLICIT)
    doc = assigned()
    officer = api_as("dothanhhuong")
    assert officer.get(f"/api/v1/incoming/{doc.pk}/seen").json() == {
        "document_id": doc.pk,
        "mode": "explicit",
        "receipts": [],
    }
    listed = officer.get("/api/v1/incoming/?box=to_handle&sort=unseen").json()["results"]
    assert [r["unseen"] for r in listed] == [True]
    marked = officer.post(f"/api/v1/incoming/{doc.pk}/seen")
    assert marked.status_code == 200
    (receipt,) = marked.json()["receipts"]
    assert receipt["user_name"] == "Đỗ Thanh Hương" and receipt["how"] == "api"
    assert officer.post(f"/api/v1/incoming/{doc.pk}/seen").json()["receipts"] == [receipt]  # idempotent
    refused = api_as("nguyenvanhung").post(f"/api/v1/incoming/{doc.pk}/seen")
    assert refused.status_code == 403 and refused.json()["code"] == "not_recipient"
    assert api_as("tytlienminh_dangvantoan").get(f"/api/v1/incoming/{doc.pk}/seen").status_code == 404


def test_the_administrator_sets_the_mode_on_the_agency_page(page_as: Any, ubnd: Unit, tyt: Unit) -> None:
    admin = page_as("tranthilan")
    page = admin.get(f"/quan-tri/don-vi/{ubnd.pk}/").content.decode()
    assert 'data-qlvb="seen-setting"' in page and 'value="opening" checked' in page
    response = admin.post(f"/van-ban-den/co-quan/{ubnd.pk}/ghi-nhan-da-xem/", {"mode": "explicit"})
    assert response.status_code == 302 and response["Location"] == f"/quan-tri/don-vi/{ubnd.pk}/"
    assert seen.seen_mode(ubnd.pk) == SeenMode.EXPLICIT
    assert 'value="explicit" checked' in admin.get(f"/quan-tri/don-vi/{ubnd.pk}/").content.decode()
    other = page_as("tytlienminh_dangvantoan")  # another agency's leader: the id answers as unknown
    assert other.post(f"/van-ban-den/co-quan/{ubnd.pk}/ghi-nhan-da-xem/", {"mode": "opening"}).status_code == 404
    assert seen.seen_mode(tyt.pk) == SeenMode.OPENING
    officer = page_as("dothanhhuong")
    assert officer.post(f"/van-ban-den/co-quan/{ubnd.pk}/ghi-nhan-da-xem/", {"mode": "opening"}).status_code == 404
    assert seen.seen_mode(ubnd.pk) == SeenMode.EXPLICIT
