"""A draft submitted by a system on behalf of a person: into the normal chain (put to review once in PDF),
idempotent on the system's id, every bad input refused with a Vietnamese 4xx and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qlvb.directory.models import User
from qlvb.documents.models import Document
from qlvb.integrations.accounts import Issued
from qlvb.integrations.models import Submission
from qlvb.outgoing.models import Outgoing, State

URL = "/api/integration/v1/drafts"


def fields(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "external_id": "MC-2026-0001",
        "type_code": "CV",
        "subject": "Đề nghị cấp phép tổ chức lễ hội truyền thống",
        "signer_code": "U09",
        "recipient_codes": "TYT",
        "free_recipients": "Như trên;\nLưu: VT, VHXH.",
        "drafter_initials": "ĐTH",
    }
    values.update(overrides)
    return values


def main_file(data: bytes, name: str = "du-thao.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def post(
    system_client: Callable[..., Client], one_stop: Issued, eager: Any, django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    def send(code: str = "U01", issued: Issued | None = None, **data: Any) -> Any:
        client = system_client(issued or one_stop, code)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data)

    return send


def test_a_draft_enters_the_chain_and_is_idempotent(post: Callable[..., Any], cong_van_docx: bytes) -> None:
    answer = post(**fields(), main=main_file(cong_van_docx))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    outgoing = Outgoing.objects.select_related("document", "drafter").get(pk=body["id"])
    assert outgoing.drafter.username == "ublienminh_dothanhhuong"
    assert outgoing.state == State.IN_REVIEW  # put to review once its PDF was made
    assert outgoing.document.subject.startswith("V/v ")
    assert body["external_id"] == "MC-2026-0001" and not body["final"]
    again = post(**fields(subject="Khác"), main=main_file(cong_van_docx))
    assert again.status_code == 200
    assert again.json()["id"] == outgoing.pk
    assert Submission.objects.count() == 1 and Outgoing.objects.count() == 1


def test_an_unmapped_type_is_refused_and_nothing_written(post: Callable[..., Any], cong_van_docx: bytes) -> None:
    answer = post(**fields(type_code="QD"), main=main_file(cong_van_docx))
    assert answer.status_code == 422
    assert answer.json()["code"] == "unmapped_type"
    assert "Mã loại văn bản “QD” chưa được ánh xạ" in answer.json()["detail"]
    assert not Document.objects.exists() and not Submission.objects.exists()


def test_an_unmapped_recipient_unit_is_refused(post: Callable[..., Any], cong_van_docx: bytes) -> None:
    answer = post(**fields(recipient_codes="TYT,XYZ"), main=main_file(cong_van_docx))
    assert answer.status_code == 422
    assert "Mã đơn vị “XYZ”" in answer.json()["detail"]
    assert not Document.objects.exists()


def test_a_person_outside_the_unit_cannot_submit(post: Callable[..., Any], cong_van_docx: bytes) -> None:
    answer = post("U02", **fields(), main=main_file(cong_van_docx))
    assert answer.status_code == 403
    assert answer.json()["code"] == "outside_unit"
    assert not Document.objects.exists()


def test_the_persons_own_right_is_needed(
    post: Callable[..., Any], cong_van_docx: bytes, one_stop: Issued, person: Callable[[str], User]
) -> None:
    """Trần Thị Lan (administrator, of Văn hóa - Xã hội) has no drafting right: the system gets none either."""
    from qlvb.integrations.mapping import code_map
    from qlvb.integrations.models import CodeKind

    code_map(
        actor=person("tranthilan"), system=one_stop.system, kind=CodeKind.USER, code="A1", user=person("tranthilan")
    )
    answer = post("A1", **fields(), main=main_file(cong_van_docx))
    assert answer.status_code == 403
    assert "không có quyền" in answer.json()["detail"]
    assert not Document.objects.exists()


def test_a_system_without_the_scope_is_refused(post: Callable[..., Any], cong_van_docx: bytes, desk: Issued) -> None:
    answer = post("V01", issued=desk, **fields(), main=main_file(cong_van_docx))
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed"


@pytest.mark.parametrize(
    ("name", "data", "status", "expected"),
    [
        ("du-thao.pdf", b"%PDF-1.4\n%%EOF\n", 422, "Tệp dự thảo chính phải là tệp docx"),
        ("chay.exe", b"MZ\x90\x00" + b"\x00" * 200, 415, ""),
    ],
)
def test_a_wrong_file_type_is_refused(
    post: Callable[..., Any], name: str, data: bytes, status: int, expected: str
) -> None:
    answer = post(**fields(), main=main_file(data, name))
    assert answer.status_code == status, answer.content
    assert expected in answer.json()["detail"]
    assert not Document.objects.exists()


def test_a_missing_main_file_is_refused(post: Callable[..., Any]) -> None:
    answer = post(**fields())
    assert answer.status_code == 422
    assert answer.json()["code"] == "no_main_file"


def test_an_oversize_file_is_refused(post: Callable[..., Any], settings: Any, cong_van_docx: bytes) -> None:
    settings.FILE_MAX_BYTES = 1024
    answer = post(**fields(), main=main_file(cong_van_docx + b"\x00" * 4096))
    assert answer.status_code == 413
    assert "vượt quá dung lượng" in answer.json()["detail"]
    assert not Document.objects.exists()


def test_a_bad_date_is_refused(post: Callable[..., Any], cong_van_docx: bytes) -> None:
    answer = post(**fields(due_date="31/02/2026"), main=main_file(cong_van_docx))
    assert answer.status_code == 422
    assert "năm-tháng-ngày" in answer.json()["detail"]


def test_another_systems_id_answers_404(
    post: Callable[..., Any], cong_van_docx: bytes, system_client: Callable[..., Client], person: Callable[[str], User]
) -> None:
    assert post(**fields(), main=main_file(cong_van_docx)).status_code == 201
    from qlvb.integrations.accounts import system_register
    from qlvb.integrations.mapping import code_map
    from qlvb.integrations.models import CodeKind

    from .conftest import unit

    other = system_register(
        actor=person("tranthilan"), name="Tài chính", owner_unit=unit("VHXH"), scopes=["submit_drafts"]
    )
    code_map(
        actor=person("tranthilan"), system=other.system, kind=CodeKind.USER, code="U01", user=person("dothanhhuong")
    )
    client = system_client(other, "U01")
    assert client.get(f"{URL}/MC-2026-0001").status_code == 404
    assert client.post(f"{URL}/MC-2026-0001/ack").status_code == 404
    assert client.get(f"{URL}/MC-2026-0001/signed-pdf").status_code == 404


def test_ack_waits_for_the_result(
    post: Callable[..., Any], cong_van_docx: bytes, system_client: Callable[..., Client], one_stop: Issued
) -> None:
    assert post(**fields(), main=main_file(cong_van_docx)).status_code == 201
    client = system_client(one_stop, "U01")
    answer = client.post(f"{URL}/MC-2026-0001/ack")
    assert answer.status_code == 409
    assert "chưa có kết quả" in answer.json()["detail"]
    assert client.get(f"{URL}/MC-2026-0001/signed-pdf").status_code == 409
    assert client.get(f"{URL}/results").json()["count"] == 0


def test_a_returned_draft_gives_its_reason_and_can_be_acknowledged(
    post: Callable[..., Any],
    cong_van_docx: bytes,
    system_client: Callable[..., Client],
    one_stop: Issued,
    person: Callable[[str], User],
) -> None:
    from qlvb.outgoing import services

    body = post(**fields(), main=main_file(cong_van_docx)).json()
    services.outgoing_return(
        actor=person("hoangvannam"), outgoing=Outgoing.objects.get(pk=body["id"]), comment="Thiếu căn cứ pháp lý."
    )
    client = system_client(one_stop, "U01")
    waiting = client.get(f"{URL}/results").json()
    assert waiting["count"] == 1
    result = waiting["results"][0]
    assert result["state"] == State.RETURNED and result["refusal_reason"] == "Thiếu căn cứ pháp lý."
    assert result["final"] and not result["signed_pdf"]
    assert client.post(f"{URL}/MC-2026-0001/ack").status_code == 200
    assert client.get(f"{URL}/results").json()["count"] == 0


def test_the_issued_list_needs_its_scope_and_a_valid_date(
    desk: Issued, one_stop: Issued, system_client: Callable[..., Client]
) -> None:
    assert system_client(desk, "V01").get("/api/integration/v1/issued").status_code == 403
    client = system_client(one_stop, "U01")
    assert client.get("/api/integration/v1/issued").json()["count"] == 0
    answer = client.get("/api/integration/v1/issued?since=01/12/2026")
    assert answer.status_code == 422 and "năm-tháng-ngày" in answer.json()["detail"]
    assert client.get("/api/integration/v1/issued/999999/signed-pdf").status_code == 404


def test_a_conversion_that_never_ends_is_reported(
    system_client: Callable[..., Client], one_stop: Issued, cong_van_docx: bytes
) -> None:
    """No worker converted the draft (the after-commit tasks never ran): after the last wait the system
    reads why the draft was not put to review."""
    from qlvb.integrations.tasks import MAX_WAITS, submission_advance_task

    client = system_client(one_stop, "U01")
    assert client.post(URL, {**fields(), "main": main_file(cong_van_docx)}).status_code == 201
    submission = Submission.objects.get()
    assert submission_advance_task.apply(args=(submission.pk,), retries=MAX_WAITS).get() == "failed"
    result = client.get(f"{URL}/MC-2026-0001").json()
    assert result["state"] == State.DRAFT and "Chưa chuyển xong tệp sang PDF" in result["submit_error"]
