"""Closing a dossier (NĐ 30/2020 Điều 29): the retention re-assessed from its documents' types — lengthened,
never shortened, recorded and shown in "Lịch sử hồ sơ" — and documents filed twice offered for removal and
removed on confirmation."""

from __future__ import annotations

import pytest

from qlvb.core.errors import ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.documents.models import DocumentEvent, DocumentType
from qlvb.dossiers import services
from qlvb.dossiers.closing import dossier_duplicates, retention_reassess, retention_table
from qlvb.dossiers.models import DossierItem, DossierState

pytestmark = pytest.mark.django_db


def of_type(name: str) -> DocumentType:
    return DocumentType.objects.get(name=name)


def test_closing_lengthens_the_retention_to_the_longest_document_and_records_it(handled, free_dossier, person, page_as):
    officer = person("dothanhhuong")
    decision = handled(doc_type=of_type("Quyết định"), code_number="12", code_notation="QĐ-UBND")
    letter = handled(code_number="30")
    dossier = free_dossier(retention_years=10)
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[letter.pk, decision.pk])
    page = page_as("dothanhhuong").get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Thời hạn bảo quản sẽ được xác định lại khi đóng: 10 năm → Vĩnh viễn" in page
    closed = services.dossier_close(actor=officer, dossier=dossier)
    assert closed.retention_years is None and closed.maintenance == "Vĩnh viễn"
    assert closed.retention_ref == "Theo loại văn bản: Quyết định"
    entry = AuditEntry.objects.get(action="dossiers.retention_reassessed")
    assert entry.data["before"] == "10 năm" and entry.data["after"] == "Vĩnh viễn"
    assert "Quyết định 12/QĐ-UBND" in entry.data["because"]
    history = page_as("dothanhhuong").get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Lịch sử hồ sơ" in history
    assert "Xác định lại thời hạn bảo quản khi đóng hồ sơ" in history
    assert "Thời hạn bảo quản: 10 năm → Vĩnh viễn (theo Quyết định 12/QĐ-UBND)" in history
    assert "Đóng hồ sơ" in history and "Mở hồ sơ" in history


def test_the_retention_is_never_shortened(handled, free_dossier, person, settings):
    settings.QLVB_RETENTION_BY_DOCUMENT_TYPE = {"Giấy mời": 5}
    officer = person("dothanhhuong")
    invitation = handled(doc_type=of_type("Giấy mời"), code_number="3")
    dossier = free_dossier(retention_years=20)
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[invitation.pk])
    assert not retention_reassess(dossier).changed
    closed = services.dossier_close(actor=officer, dossier=dossier)
    assert closed.retention_years == 20
    assert not AuditEntry.objects.filter(action="dossiers.retention_reassessed").exists()
    # a permanent dossier stays permanent whatever its documents
    settings.QLVB_RETENTION_BY_DOCUMENT_TYPE = {"Công văn": 70}
    other = free_dossier(notation="06.VX", retention_years=None)
    services.dossier_documents_add(actor=officer, dossier=other, document_ids=[handled(code_number="4").pk])
    assert services.dossier_close(actor=officer, dossier=other).retention_years is None


def test_the_table_is_a_setting_and_bad_values_are_left_out(settings, handled, free_dossier, person):
    settings.QLVB_RETENTION_BY_DOCUMENT_TYPE = {"Công văn": "15 năm", "Báo cáo": "VĨNH VIỄN", "Tờ trình": "mãi"}
    table = retention_table()
    assert table["cong van"].years == 15 and table["bao cao"].years is None and "to trinh" not in table
    officer = person("dothanhhuong")
    dossier = free_dossier(retention_years=5)
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[handled(code_number="9").pk])
    assert services.dossier_close(actor=officer, dossier=dossier).retention_years == 15


def test_a_document_filed_twice_is_shown_and_removed_on_confirmation(handled, free_dossier, person, page_as):
    officer = person("dothanhhuong")
    first = handled(code_number="41")
    # the same letter received a second time: the clerk confirms it, registered as its duplicate
    from qlvb.incoming.assigning import Target
    from qlvb.incoming.directing import incoming_route
    from qlvb.incoming.receiving import incoming_receive
    from qlvb.incoming.tests.conftest import make_data

    clerk = person("lethuha")
    again = incoming_receive(
        actor=clerk, agency=first.agency, channel="email", data=make_data(code_number="41"), confirm_duplicate=True
    ).document
    assert again.duplicate_of_id == first.pk
    incoming_route(actor=clerk, document=again, targets=[Target(role="lead", user=officer)])
    other = handled(code_number="42")
    dossier = free_dossier()
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[first.pk, again.pk, other.pk])
    (duplicate,) = dossier_duplicates(dossier)
    assert duplicate.item.document_id == again.pk and duplicate.of.document_id == first.pk
    client = page_as("dothanhhuong")
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert 'name="remove"' in page and "cùng một văn bản" in page
    # only a listed duplicate may be removed this way: the other letter is refused, nothing changes
    keep = DossierItem.objects.get(dossier=dossier, document=other)
    with pytest.raises(ValidationFailed):
        services.dossier_close(actor=officer, dossier=dossier, remove_item_ids=[keep.pk])
    dossier.refresh_from_db()
    assert dossier.state == DossierState.OPEN and dossier.items.count() == 3
    response = client.post(
        f"/ho-so/{dossier.pk}/",
        {"action": "close", "c-title": dossier.title, "c-description": "", "remove": [duplicate.item.pk]},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CLOSED and dossier.doc_total == 2
    assert set(dossier.items.values_list("document_id", flat=True)) == {first.pk, other.pk}
    assert DocumentEvent.objects.filter(document=again, action="unfiled").exists()
    assert AuditEntry.objects.get(action="dossiers.duplicates_removed").data["items"] == [duplicate.item.pk]


def test_an_other_file_with_content_already_in_the_dossier_is_a_duplicate(free_dossier, person):
    import io

    from qlvb.dossiers.bulk import dossier_file_add
    from qlvb.files.intake import file_intake
    from qlvb.files.tests import samples

    officer = person("dothanhhuong")
    dossier = free_dossier()
    photo = samples.image_bytes("PNG")
    for title in ("Ảnh hiện trường", "Ảnh hiện trường (gửi lại)"):
        stored = file_intake(actor=officer, stream=io.BytesIO(photo), original_name="anh.png", channel="scan")
        dossier_file_add(actor=officer, dossier=dossier, stored_file=stored, title=title)
    (duplicate,) = dossier_duplicates(dossier)
    assert duplicate.item.title == "Ảnh hiện trường (gửi lại)" and "trùng nội dung" in duplicate.reason
    closed = services.dossier_close(actor=officer, dossier=dossier, remove_item_ids=[duplicate.item.pk])
    assert closed.doc_total == 1
