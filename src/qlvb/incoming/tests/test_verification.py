"""Every PDF received is verified in the background after the receipt commits; the clerk sees the
verdict on the document page before registering, may re-run it, and may reject the document."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.documents.models import Attachment, Document, DocumentStatus
from qlvb.files.intake import file_intake
from qlvb.incoming.services import (
    IncomingFile,
    attachment_verify_again,
    incoming_receive,
    incoming_register,
    incoming_reject,
    incoming_submit,
)
from qlvb.signing.models import SignatureReport
from qlvb.signing.tests import samples
from qlvb.signing.tests.helpers import sign_raw
from qlvb.signing.tests.pki import PERSONAL

from .conftest import make_data


@pytest.fixture(scope="module")
def decision() -> bytes:
    return samples.decision_pdf(1)


@pytest.fixture
def signed(verifying, decision) -> bytes:
    return sign_raw(verifying, PERSONAL, decision)


def altered(data: bytes) -> bytes:
    out = bytearray(data)
    marker = out.index(b"%", 5)  # the binary comment on line 2, inside the signed range
    out[marker + 1] ^= 0x01
    return bytes(out)


@pytest.fixture
def received(person, ubnd, verifying, django_capture_on_commit_callbacks):
    """``received(content)`` → a document received by the clerk, not registered yet, its PDF verified."""

    def run(content: bytes, *, name: str = "cong-van.pdf", execute: bool = True, **fields) -> Document:
        ha = person("lethuha")
        stored = file_intake(actor=ha, stream=io.BytesIO(content), original_name=name, channel="email")
        with django_capture_on_commit_callbacks(execute=execute):
            doc = incoming_receive(
                actor=ha,
                agency=ubnd,
                channel="email",
                data=make_data(**fields),
                files=[IncomingFile(stored)],
                register=False,
            ).document
        return doc

    return run


def page(client, person, doc, who="lethuha"):
    client.force_login(person(who))
    return client.get(reverse("incoming:detail", args=[doc.pk]))


def test_a_signed_pdf_is_valid_and_shown_before_registration(received, signed, client, person):
    doc = received(signed)
    attachment = doc.attachments.get()
    assert attachment.signature_status == "valid"
    report = SignatureReport.objects.get(pk=attachment.signature_report_id)
    assert report.file_sha256 == attachment.stored_file.blob.sha256 and report.verdict == "valid"
    assert doc.events.filter(action="signature_checked").count() == 1
    html = page(client, person, doc).content.decode()
    assert doc.status == DocumentStatus.RECEIVED
    assert 'data-state="valid"' in html and "Hợp lệ" in html
    assert "Nguyễn Văn Hùng" in html and "UBND xã Liên Minh" in html  # the signer, from the certificate
    assert reverse("incoming:register", args=[doc.pk]) in html  # still to register
    assert reverse("incoming:reject", args=[doc.pk]) in html


def test_an_altered_pdf_is_invalid_with_the_reason(received, signed, client, person):
    doc = received(altered(signed))
    assert doc.attachments.get().signature_status == "invalid"
    html = page(client, person, doc).content.decode()
    assert 'data-state="invalid"' in html and "Không hợp lệ" in html
    assert "bị thay đổi sau khi ký" in html


def test_an_unsigned_pdf_is_said_unsigned(received, decision, client, person):
    doc = received(decision)
    assert doc.attachments.get().signature_status == "unsigned"
    html = page(client, person, doc).content.decode()
    assert 'data-state="unsigned"' in html and "Chưa ký số" in html
    assert "Tệp không có chữ ký số." in html


def test_pending_until_the_task_runs(received, signed, client, person):
    doc = received(signed, execute=False)
    assert doc.attachments.get().signature_status == "pending"
    html = page(client, person, doc).content.decode()
    assert "Đang kiểm tra…" in html
    assert reverse("incoming:files", args=[doc.pk]) in html  # the file list polls until the verdict is in
    fragment = client.get(reverse("incoming:files", args=[doc.pk])).content.decode()
    assert "Đang kiểm tra…" in fragment


def test_a_rolled_back_receipt_verifies_nothing(person, ubnd, signed, verifying, django_capture_on_commit_callbacks):
    ha = person("lethuha")
    stored = file_intake(actor=ha, stream=io.BytesIO(signed), original_name="a.pdf", channel="email")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationFailed):
        incoming_receive(
            actor=ha, agency=ubnd, channel="email", data=make_data(secrecy="mat"), files=[IncomingFile(stored)]
        )
    assert callbacks == [] and not SignatureReport.objects.exists()


def test_check_again_adds_a_report_and_keeps_the_first(
    received, signed, client, person, django_capture_on_commit_callbacks, page_as
):
    doc = received(signed)
    attachment = doc.attachments.get()
    first = attachment.signature_report_id
    client.force_login(person("lethuha"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("incoming:verify_again", args=[doc.pk, attachment.pk]))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.signature_status == "valid" and attachment.signature_report_id != first
    assert SignatureReport.objects.filter(file_sha256=attachment.stored_file.blob.sha256).count() == 2
    assert "Đã lưu 1 lần kiểm tra trước." in page(client, person, doc).content.decode()


def test_check_again_is_refused_to_those_without_the_right(received, signed, client, person, dept):
    doc = received(signed)
    attachment = doc.attachments.get()
    with pytest.raises(PermissionDenied):
        attachment_verify_again(actor=person("hoangvannam"), attachment=attachment)
    client.force_login(person("dothanhhuong"))  # an officer who cannot see the document
    assert client.post(reverse("incoming:verify_again", args=[doc.pk, attachment.pk])).status_code == 404
    attachment.refresh_from_db()
    assert attachment.signature_status == "valid"


def test_clerk_rejects_with_a_reason(received, signed, client, person):
    doc = received(altered(signed))
    client.force_login(person("lethuha"))
    empty = client.post(reverse("incoming:reject", args=[doc.pk]), {"reason": ""})
    assert empty.status_code == 422  # the form asks for the reason
    response = client.post(
        reverse("incoming:reject", args=[doc.pk]), {"reason": "Chữ ký số không hợp lệ: tệp bị thay đổi sau khi ký."}
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REJECTED and doc.arrival_number is None
    event = doc.events.get(action="rejected")
    assert event.text.startswith("Chữ ký số không hợp lệ") and event.actor == person("lethuha")
    assert event.data["edxml_status"] == "02"
    html = page(client, person, doc).content.decode()
    assert 'data-qlvb="rejection"' in html and "Đã từ chối tiếp nhận" in html
    assert reverse("incoming:register", args=[doc.pk]) not in html
    with pytest.raises(Conflict):
        incoming_register(actor=person("lethuha"), document=doc)


def test_reject_is_permission_checked(received, decision, client, person, tyt):
    doc = received(decision)
    with pytest.raises(PermissionDenied):  # the chairman sees the document but does not receive documents
        incoming_reject(actor=person("nguyenvanhung"), document=doc, reason="Không đúng thẩm quyền")
    client.force_login(person("nguyenvanhung"))
    html = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert reverse("incoming:reject", args=[doc.pk]) not in html
    client.post(reverse("incoming:reject", args=[doc.pk]), {"reason": "Không đúng thẩm quyền"})
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.RECEIVED
    from qlvb.directory.models import User

    other_clerk = User.objects.filter(role_assignments__unit=tyt, role_assignments__role="clerk").first()
    if other_clerk is not None:  # another agency's clerk cannot even find it
        client.force_login(other_clerk)
        assert client.post(reverse("incoming:reject", args=[doc.pk]), {"reason": "x"}).status_code == 404
    with pytest.raises(ValidationFailed):
        incoming_reject(actor=person("lethuha"), document=doc, reason="  ")


def test_no_rejection_once_submitted(received, decision, person):
    doc = received(decision)
    incoming_register(actor=person("lethuha"), document=doc)
    incoming_submit(actor=person("lethuha"), document=doc)
    with pytest.raises(Conflict):
        incoming_reject(actor=person("lethuha"), document=doc, reason="Muộn")


def test_api_receive_without_registering_then_reject(
    person, signed, verifying, django_capture_on_commit_callbacks, api_as
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    clerk = api_as("lethuha")
    upload = SimpleUploadedFile("cv.pdf", signed, "application/pdf")
    file_id = clerk.post("/api/v1/files", {"file": upload}).json()["id"]
    payload = {
        "channel": "email",
        "doc_type": "Công văn",
        "subject": "Về việc kiểm tra chữ ký số",
        "organ_name": "UBND huyện Mê Linh",
        "files": [{"file_id": file_id}],
        "defer_registration": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = clerk.post("/api/v1/incoming/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    doc_id = created.json()["id"]
    detail = clerk.get(f"/api/v1/incoming/{doc_id}").json()
    assert detail["arrival_number"] is None and "reject" in detail["actions"]
    (att,) = detail["attachments"]
    assert att["signature_status"] == "valid" and att["signature_label"] == "Hợp lệ"
    with django_capture_on_commit_callbacks(execute=True):
        again = clerk.post(f"/api/v1/incoming/{doc_id}/files/{att['id']}/verify")
    assert again.status_code == 200 and again.json()["signature_status"] == "pending"  # answered before the check
    (after,) = clerk.get(f"/api/v1/incoming/{doc_id}").json()["attachments"]
    assert after["signature_status"] == "valid" and after["signature_report_id"] != att["signature_report_id"]
    officer = api_as("dothanhhuong")
    assert (
        officer.post(f"/api/v1/incoming/{doc_id}/reject", {"reason": "x"}, content_type="application/json").status_code
        == 404
    )
    rejected = clerk.post(
        f"/api/v1/incoming/{doc_id}/reject", {"reason": "Sai nơi nhận"}, content_type="application/json"
    )
    assert rejected.json() == {"id": doc_id, "status": "rejected"}
    assert Attachment.objects.get(pk=att["id"]).signature_status == "valid"


def test_the_full_report_opens_for_whoever_sees_the_document_and_not_for_an_outsider(
    received, signed, client, person, page_as
):
    """The signing app's report page follows the incoming document's visibility (the rule incoming
    registers at start-up): the chairman, who did not upload the file but sees the document, opens it
    from the document page; an officer of KT gets 404."""
    doc = received(signed)
    report_url = reverse("signing:report", args=[doc.attachments.get().signature_report_id])
    assert report_url in page(client, person, doc, who="nguyenvanhung").content.decode()
    assert client.get(report_url).status_code == 200
    client.force_login(person("ngothuytrang"))
    assert client.get(report_url).status_code == 404
