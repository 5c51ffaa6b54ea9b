"""Receiving and registering: Phụ lục VI fields, auto-filled values, state secrets, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.documents.models import Document, DocumentEvent, DocumentStatus, Register
from qlvb.incoming.services import DuplicateWarning, incoming_receive, incoming_register

from .conftest import make_data


def test_clerk_registration_fills_number_date_year_and_history(receive, ubnd):
    first = receive(code_number="1")
    second = receive(code_number="2")
    today = timezone.localdate()
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.status == DocumentStatus.REGISTERED
    assert first.arrival_date == today and first.year == today.year
    assert first.register.agency == ubnd and first.register.year == today.year
    assert first.register.agency.organ_id == "000.00.31.H42"
    actions = list(DocumentEvent.objects.filter(document=first).values_list("action", flat=True))
    assert actions == ["received", "registered"]


def test_each_agency_has_its_own_register_starting_at_one(receive, person, tyt):
    receive(code_number="1")
    receive(code_number="2")
    tyt_doc = receive(actor=person("tytlienminh_buithiloan"), agency=tyt, code_number="3")
    assert tyt_doc.arrival_number == 1
    assert Register.objects.count() == 2


def test_numbers_restart_each_year(receive, ubnd):
    Register.objects.create(
        agency=ubnd,
        direction="incoming",
        year=timezone.localdate().year - 1,
        name="Sổ đăng ký văn bản đến",
        last_number=812,
    )
    assert receive().arrival_number == 1


@pytest.mark.parametrize("secrecy", ["mat", "toi_mat", "tuyet_mat"])
def test_state_secrets_are_refused_with_a_reason(person, ubnd, secrecy):
    with pytest.raises(ValidationFailed) as caught:
        incoming_receive(actor=person("lethuha"), agency=ubnd, channel="paper", data=make_data(secrecy=secrecy))
    assert "không tiếp nhận" in caught.value.message and "mật" in caught.value.message
    assert caught.value.code == "state_secret"
    assert not Document.objects.exists()
    assert not Register.objects.filter(last_number__gt=0).exists()


def test_the_database_itself_refuses_a_secret_document(receive):
    doc = receive()
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(secrecy="mat")


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("subject", 500),
        ("organ_name", 200),
        ("code_number", 11),
        ("code_notation", 30),
        ("signer_name", 50),
        ("signer_position", 100),
        ("to_places", 1000),
        ("description", 500),
        ("organ_id", 13),
    ],
)
def test_phu_luc_vi_maximum_lengths(person, ubnd, field, limit):
    data = make_data(**{field: "á" * limit})
    incoming_receive(actor=person("lethuha"), agency=ubnd, channel="email", data=data, confirm_duplicate=True)
    with pytest.raises(ValidationFailed) as caught:
        incoming_receive(
            actor=person("lethuha"),
            agency=ubnd,
            channel="email",
            data=make_data(**{field: "á" * (limit + 1)}),
            confirm_duplicate=True,
        )
    assert str(limit) in caught.value.message


def test_only_a_clerk_of_the_agency_registers(person, ubnd):
    for name in ("nguyenvanhung", "dothanhhuong", "tytlienminh_buithiloan"):
        with pytest.raises(PermissionDenied):
            incoming_receive(actor=person(name), agency=ubnd, channel="email", data=make_data())


def test_duplicate_identifier_warns_and_shows_the_earlier_document(receive):
    earlier = receive(document_identifier="000.00.12.H42,2026/03/02,15/UBND-VX")
    with pytest.raises(DuplicateWarning) as caught:
        receive(document_identifier="000.00.12.H42,2026/03/02,15/UBND-VX", code_number="99")
    assert caught.value.earlier == earlier
    assert caught.value.details["duplicate_of"] == earlier.pk
    assert Document.objects.count() == 1
    confirmed = receive(
        document_identifier="000.00.12.H42,2026/03/02,15/UBND-VX", code_number="99", confirm_duplicate=True
    )
    assert confirmed.duplicate_of == earlier and confirmed.arrival_number == 2
    assert confirmed.events.filter(action="duplicate_confirmed").exists()


def test_duplicate_number_notation_organ_in_the_same_year(receive):
    receive()
    with pytest.raises(DuplicateWarning):
        receive(subject="Trích yếu khác")
    # Same number from another organ, or from another year: not a duplicate.
    assert receive(organ_name="UBND huyện Sóc Sơn").arrival_number == 2
    assert receive(issued_date=dt.date(2025, 3, 2)).arrival_number == 3


def test_system_channel_waits_for_the_clerk_then_registers(person, ubnd, quyet_dinh):
    result = incoming_receive(actor=None, agency=ubnd, channel="internal", data=make_data(quyet_dinh), register=False)
    doc = result.document
    assert doc.status == DocumentStatus.RECEIVED and doc.arrival_number is None
    incoming_register(actor=person("lethuha"), document=doc)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REGISTERED and doc.arrival_number == 1


def test_a_rolled_back_registration_consumes_no_number(receive):
    with pytest.raises(RuntimeError), transaction.atomic():
        doc = receive()
        assert doc.arrival_number == 1
        raise RuntimeError("scanner failed after the number was taken")
    assert receive().arrival_number == 1


def test_search_text_is_folded(receive):
    doc = receive(subject="Quyết định thành lập Ban chỉ đạo", organ_name="UBND huyện Đông Anh")
    assert "quyet dinh thanh lap" in doc.search_folded and "ubnd huyen dong anh" in doc.search_folded
