"""The outgoing flow end to end on the services: draft → return → approve → format check → sign →
number → agency signature → issue → the recipient registers → the sender sees 03."""

from __future__ import annotations

import pytest

from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.documents.models import DocumentEvent, DocumentStatus
from qlvb.exchange.models import Status
from qlvb.incoming.services import incoming_register
from qlvb.outgoing import services
from qlvb.outgoing.models import State, StepStatus
from qlvb.outgoing.tests.conftest import ALL_OK, PIN, docx_bytes, upload
from qlvb.signing.verify import verify_pdf

pytestmark = pytest.mark.django_db(transaction=False)


def test_draft_records_metadata_and_version(draft, with_version, person):
    outgoing = with_version(draft())
    document = outgoing.document
    assert document.subject == "V/v triển khai tiêm chủng mở rộng"
    assert document.direction == "outgoing" and document.organ_id == "000.00.31.H42"
    assert outgoing.state == State.DRAFT
    version = outgoing.versions.get()
    assert version.ordinal == 1 and version.pdf.blob.kind == "pdf" and version.page_count == 1
    assert list(DocumentEvent.objects.filter(document=document).values_list("action", flat=True)) == [
        "drafted",
        "version_uploaded",
    ]


def test_return_then_approve_then_format_then_sign(draft, with_version, person):
    nam, ha, hung = person("hoangvannam"), person("lethuha"), person("nguyenvanhung")
    outgoing = with_version(draft())
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    outgoing.refresh_from_db()
    assert outgoing.state == State.IN_REVIEW
    with pytest.raises(PermissionDenied):
        services.outgoing_approve(actor=hung, outgoing=outgoing)
    with pytest.raises(ValidationFailed):
        services.outgoing_return(actor=nam, outgoing=outgoing, comment="")
    services.outgoing_return(actor=nam, outgoing=outgoing, comment="Bổ sung thời gian triển khai")
    outgoing.refresh_from_db()
    assert outgoing.state == State.RETURNED
    with_version(outgoing)
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=nam, outgoing=outgoing, comment="Đồng ý")
    outgoing.refresh_from_db()
    assert outgoing.state == State.FORMAT_CHECK and outgoing.approved_version.ordinal == 2
    # a failed checklist item sends it back with the item named
    services.outgoing_format_check(actor=ha, outgoing=outgoing, checks={**ALL_OK, "noi_nhan": False})
    outgoing.refresh_from_db()
    assert outgoing.state == State.RETURNED
    returned = outgoing.steps.get(round=2, status=StepStatus.RETURNED)
    assert "Nơi nhận" in returned.comment
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=nam, outgoing=outgoing)
    services.outgoing_format_check(actor=ha, outgoing=outgoing, checks=ALL_OK)
    outgoing.refresh_from_db()
    assert outgoing.state == State.TO_SIGN


def test_change_after_approval_restarts_chain(draft, with_version, person):
    nam = person("hoangvannam")
    outgoing = with_version(draft())
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=nam, outgoing=outgoing)
    outgoing = with_version(outgoing)  # the drafter changes the approved draft
    assert outgoing.state == State.IN_REVIEW and outgoing.round == 2 and outgoing.approved_version is None
    assert outgoing.steps.filter(round=1, status=StepStatus.CANCELLED).exists()
    step = services.current_step(outgoing)
    assert step is not None and step.user == nam


def test_full_path_to_recipient_status_03(issued, person, tyt, committed):
    outgoing = issued()
    document = outgoing.document
    assert outgoing.state == State.ISSUED
    assert document.number_notation == "01/UBND-VHXH"
    assert document.document_identifier.startswith("000.00.31.H42,")
    assert document.document_identifier.endswith(",01/UBND-VHXH")
    pdf = _read(outgoing.signed_pdf)
    report = verify_pdf(pdf)
    assert [s["verdict"] for s in report["signatures"]] == ["valid", "valid"], report
    assert report["verdict"] == "valid"
    import os

    if os.environ.get("QLVB_OUTGOING_SAVE_PDF"):
        with open(os.environ["QLVB_OUTGOING_SAVE_PDF"], "wb") as handle:
            handle.write(pdf)
    delivery = document.deliveries.get()
    assert delivery.status == Status.ARRIVED and delivery.unit == tyt
    copy = delivery.incoming_document
    assert copy.agency == tyt and copy.status == DocumentStatus.RECEIVED
    assert copy.number_notation == "01/UBND-VHXH" and copy.attachments.count() == 1
    with committed():  # the status comes back after the recipient's transaction commits
        incoming_register(actor=person("tytlienminh_buithiloan"), document=copy)
    delivery.refresh_from_db()
    assert delivery.status == Status.REGISTERED
    assert [c.status for c in delivery.changes.all()] == ["01", "03"]


def test_numbering_twice_and_issuing_unsigned_refused(signed, to_sign, person):
    clerk = person("lethuha")
    outgoing = signed()
    services.outgoing_number(actor=clerk, outgoing=outgoing)
    with pytest.raises(Conflict, match="đã được cấp số 01/UBND-VHXH"):
        services.outgoing_number(actor=clerk, outgoing=outgoing)
    with pytest.raises(Conflict, match="chưa ký số"):
        services.outgoing_issue(actor=clerk, outgoing=outgoing)
    unsigned = to_sign()
    with pytest.raises(Conflict, match="chưa ký"):
        services.outgoing_issue(actor=clerk, outgoing=unsigned)
    with pytest.raises(Conflict):
        services.outgoing_number(actor=clerk, outgoing=unsigned)


def test_sign_only_the_approved_version(to_sign, profiles, person):
    outgoing = to_sign()
    other = outgoing.versions.get().pk + 999
    with pytest.raises(Conflict, match="phiên bản đã duyệt"):
        services.outgoing_sign(actor=person("nguyenvanhung"), outgoing=outgoing, pin=PIN, version_id=other)
    outgoing.refresh_from_db()
    assert outgoing.state == State.TO_SIGN and outgoing.signed_pdf is None


def test_secret_and_unreadable_drafts_refused(draft, person):
    with pytest.raises(ValidationFailed, match="văn bản mật"):
        draft(secrecy="mat")
    outgoing = draft()
    huong = person("dothanhhuong")
    secret = docx_bytes([("MẬT", "left"), ("Nội dung", "left")])
    with pytest.raises(ValidationFailed, match="MẬT"):
        services.version_upload(actor=huong, outgoing=outgoing, stored_file=upload(huong, secret))
    assert outgoing.versions.count() == 0
    # A file LibreOffice cannot read: the version is kept, its conversion (the Celery task) fails with
    # the reason, and the draft cannot go on until a retry or another upload gives it a PDF.
    broken = upload(huong, b"{\\rtf1 " + b"\x00\xff" * 10, "hong.rtf")
    version = services.version_upload(actor=huong, outgoing=outgoing, stored_file=broken)
    assert services.conversion_status(version)["conversion"] == "pending"
    version = services.version_convert(version_id=version.pk)
    status = services.conversion_status(version)
    assert version.pdf is None and status["conversion"] == "failed"
    assert "LibreOffice không đọc được tệp “hong.rtf”" in status["conversion_error"]
    with pytest.raises(ValidationFailed, match="chưa có bản PDF: LibreOffice không đọc được"):
        services.outgoing_submit(actor=huong, outgoing=outgoing)


def _read(stored):
    from qlvb.files.storage import open_verified

    with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as h:
        return h.read()
