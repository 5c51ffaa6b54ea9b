"""After a disposal: a destroyed file answers 410 with the record that destroyed it (pages and API), the
document page shows the disposal; an outgoing document's draft versions (and their PDFs) are destroyed with
it, unless something else still uses the same stored file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qlvb.documents.models import Attachment
from qlvb.dossiers import disposal
from qlvb.dossiers.archive_models import DisposalProposal
from qlvb.dossiers.models import Dossier
from qlvb.dossiers.tests import test_archive_disposal
from qlvb.files.models import StoredFile
from qlvb.files.storage import blob_path
from qlvb.incoming.attaching import IncomingFile, attachments_add
from qlvb.outgoing import consultation as consult
from qlvb.outgoing.models import ConsultationAnswer, DraftVersion, Outgoing
from qlvb.outgoing.tests import conftest as outgoing

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """The date in Asia/Ho_Chi_Minh when the test runs (a run may cross local midnight)."""
    return timezone.localdate()


# the fixtures of the archive's disposal (an archived dossier) and of the outgoing flow (a draft with a version)
archived = test_archive_disposal.archived
cong_van, cong_van_docx, draft, with_version = (
    outgoing.cong_van,
    outgoing.cong_van_docx,
    outgoing.draft,
    outgoing.with_version,
)


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


@pytest.fixture
def dispose(archivist, person, django_capture_on_commit_callbacks):
    """``dispose(dossier)`` → the executed proposal that destroyed it (appraised, approved, executed)."""

    def run(*dossiers: Dossier) -> DisposalProposal:
        proposal = disposal.disposal_propose(actor=archivist, dossier_ids=[d.pk for d in dossiers], reason="Hết hạn")
        disposal.disposal_appraise(
            actor=archivist,
            proposal=proposal,
            members="Nguyễn Văn Hùng, Chủ tịch; Lương Văn Đức, Lưu trữ",
            opinion="Đồng ý hủy.",
            meeting_date=today(),
            agreed=True,
        )
        disposal.disposal_approve(actor=person("nguyenvanhung"), proposal=proposal)
        with django_capture_on_commit_callbacks(execute=True):
            disposal.disposal_execute(actor=archivist, proposal=proposal)
        proposal.refresh_from_db()
        return proposal

    return run


def test_a_disposed_file_answers_410_with_its_record_and_the_page_shows_the_disposal(
    archived, dispose, page_as, api_as
):
    dossier = archived("01.VX", 5, dt.date(2015, 5, 1))
    document = dossier.items.get().document
    attachment = Attachment.objects.get(document=document)
    proposal = dispose(dossier)
    said = f"Tài liệu đã bị hủy theo Biên bản hủy số {proposal.number} ngày {today():%d/%m/%Y}."

    officer = page_as("dothanhhuong")  # she handled the document: she may still open its page
    for url in (
        reverse("incoming:attachment", args=[document.pk, attachment.pk]),
        reverse("files:download", args=[attachment.stored_file_id]),
    ):
        response = officer.get(url)
        assert response.status_code == 410, url
        assert response.content.decode() == said  # not the storage's "file missing" (500)
    api = api_as("dothanhhuong").get(f"/api/v1/files/{attachment.stored_file_id}")
    assert api.status_code == 410
    assert api.json() == {"detail": said, "code": "file_disposed"}

    page = officer.get(reverse("incoming:detail", args=[document.pk])).content.decode()
    assert f"Tài liệu đã bị hủy theo Biên bản hủy số {proposal.number} ngày {today():%d/%m/%Y}." in page
    assert f"Hồ sơ: {dossier.notation}" in page
    assert page_as("tytlienminh_buithiloan").get(f"/tep/{attachment.stored_file_id}/").status_code == 404  # outsider


def test_a_kept_document_shows_no_disposal(archived, page_as):
    dossier = archived("01.VX", 5, dt.date(2015, 5, 1))
    document = dossier.items.get().document
    page = page_as("dothanhhuong").get(reverse("incoming:detail", args=[document.pk])).content.decode()
    assert "Biên bản hủy" not in page
    stored = Attachment.objects.get(document=document).stored_file
    assert page_as("dothanhhuong").get(f"/tep/{stored.pk}/").status_code == 200


def test_the_draft_versions_of_a_disposed_outgoing_document_are_destroyed(
    archived, dispose, draft, with_version, handled, person, page_as
):
    outgoing = with_version(draft())
    version = DraftVersion.objects.get(outgoing=outgoing)
    pdf_file = version.pdf
    assert pdf_file is not None  # converted by LibreOffice
    # the same upload is also attached to a live incoming document: that file stays
    elsewhere = handled(subject="Văn bản dùng chung tệp", code_number="88")
    attachments_add(actor=None, document=elsewhere, files=[IncomingFile(version.stored_file)], checked=True)
    sources, pdf = version.stored_file.blob.sha256, pdf_file.blob.sha256
    assert blob_path(sources).exists() and blob_path(pdf).exists()

    dossier = archived("01.VX", 5, dt.date(2015, 5, 1), document=outgoing.document)
    proposal = dispose(dossier)

    assert DraftVersion.objects.filter(pk=version.pk).exists()  # the version's record stays
    assert not blob_path(pdf).exists()  # its PDF is gone
    assert StoredFile.objects.get(pk=pdf_file.pk).disposed_note.startswith("Tài liệu đã bị hủy")
    assert blob_path(sources).exists()  # used elsewhere: kept, and still served
    assert StoredFile.objects.get(pk=version.stored_file_id).disposed_note == ""
    item = proposal.items.get()
    assert item.files_deleted == 1 and item.bytes_deleted == pdf_file.blob.size

    drafter = page_as(outgoing.drafter)
    gone = drafter.get(reverse("outgoing:file", args=[outgoing.pk, version.pdf_id]))
    assert gone.status_code == 410 and f"Biên bản hủy số {proposal.number}" in gone.content.decode()
    assert drafter.get(reverse("outgoing:file", args=[outgoing.pk, version.stored_file_id])).status_code == 200
    page = drafter.get(reverse("outgoing:detail", args=[outgoing.pk])).content.decode()
    assert f"Tài liệu đã bị hủy theo Biên bản hủy số {proposal.number}" in page
    assert Outgoing.objects.filter(pk=outgoing.pk).exists()


def test_an_unshared_draft_version_is_destroyed_whole(archived, dispose, draft, with_version):
    outgoing = with_version(draft())
    version = DraftVersion.objects.get(outgoing=outgoing)
    pdf_file = version.pdf
    assert pdf_file is not None
    contents = [version.stored_file.blob.sha256, pdf_file.blob.sha256]
    dispose(archived("01.VX", 5, dt.date(2015, 5, 1), document=outgoing.document))
    assert not any(blob_path(sha).exists() for sha in contents)
    assert StoredFile.objects.filter(pk__in=[version.stored_file_id, version.pdf_id], disposed_note="").count() == 0


def test_the_files_of_consultation_answers_go_with_their_outgoing_document(
    archived, dispose, draft, with_version, person, page_as
):
    """A consultation answer's file belongs to its outgoing document two links away (answer → consultation →
    outgoing): destroyed with it, answering 410 with the record."""
    outgoing_doc = with_version(draft())
    huong, trang = person("dothanhhuong"), person("ngothuytrang")
    round_ = consult.consultation_open(
        actor=huong, outgoing=outgoing_doc, people=[trang], deadline=today() + dt.timedelta(days=3)
    )
    note = outgoing.upload(trang, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "gop-y-trang.pdf")
    consult.consultation_answer(actor=trang, consultation=round_, opinion="other", comment="Bổ sung", stored_file=note)
    content = note.blob.sha256
    assert blob_path(content).exists()

    proposal = dispose(archived("01.VX", 5, dt.date(2015, 5, 1), document=outgoing_doc.document))

    assert not blob_path(content).exists()
    assert StoredFile.objects.get(pk=note.pk).disposed_note.startswith(
        f"Tài liệu đã bị hủy theo Biên bản hủy số {proposal.number}"
    )
    assert ConsultationAnswer.objects.filter(stored_file=note).exists()  # the answer's record stays
    gone = page_as("dothanhhuong").get(reverse("files:download", args=[note.pk]))
    assert gone.status_code == 410 and f"Biên bản hủy số {proposal.number}" in gone.content.decode()
