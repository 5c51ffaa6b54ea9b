"""A received update (edXML BussinessDocType 2) from the district, over the real local axis: applied to our
copy while the clerk has not registered it (metadata and files, the old values kept in the history,
answered 15); recorded for the clerk to review once registered (nothing changes by itself, answered 16);
refused with 02 when it carries a secrecy marking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qlvb.assignments.models import Notification
from qlvb.documents.models import Channel, Document, DocumentStatus
from qlvb.exchange.edxml import model as m
from qlvb.exchange.inbox import inbox_poll
from qlvb.exchange.models import InboxItem, InboxState, OutboxItem
from qlvb.exchange.outbox import outbox_send_due
from qlvb.incoming.receiving import incoming_register

from .localaxis import DISTRICT, Axis, district_package, pdf, received

pytestmark = pytest.mark.django_db

ORIGINAL = f"{DISTRICT},2026/12/01,45/UBND-VP"
NEW_SUBJECT = "V/v rà soát hộ nghèo và cận nghèo cuối năm 2026"


def _update(tmp_path: Path, *, files: list[Path] | None = None, **header: Any) -> Path:
    return district_package(
        tmp_path,
        number="48",
        btype="2",
        header={"subject": NEW_SUBJECT, "signer_info": m.SignerInfo("CHỦ TỊCH", "Chủ tịch", "Lê Văn Bình"), **header},
        bussiness={
            "document_id": ORIGINAL,
            "bussiness_doc_reason": "Bổ sung đối tượng cận nghèo",
            "document_info": m.BussinessDocumentInfo(document_info="1"),
        },
        files=files if files is not None else [],
    )


def _received(axis: Axis, tmp_path: Path) -> Document:
    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    inbox_poll()
    return Document.objects.get(channel=Channel.AXIS)


def test_an_update_to_a_copy_not_yet_registered_changes_it_and_keeps_the_old_values(
    axis: Axis, demo: None, tmp_path: Path
) -> None:
    copy = _received(axis, tmp_path)
    old_file = copy.attachments.get()
    new_pdf = pdf(tmp_path, "cong-van-cap-nhat.pdf")
    axis.district.send(_update(tmp_path, files=[new_pdf]), sender=DISTRICT)
    assert inbox_poll() == 1
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.RECEIVED
    assert copy.subject == NEW_SUBJECT and copy.signer_name == "Lê Văn Bình" and copy.signer_position == "Chủ tịch"
    assert copy.document_identifier == ORIGINAL  # still the document the sender updates
    event = copy.events.get(action="updated_by_sender")
    assert "Đã cập nhật theo văn bản cập nhật của bên gửi" in event.text
    assert "V/v rà soát hộ nghèo cuối năm" in event.text  # the old subject, in the history
    assert event.data["changes"]["signer_name"] == ["Trần Văn Nam", "Lê Văn Bình"]
    current = copy.attachments.filter(superseded_at__isnull=True)
    assert [a.name for a in current] == ["cong-van-cap-nhat.pdf"]
    old_file.refresh_from_db()
    assert old_file.superseded_at is not None  # kept, superseded
    assert InboxItem.objects.filter(business_type=2, state=InboxState.APPLIED, document=copy).exists()
    outbox_send_due()
    statuses = {p.package.status_code: p.package for _path, p in received(axis, tmp_path, "status")}
    assert sorted(statuses) == ["01", "15"]
    assert statuses["15"].response_for.document_id == ORIGINAL


def test_an_update_without_files_changes_the_metadata_and_keeps_the_files(
    axis: Axis, demo: None, tmp_path: Path
) -> None:
    copy = _received(axis, tmp_path)
    axis.district.send(_update(tmp_path), sender=DISTRICT)
    inbox_poll()
    copy.refresh_from_db()
    assert copy.subject == NEW_SUBJECT
    assert copy.attachments.filter(superseded_at__isnull=True).count() == 1


def test_an_update_to_a_registered_copy_is_recorded_for_the_clerk_and_answered_16(
    axis: Axis, demo: None, tmp_path: Path, person: Any, committed: Any
) -> None:
    copy = _received(axis, tmp_path)
    with committed():
        incoming_register(actor=person("lethuha"), document=copy)
    with committed():
        axis.district.send(_update(tmp_path, files=[pdf(tmp_path, "cap-nhat.pdf")]), sender=DISTRICT)
        inbox_poll()
    copy.refresh_from_db()
    assert copy.subject == "V/v rà soát hộ nghèo cuối năm"  # never changed silently
    assert copy.attachments.filter(superseded_at__isnull=True).count() == 1
    event = copy.events.get(action="update_received")
    assert NEW_SUBJECT in event.text and "văn thư xem xét" in event.text
    assert Notification.objects.filter(user=person("lethuha"), document=copy).exists()
    codes = list(OutboxItem.objects.filter(kind="status").order_by("id").values_list("status_code", flat=True))
    assert codes == ["01", "03", "16"]


def test_an_update_marked_secret_is_refused_and_changes_nothing(axis: Axis, demo: None, tmp_path: Path) -> None:
    copy = _received(axis, tmp_path)
    axis.district.send(_update(tmp_path, other_info=m.OtherInfo(priority="Mật")), sender=DISTRICT)
    inbox_poll()
    copy.refresh_from_db()
    assert copy.subject == "V/v rà soát hộ nghèo cuối năm"
    item = InboxItem.objects.get(state=InboxState.REFUSED)
    assert "mật" in item.reason.lower()
    assert OutboxItem.objects.filter(kind="status", status_code="02").exists()
