"""An incoming document handed over by a system: through the entry point of every channel, registered by
the mapped clerk, idempotent on the system's id; refused with nothing written when the person is no clerk,
the type is not mapped, or the document seems registered already."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qlvb.directory.models import User
from qlvb.documents.models import Document, DocumentStatus
from qlvb.integrations.accounts import Issued
from qlvb.integrations.mapping import code_map
from qlvb.integrations.models import CodeKind, Handover
from qlvb.signing.tests.samples import attachment_pdf

URL = "/api/integration/v1/incoming"


def fields(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "external_id": "HS-0001",
        "type_code": "CV",
        "subject": "Đơn đề nghị hỗ trợ sửa chữa nhà ở",
        "organ_name": "Hội Nông dân xã Liên Minh",
        "code_number": "12",
        "code_notation": "HND",
        "issued_date": "2026-11-30",
    }
    values.update(overrides)
    return values


@pytest.fixture
def pdf() -> Callable[[], SimpleUploadedFile]:
    return lambda: SimpleUploadedFile("don.pdf", attachment_pdf())


def test_registered_by_the_clerk_and_idempotent(
    desk: Issued, system_client: Callable[..., Client], pdf: Callable[[], SimpleUploadedFile]
) -> None:
    client = system_client(desk, "V01")
    answer = client.post(URL, {**fields(), "main": pdf()})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    document = Document.objects.get(pk=body["id"])
    assert document.status == DocumentStatus.REGISTERED and document.arrival_number == body["arrival_number"]
    assert document.created_by is not None and document.created_by.username == "ublienminh_lethuha"
    assert document.attachments.count() == 1
    again = client.post(URL, {**fields(subject="Khác"), "main": pdf()})
    assert again.status_code == 200 and again.json()["id"] == document.pk
    assert Handover.objects.count() == 1
    assert client.get(f"{URL}/HS-0001").json()["arrival_number"] == document.arrival_number


def test_a_second_id_for_the_same_document_needs_confirmation(
    desk: Issued, system_client: Callable[..., Client], pdf: Callable[[], SimpleUploadedFile]
) -> None:
    client = system_client(desk, "V01")
    assert client.post(URL, {**fields(), "main": pdf()}).status_code == 201
    duplicate = client.post(URL, {**fields(external_id="HS-0002"), "main": pdf()})
    assert duplicate.status_code == 409
    assert "có thể đã được tiếp nhận" in duplicate.json()["detail"]
    assert Handover.objects.count() == 1
    confirmed = client.post(URL, {**fields(external_id="HS-0002", confirm_duplicate="true"), "main": pdf()})
    assert confirmed.status_code == 201


def test_a_person_without_the_clerks_right_is_refused(
    desk: Issued,
    system_client: Callable[..., Client],
    person: Callable[[str], User],
    pdf: Callable[[], SimpleUploadedFile],
) -> None:
    code_map(actor=person("tranthilan"), system=desk.system, kind=CodeKind.USER, code="V02", user=person("luongvanduc"))
    answer = system_client(desk, "V02").post(URL, {**fields(), "main": pdf()})
    assert answer.status_code == 403
    assert "Tiếp nhận, vào sổ văn bản đến" in answer.json()["detail"]
    assert not Document.objects.exists()


def test_an_unmapped_type_is_refused(
    desk: Issued, system_client: Callable[..., Client], pdf: Callable[[], SimpleUploadedFile]
) -> None:
    answer = system_client(desk, "V01").post(URL, {**fields(type_code="TB"), "main": pdf()})
    assert answer.status_code == 422
    assert answer.json()["code"] == "unmapped_type"
    assert not Document.objects.exists()


def test_a_system_without_the_scope_is_refused(
    one_stop: Issued,
    system_client: Callable[..., Client],
    person: Callable[[str], User],
    pdf: Callable[[], SimpleUploadedFile],
) -> None:
    from qlvb.integrations.models import ConnectedSystem

    ConnectedSystem.objects.filter(pk=one_stop.system.pk).update(scopes=["submit_drafts"])
    answer = system_client(one_stop, "U01").post(URL, {**fields(), "main": pdf()})
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed"
