"""After registration (issue 8): confirming a duplicate warning keeps the file the clerk chose; the clerk adds
or replaces files (a new version, the old one kept and downloadable, an event) and corrects metadata (an event
with old → new values; the arrival number and the register cannot be changed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.documents.models import Attachment, Document, DocumentType
from qlvb.files.models import StoredFile
from qlvb.incoming.services import (
    IncomingFile,
    incoming_correct,
    incoming_file_replace,
    incoming_files_add,
    incoming_reject,
    kept_upload_get,
)

from .test_attachments import pdf_bytes, take_in


@pytest.fixture
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


def _form(**extra):
    return {
        "channel": "paper",
        "doc_type": DocumentType.objects.get(name="Công văn").pk,
        "code_number": "45",
        "code_notation": "UBND-LĐTBXH",
        "issued_date": "05/03/2026",
        "organ_name": "UBND huyện Mê Linh",
        "subject": "Về việc rà soát hộ nghèo",
        "urgency": "0",
        "secrecy": "",
        "language": "Tiếng Việt",
        **extra,
    }


# --- the duplicate warning keeps the upload -------------------------------------------------------------------


def test_confirming_a_duplicate_registers_the_chosen_file(client, person, receive, files_dir):
    earlier = receive(
        code_number="45", code_notation="UBND-LĐTBXH", organ_name="UBND huyện Mê Linh", issued_date=dt.date(2026, 3, 5)
    )
    client.force_login(person("lethuha"))
    upload = SimpleUploadedFile("cong-van-45.pdf", pdf_bytes(3), content_type="application/pdf")
    warned = client.post(reverse("incoming:receive"), _form(main_file=upload))
    html = warned.content.decode()
    assert warned.status_code == 200 and "Văn bản đã có trong sổ" in html and Document.objects.count() == 1
    assert 'data-qlvb="kept-files"' in html and "cong-van-45.pdf" in html
    kept = html[html.index('name="kept_files"') :][:80]
    stored = StoredFile.objects.get(name="cong-van-45.pdf")
    assert f'value="main:{stored.pk}"' in kept
    # The browser sends the form again without the file (a file input is never refilled).
    confirmed = client.post(
        reverse("incoming:receive"), _form(confirm_duplicate="True", kept_files=f"main:{stored.pk}")
    )
    assert confirmed.status_code == 302
    doc = Document.objects.exclude(pk=earlier.pk).get()
    assert doc.duplicate_of == earlier and doc.page_amount == 3
    assert [a.name for a in doc.attachments.all()] == ["cong-van-45.pdf"]


def test_a_refused_submission_keeps_the_upload_too(client, person, files_dir):
    client.force_login(person("lethuha"))
    past = f"{timezone.localdate() - dt.timedelta(days=2):%d/%m/%Y}"
    upload = SimpleUploadedFile("cong-van-8.pdf", pdf_bytes(2), content_type="application/pdf")
    refused = client.post(reverse("incoming:receive"), _form(main_file=upload, due_date=past))
    html = refused.content.decode()
    assert refused.status_code == 422 and "đã qua" in html and "cong-van-8.pdf" in html
    stored = StoredFile.objects.get(name="cong-van-8.pdf")
    future = f"{timezone.localdate() + dt.timedelta(days=5):%d/%m/%Y}"
    ok = client.post(reverse("incoming:receive"), _form(due_date=future, kept_files=f"main:{stored.pk}"))
    assert ok.status_code == 302
    assert [a.stored_file for a in Document.objects.get().attachments.all()] == [stored]


def test_a_kept_reference_must_be_the_clerks_own_recent_unfiled_upload(person, receive, files_dir):
    ha = person("lethuha")
    mine = take_in(ha, "mine.pdf", pdf_bytes(1))
    assert kept_upload_get(actor=ha, file_id=mine.pk) == mine
    someone_elses = take_in(person("nguyenvanhung"), "his.pdf", pdf_bytes(1))
    stale = take_in(ha, "old.pdf", pdf_bytes(1))
    StoredFile.objects.filter(pk=stale.pk).update(uploaded_at=timezone.now() - dt.timedelta(hours=3))
    filed = take_in(ha, "filed.pdf", pdf_bytes(1))
    incoming_files_add(actor=ha, document=receive(), files=[IncomingFile(filed)])
    for bad in (someone_elses, stale, filed):
        with pytest.raises(ValidationFailed) as refused:
            kept_upload_get(actor=ha, file_id=bad.pk)
        assert "chọn lại tệp" in refused.value.message


def test_a_forged_kept_reference_is_refused_on_the_form(client, person, files_dir):
    his = take_in(person("nguyenvanhung"), "his.pdf", pdf_bytes(1))
    client.force_login(person("lethuha"))
    response = client.post(reverse("incoming:receive"), _form(kept_files=f"main:{his.pk}"))
    assert response.status_code == 422 and "chọn lại tệp" in response.content.decode()
    bad = client.post(reverse("incoming:receive"), _form(kept_files="main:abc"))
    assert bad.status_code == 422 and "không hợp lệ" in bad.content.decode()
    assert not Document.objects.exists()


# --- files after registration -----------------------------------------------------------------------------------


def test_add_and_replace_files_keep_the_history(person, receive, files_dir):
    ha = person("lethuha")
    doc = receive()
    (main,) = incoming_files_add(actor=ha, document=doc, files=[IncomingFile(take_in(ha, "v1.pdf", pdf_bytes(2)))])
    with pytest.raises(ValidationFailed):  # one main file: another one is a new version or an appendix
        incoming_files_add(actor=ha, document=doc, files=[IncomingFile(take_in(ha, "x.pdf", pdf_bytes(1)))])
    new = incoming_file_replace(
        actor=ha, document=doc, attachment=main, stored_file=take_in(ha, "v2.pdf", pdf_bytes(4))
    )
    main.refresh_from_db()
    assert (new.version, new.ordinal, new.replaces, new.page_count) == (2, main.ordinal, main, 4)
    assert main.superseded_at is not None and Attachment.objects.filter(document=doc).count() == 2
    with pytest.raises(Conflict):
        incoming_file_replace(actor=ha, document=doc, attachment=main, stored_file=take_in(ha, "v3.pdf", pdf_bytes(1)))
    replaced = doc.events.get(action="file_replaced")
    assert replaced.text == "Tệp văn bản: v1.pdf (phiên bản 1) → v2.pdf (phiên bản 2)"
    assert replaced.data["replaces"] == main.pk and replaced.data["old_sha256"] != replaced.data["sha256"]
    for name in ("nguyenvanhung", "dothanhhuong"):
        with pytest.raises(PermissionDenied):
            incoming_files_add(
                actor=person(name),
                document=doc,
                files=[IncomingFile(take_in(ha, "p.pdf", pdf_bytes(1)), kind="appendix")],
            )
    incoming_reject(actor=ha, document=doc, reason="Gửi nhầm cơ quan")
    with pytest.raises(Conflict):
        incoming_files_add(
            actor=ha, document=doc, files=[IncomingFile(take_in(ha, "p.pdf", pdf_bytes(1)), kind="appendix")]
        )


def test_the_clerk_adds_and_replaces_files_on_the_page(client, person, receive, files_dir):
    doc = receive()
    client.force_login(person("lethuha"))
    page = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert reverse("incoming:files_add", args=[doc.pk]) in page
    url = reverse("incoming:files_add", args=[doc.pk])
    added = client.post(url, {"target": "main", "file": SimpleUploadedFile("ban-goc.pdf", pdf_bytes(2))})
    assert added.status_code == 302
    first = doc.attachments.get()
    replaced = client.post(
        url, {"target": f"replace:{first.pk}", "file": SimpleUploadedFile("ban-sua.pdf", pdf_bytes(3))}
    )
    assert replaced.status_code == 302
    page = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert "ban-sua.pdf" in page and 'data-qlvb="file-version"' in page and 'data-qlvb="earlier-versions"' in page
    old = client.get(reverse("incoming:attachment", args=[doc.pk, first.pk]))
    assert old.status_code == 200 and b"".join(old.streaming_content).startswith(b"%PDF")
    assert "Thay tệp (phiên bản mới)" in page
    empty = client.post(url, {"target": "appendix"})
    assert empty.status_code == 422
    # Someone who may see the document but is not its clerk cannot add a file.
    client.force_login(person("nguyenvanhung"))
    assert (
        reverse("incoming:files_add", args=[doc.pk])
        not in client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    )
    refused = client.post(url, {"target": "appendix", "file": SimpleUploadedFile("pl.pdf", pdf_bytes(1))})
    assert refused.status_code == 403 and doc.attachments.count() == 2
    client.force_login(person("tytlienminh_buithiloan"))
    assert client.get(url).status_code == 404


def test_files_through_the_api(person, receive, files_dir, api_as):
    doc = receive()
    clerk = api_as("lethuha")
    ids = [
        clerk.post("/api/v1/files", {"file": SimpleUploadedFile(n, pdf_bytes(2), "application/pdf")}).json()["id"]
        for n in ("chinh.pdf", "chinh-sua.pdf")
    ]
    r = clerk.post(
        f"/api/v1/incoming/{doc.pk}/files",
        {"files": [{"file_id": ids[0], "kind": "main"}]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    first = r.json()[0]["id"]
    r = clerk.post(
        f"/api/v1/incoming/{doc.pk}/files/{first}/replace", {"file_id": ids[1]}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["replaces_id"] == first
    files = clerk.get(f"/api/v1/incoming/{doc.pk}").json()["attachments"]
    assert [(f["name"], f["version"], f["current"]) for f in files] == [
        ("chinh.pdf", 1, False),
        ("chinh-sua.pdf", 2, True),
    ]
    his = take_in(person("nguyenvanhung"), "his.pdf", pdf_bytes(1))
    r = clerk.post(
        f"/api/v1/incoming/{doc.pk}/files",
        {"files": [{"file_id": his.pk, "kind": "appendix"}]},
        content_type="application/json",
    )
    assert r.status_code == 404


# --- metadata correction ---------------------------------------------------------------------------------------


def test_correcting_metadata_records_old_and_new_values(person, receive):
    ha = person("lethuha")
    doc = receive(subject="Về việc tiêm chủng", due_date=None)
    new_due = timezone.localdate() + dt.timedelta(days=7)
    incoming_correct(
        actor=ha,
        document=doc,
        changes={"subject": "Về việc tiêm chủng mở rộng", "due_date": new_due, "urgency": 1, "code_number": "15"},
    )
    doc.refresh_from_db()
    assert doc.subject == "Về việc tiêm chủng mở rộng" and doc.due_date == new_due and doc.urgency == 1
    event = doc.events.get(action="metadata_corrected")
    assert event.text == (
        f"Trích yếu: Về việc tiêm chủng → Về việc tiêm chủng mở rộng; Độ khẩn: Thường → Khẩn; "
        f"Thời hạn giải quyết: — → {new_due:%d/%m/%Y}"
    )
    assert event.data["changes"]["due_date"] == [None, new_due.isoformat()]
    for changes in ({"arrival_number": 99}, {"register": None}):
        with pytest.raises(ValidationFailed) as refused:
            incoming_correct(actor=ha, document=doc, changes=changes)
        assert "Không sửa được" in refused.value.message
    with pytest.raises(ValidationFailed):
        incoming_correct(actor=ha, document=doc, changes={"due_date": timezone.localdate() - dt.timedelta(days=1)})
    with pytest.raises(ValidationFailed):
        incoming_correct(actor=ha, document=doc, changes={"subject": "x" * 501})
    with pytest.raises(PermissionDenied):
        incoming_correct(actor=person("dothanhhuong"), document=doc, changes={"subject": "Khác"})
    doc.refresh_from_db()
    assert doc.arrival_number == 1 and doc.events.filter(action="metadata_corrected").count() == 1


def test_correcting_on_the_page_and_through_the_api(client, person, receive, api_as):
    doc = receive()
    client.force_login(person("lethuha"))
    url = reverse("incoming:correct", args=[doc.pk])
    form = client.get(url).content.decode()
    assert "Về việc triển khai tiêm chủng mở rộng năm 2026" in form and 'name="arrival_number"' not in form
    values = {
        "doc_type": doc.doc_type_id,
        "code_number": "15",
        "code_notation": "UBND-VX",
        "issued_date": "02/03/2026",
        "organ_name": "Ủy ban nhân dân huyện Mê Linh",
        "subject": "Về việc tiêm chủng năm 2026",
        "signer_position": "Chủ tịch",
        "signer_name": "Nguyễn Văn An",
        "urgency": "0",
        "language": "Tiếng Việt",
        "arrival_number": "77",
    }
    assert client.post(url, values).status_code == 302
    doc.refresh_from_db()
    assert doc.subject == "Về việc tiêm chủng năm 2026" and doc.arrival_number == 1
    page = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert "Sửa thông tin văn bản" in page and "→ Về việc tiêm chủng năm 2026" in page
    past = {**values, "due_date": f"{timezone.localdate() - dt.timedelta(days=3):%d/%m/%Y}"}
    assert client.post(url, past).status_code == 422

    api = api_as("lethuha")
    r = api.post(f"/api/v1/incoming/{doc.pk}/correct", {"arrival_number": 5}, content_type="application/json")
    assert r.status_code == 422 and "số đến" in r.json()["detail"]
    r = api.post(
        f"/api/v1/incoming/{doc.pk}/correct", {"signer_name": "Nguyễn Văn Bình"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["signer_name"] == "Nguyễn Văn Bình"
    officer = api_as("dothanhhuong")
    assert (
        officer.post(
            f"/api/v1/incoming/{doc.pk}/correct", {"subject": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
