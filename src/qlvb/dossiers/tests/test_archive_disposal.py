"""Retention and disposal: expiry counted from the year the work ended; the archivist's list of what expires
this year; a proposal, the council's appraisal, the head's approval, the execution that deletes the files
and keeps the metadata and the record. Never a "Vĩnh viễn" dossier, never one not yet expired; a document
also held by a live dossier keeps its file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.core.audit import AuditEntry
from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.documents.models import Attachment, Document
from qlvb.dossiers import archive, disposal, services
from qlvb.dossiers.archive_models import DisposalState
from qlvb.dossiers.archive_rules import expiry_date
from qlvb.dossiers.models import Dossier, DossierState
from qlvb.files.models import Blob, FileText
from qlvb.files.storage import blob_path
from qlvb.incoming.attaching import IncomingFile, attachments_add
from qlvb.incoming.tests.test_attachments import pdf_bytes, take_in

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers/archive"


def today() -> dt.date:
    """The date in Asia/Ho_Chi_Minh when the test runs (a run may cross local midnight)."""
    return timezone.localdate()


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


@pytest.fixture
def archived(free_dossier, handled, person, archivist):
    """``archived(notation, retention_years, ended)`` → a dossier of Đỗ Thanh Hương holding one document with
    a PDF, closed at ``ended``, submitted and accepted by the archivist."""

    def run(notation: str, retention_years: int | None, ended: dt.date, document: Document | None = None) -> Dossier:
        huong = person("dothanhhuong")
        dossier = free_dossier(
            notation=notation, retention_years=retention_years, start_date=ended - dt.timedelta(days=90)
        )
        if document is None:
            document = handled(subject=f"Văn bản {notation}", code_number=notation[:2])
            stored = take_in(person("lethuha"), f"{notation[:2]}.pdf", pdf_bytes(int(notation[:2]) + 1))
            attachments_add(actor=None, document=document, files=[IncomingFile(stored)], checked=True)
        services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[document.pk])
        services.dossier_close(actor=huong, dossier=dossier, end_date=ended)
        batch = archive.transfer_create(actor=huong, dossier_ids=[dossier.pk], title="")
        archive.transfer_submit(actor=huong, batch=batch)
        archive.transfer_accept(actor=archivist, item=batch.items.get())
        dossier.refresh_from_db()
        return dossier

    return run


def test_expiry_counts_from_the_year_the_work_ended(archived):
    old = archived("01.VX", 10, dt.date(2014, 3, 15))
    forever = archived("02.VX", None, dt.date(2014, 3, 15))
    assert expiry_date(old) == dt.date(2024, 12, 31)
    assert expiry_date(forever) is None


def test_the_archivist_sees_what_expires_this_year(archived, archivist, person):
    year = today().year
    this_year = archived("01.VX", 5, dt.date(year - 5, 5, 1))
    earlier = archived("02.VX", 5, dt.date(year - 7, 5, 1))
    archived("03.VX", 10, dt.date(year - 5, 5, 1))  # five more years
    archived("04.VX", None, dt.date(year - 30, 5, 1))  # permanent
    assert [d.pk for d in archive.expiring(archivist, year=year)] == [earlier.pk, this_year.pk]
    assert list(archive.expiring(person("dothanhhuong"), year=year)) == []  # not an archivist


def test_disposal_deletes_the_files_and_keeps_the_metadata_and_the_record(
    archived, archivist, person, handled, django_capture_on_commit_callbacks
):
    gone = archived("01.VX", 5, dt.date(2015, 5, 1))
    shared_doc = handled(subject="Văn bản dùng chung", code_number="77")
    stored = take_in(person("lethuha"), "chung.pdf", pdf_bytes(4))
    attachments_add(actor=None, document=shared_doc, files=[IncomingFile(stored)], checked=True)
    with_shared = archived("02.VX", 5, dt.date(2015, 5, 1), document=shared_doc)
    services.dossier_open(actor=person("dothanhhuong"), title="Hồ sơ còn dùng", notation="03.VX", retention_years=None)
    keeper = Dossier.objects.get(notation="03.VX")
    services.dossier_documents_add(actor=person("dothanhhuong"), dossier=keeper, document_ids=[shared_doc.pk])

    doomed_doc = gone.items.get().document
    doomed_blob = Attachment.objects.get(document=doomed_doc).stored_file.blob
    shared_blob = stored.blob
    assert blob_path(doomed_blob.sha256).exists() and blob_path(shared_blob.sha256).exists()

    proposal = disposal.disposal_propose(actor=archivist, dossier_ids=[gone.pk, with_shared.pk], reason="Hết hạn")
    with pytest.raises(PermissionDenied):  # the council must appraise first, and the head approves
        disposal.disposal_approve(actor=person("dothanhhuong"), proposal=proposal)
    with pytest.raises(Conflict, match="Đề nghị hủy"):
        disposal.disposal_approve(actor=person("nguyenvanhung"), proposal=proposal)
    disposal.disposal_appraise(
        actor=archivist,
        proposal=proposal,
        members="Nguyễn Văn Hùng, Chủ tịch; Lê Thu Hà, Văn thư; Lương Văn Đức, Lưu trữ",
        opinion="Đồng ý hủy: hết thời hạn bảo quản, không còn giá trị.",
        meeting_date=today(),
        agreed=True,
    )
    with pytest.raises(Conflict):  # not before the head approves
        disposal.disposal_execute(actor=archivist, proposal=proposal)
    disposal.disposal_approve(actor=person("nguyenvanhung"), proposal=proposal)
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the transaction commits
        disposal.disposal_execute(actor=archivist, proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.state == DisposalState.EXECUTED
    gone.refresh_from_db()
    assert gone.state == DossierState.DISPOSED and gone.title  # the metadata stays
    assert Document.objects.filter(pk=doomed_doc.pk).exists()
    assert Blob.objects.filter(pk=doomed_blob.pk).exists()  # the SHA-256 and size stay as a record
    assert not blob_path(doomed_blob.sha256).exists()  # the content is gone
    assert blob_path(shared_blob.sha256).exists()  # the document another live dossier holds keeps its file
    assert not FileText.objects.filter(stored_file__blob=doomed_blob).exists()
    counts = {i.dossier_id: i.files_deleted for i in proposal.items.all()}
    assert counts == {gone.pk: 1, with_shared.pk: 0}
    assert AuditEntry.objects.filter(action="dossiers.disposal_executed").count() == 1


def test_a_permanent_or_unexpired_dossier_is_never_disposed_of(archived, archivist, api_as, person):
    forever = archived("01.VX", None, dt.date(2000, 1, 1))
    young = archived("02.VX", 10, dt.date(today().year - 1, 1, 1))
    with pytest.raises(Conflict, match="Vĩnh viễn: không bao giờ được hủy") as caught:
        disposal.disposal_propose(actor=archivist, dossier_ids=[forever.pk], reason="Hết hạn")
    assert caught.value.code == "permanent"
    with pytest.raises(Conflict, match="chưa hết thời hạn bảo quản") as caught:
        disposal.disposal_propose(actor=archivist, dossier_ids=[young.pk], reason="Hết hạn")
    assert caught.value.code == "not_expired"
    keeper = api_as(archivist)
    refused = keeper.post(
        f"{BASE}/disposals", {"dossier_ids": [forever.pk], "reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 409 and "Vĩnh viễn" in refused.json()["detail"]
    # a dossier still with its owner (closed, not archived) is not the archive's to dispose of
    services.dossier_open(
        actor=person("dothanhhuong"),
        title="Hồ sơ cũ",
        notation="09.VX",
        retention_years=1,
        start_date=dt.date(2010, 1, 1),
    )
    mine = Dossier.objects.get(notation="09.VX")
    with pytest.raises(Conflict, match="Lưu trữ cơ quan quản lý"):
        disposal.disposal_propose(actor=archivist, dossier_ids=[mine.pk], reason="Hết hạn")
    assert disposal.disposals_visible_to(archivist).count() == 0  # nothing half-done
    # another agency's dossier id: not found; an officer may not propose at all
    tyt = api_as("tytlienminh_buithiloan")
    assert (
        tyt.post(
            f"{BASE}/disposals", {"dossier_ids": [forever.pk], "reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    officer = api_as("dothanhhuong")
    assert (
        officer.post(
            f"{BASE}/disposals", {"dossier_ids": [forever.pk], "reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_the_api_runs_a_disposal_and_prints_its_record(archived, archivist, api_as):
    old = archived("01.VX", 5, dt.date(2015, 5, 1))
    keeper = api_as(archivist)
    listed = keeper.get(f"{BASE}/expiring").json()
    assert [d["id"] for d in listed] == [old.pk] and listed[0]["expiry_date"] == "2020-12-31"
    made = keeper.post(
        f"{BASE}/disposals",
        {"dossier_ids": [old.pk], "reason": "Hết thời hạn bảo quản"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["actions"] == ["appraise"]
    pk = made.json()["id"]
    refused = keeper.post(
        f"{BASE}/disposals/{pk}/appraise",
        {"members": "Hội đồng", "opinion": "Không đồng ý", "meeting_date": str(today()), "agreed": False},
        content_type="application/json",
    )
    assert refused.json()["state"] == DisposalState.REJECTED
    head = api_as("nguyenvanhung")
    assert head.post(f"{BASE}/disposals/{pk}/approve").status_code == 409  # the council said no
    assert api_as("tytlienminh_dangvantoan").get(f"{BASE}/disposals/{pk}").status_code == 404
    xlsx = keeper.get(f"{BASE}/disposals/{pk}/forms/danh-muc-huy?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert keeper.get(f"{BASE}/disposals/{pk}/forms/khong-co?format=xlsx").status_code == 422
