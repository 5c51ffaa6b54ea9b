"""The export package of a dossier (originals byte for byte, PDF/A renditions, Phụ lục VI metadata XML,
SHA-256 manifest), built in the background, and its import into another agency: manifest checked first
(one byte changed → refused, nothing written), idempotent, every field and every byte the same."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree

from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.directory.services import role_grant
from qlvb.documents.models import Attachment, Document
from qlvb.dossiers import services
from qlvb.dossiers.errors import ErrorCode
from qlvb.dossiers.models import Dossier, DossierItem, DossierPackage
from qlvb.dossiers.package import package_open, package_request
from qlvb.dossiers.package_import import package_import
from qlvb.dossiers.package_models import PackageState
from qlvb.files.intake import file_intake
from qlvb.files.models import StoredFile
from qlvb.files.storage import blob_path
from qlvb.files.tests import samples
from qlvb.incoming.assigning import Target
from qlvb.incoming.attaching import IncomingFile
from qlvb.incoming.directing import incoming_route
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data

pytestmark = pytest.mark.django_db

DOSSIER_FIELDS = (
    "organ_id",
    "year",
    "notation",
    "title",
    "retention_years",
    "retention_ref",
    "rights",
    "creator_name",
    "language",
    "start_date",
    "end_date",
    "doc_total",
    "page_total",
    "description",
    "state",
)
DOCUMENT_FIELDS = (
    "direction",
    "status",
    "channel",
    "doc_type_id",
    "code_number",
    "code_notation",
    "issued_date",
    "organ_name",
    "organ_id",
    "subject",
    "language",
    "page_amount",
    "description",
    "signer_position",
    "signer_name",
    "urgency",
    "to_places",
    "due_date",
    "arrival_date",
    "arrival_number",
    "document_identifier",
    "year",
    "received_at",
)


@pytest.fixture
def eager(settings, tmp_path):
    """Celery tasks in the calling process; files and packages in this test's own folders."""
    from qlvb.celery_app import app

    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_PACKAGES_DIR = str(tmp_path / "packages")
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield tmp_path
    app.conf.task_always_eager = before


def take_in(actor, name: str, content: bytes) -> StoredFile:
    return file_intake(actor=actor, stream=io.BytesIO(content), original_name=name, channel="scan")


@pytest.fixture
def closed_dossier(person, ubnd, free_dossier, eager):
    """A closed dossier of Đỗ Thanh Hương with two incoming documents: a PDF with a PDF appendix, and a
    document whose file is a CSV table (no PDF/A rendition); plus a photo as "tài liệu khác"."""
    clerk, officer = person("lethuha"), person("dothanhhuong")
    pdf = take_in(clerk, "cong-van-15.pdf", samples.pdf_bytes())
    appendix = take_in(clerk, "phu-luc.png", samples.image_bytes("PNG"))
    table = take_in(clerk, "bang-so-lieu.csv", samples.csv_bytes())
    docs = []
    for number, files in (
        ("15", [IncomingFile(pdf), IncomingFile(appendix, kind="appendix")]),
        ("16", [IncomingFile(table)]),
    ):
        doc = incoming_receive(
            actor=clerk, agency=ubnd, channel="email", data=make_data(code_number=number, page_amount=2), files=files
        ).document
        incoming_route(actor=clerk, document=doc, targets=[Target(role="lead", user=officer)])
        docs.append(doc)
    dossier = free_dossier(description="Ghi chú của hồ sơ")
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[d.pk for d in docs])
    from qlvb.dossiers.bulk import dossier_file_add

    photo = take_in(officer, "anh-hop.jpg", samples.image_bytes("JPEG"))
    dossier_file_add(actor=officer, dossier=dossier, stored_file=photo, title="Ảnh buổi họp triển khai")
    return services.dossier_close(actor=officer, dossier=dossier)


def built(actor, dossier, django_capture_on_commit_callbacks) -> DossierPackage:
    with django_capture_on_commit_callbacks(execute=True):
        package = package_request(actor=actor, dossier_ids=[dossier.pk])
    package.refresh_from_db()
    return package


def test_the_package_holds_the_originals_renditions_metadata_and_manifest(
    closed_dossier, person, django_capture_on_commit_callbacks
):
    officer = person("dothanhhuong")
    package = built(officer, closed_dossier, django_capture_on_commit_callbacks)
    assert package.state == PackageState.DONE, package.error
    assert package.file_count == 4
    _, fh = package_open(actor=officer, package_id=package.pk)
    with fh, zipfile.ZipFile(fh) as zf:
        names = zf.namelist()
        originals = sorted(n for n in names if n.startswith("originals/"))
        assert len(originals) == 4
        for name in originals:  # byte for byte the stored content
            data = zf.read(name)
            assert blob_path(hashlib.sha256(data).hexdigest()).read_bytes() == data
        renditions = [n for n in names if n.startswith("pdfa/")]
        assert len(renditions) == 3  # the PDF, the PNG and the JPEG; not the CSV
        for name in renditions:
            body = zf.read(name)
            assert body.startswith(b"%PDF-") and b"pdfaid:part" in body and b"/OutputIntents" in body
        lines = zf.read("manifest-sha256.txt").decode().splitlines()
        manifest = {path: digest for digest, _, path in (line.partition("  ") for line in lines)}
        assert set(manifest) == set(names) - {"manifest-sha256.txt"}
        assert all(hashlib.sha256(zf.read(p)).hexdigest() == d for p, d in manifest.items())
        root = ElementTree.fromstring(zf.read("metadata.xml"))
    (dossier,) = root.findall("Dossier")
    assert dossier.findtext("FileCode") == closed_dossier.file_code
    assert dossier.findtext("Maintenance") == "10 năm" and dossier.findtext("DocTotal") == "3"
    assert [d.findtext("CodeNumber") for d in dossier.findall("Document")] == ["15", "16"]
    assert dossier.find("Document/SignerInfo/FullName").text == "Nguyễn Văn An"
    csv = dossier.find("Document[CodeNumber='16']/File")
    assert csv.findtext("PdfA") == "" and "csv" in csv.findtext("PdfAProblem")
    assert package.problems == [{"path": csv.findtext("Path"), "reason": csv.findtext("PdfAProblem")}]
    assert dossier.find("OtherFile/Title").text == "Ảnh buổi họp triển khai"
    actions = set(AuditEntry.objects.filter(action__startswith="dossiers.package").values_list("action", flat=True))
    assert actions == {"dossiers.package_requested", "dossiers.package_built", "dossiers.package_downloaded"}


def test_an_open_dossier_or_one_not_seen_is_not_exported(free_dossier, person, eager):
    dossier = free_dossier()
    with pytest.raises(Conflict, match="chưa đóng") as refused:
        package_request(actor=person("dothanhhuong"), dossier_ids=[dossier.pk])
    assert refused.value.code == ErrorCode.PACKAGE_NOT_CLOSED
    with pytest.raises(NotFound):
        package_request(actor=person("ngothuytrang"), dossier_ids=[dossier.pk])
    assert not DossierPackage.objects.exists()


@pytest.fixture
def tyt_archivist(person, tyt):
    user = person("tytlienminh_buithiloan")
    role_grant(actor=None, user=user, role="archivist", unit=tyt)
    user.roles_forget()
    return user


def package_file(closed_dossier, person, django_capture_on_commit_callbacks) -> Path:
    package = built(person("dothanhhuong"), closed_dossier, django_capture_on_commit_callbacks)
    _, fh = package_open(actor=person("dothanhhuong"), package_id=package.pk)
    fh.close()
    return Path(fh.name)


def test_round_trip_into_another_agency_keeps_every_field_and_byte(
    closed_dossier, person, tyt, tyt_archivist, settings, eager, django_capture_on_commit_callbacks
):
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    settings.FILES_DIR = eager / "files-of-the-other-deployment"  # an empty file store
    result = package_import(actor=tyt_archivist, agency=tyt, path=path)
    (copy,) = result.created
    assert copy.agency == tyt and copy.file_code == closed_dossier.file_code
    for name in DOSSIER_FIELDS:
        assert getattr(copy, name) == getattr(closed_dossier, name), name
    source_items = list(closed_dossier.items.order_by("ordinal"))
    copy_items = list(copy.items.order_by("ordinal"))
    assert [i.ordinal for i in copy_items] == [i.ordinal for i in source_items]
    for mine, theirs in zip(source_items, copy_items, strict=True):
        if mine.document is None or theirs.document is None:
            assert theirs.stored_file is not None and theirs.title == mine.title
            assert blob_path(theirs.stored_file.blob.sha256).read_bytes() == samples.image_bytes("JPEG")
            continue
        assert theirs.document.agency == tyt and theirs.document.pk != mine.document.pk
        for name in DOCUMENT_FIELDS:
            assert getattr(theirs.document, name) == getattr(mine.document, name), name
        source_files = Attachment.objects.filter(document=mine.document).order_by("ordinal")
        copied = Attachment.objects.filter(document=theirs.document).order_by("ordinal")
        assert [(a.kind, a.ordinal, a.name) for a in copied] == [(a.kind, a.ordinal, a.name) for a in source_files]
        for a, b in zip(source_files, copied, strict=True):
            original = (eager / "files").joinpath(*blob_path(a.stored_file.blob.sha256).parts[-3:]).read_bytes()
            assert blob_path(b.stored_file.blob.sha256).read_bytes() == original  # read from the new store
    assert AuditEntry.objects.filter(action="dossiers.package_imported").count() == 1
    # importing the same package twice creates nothing new
    counts = (
        Dossier.objects.count(),
        Document.objects.count(),
        DossierItem.objects.count(),
        Attachment.objects.count(),
    )
    again = package_import(actor=tyt_archivist, agency=tyt, path=path)
    assert again.created == [] and again.skipped == [closed_dossier.file_code]
    assert counts == (
        Dossier.objects.count(),
        Document.objects.count(),
        DossierItem.objects.count(),
        Attachment.objects.count(),
    )


def changed(path: Path, member: str, out: Path) -> Path:
    """The same package with one byte of ``member`` changed (the manifest left as it was)."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                data = data[:-2] + bytes([data[-2] ^ 0x01]) + data[-1:]
            dst.writestr(info, data)
    return out


def test_a_package_with_one_byte_changed_is_refused_naming_the_file(
    closed_dossier, person, tyt, tyt_archivist, eager, django_capture_on_commit_callbacks
):
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if n.startswith("originals/") and n.endswith(".pdf"))
    bad = changed(path, member, eager / "bad.zip")
    before = (Dossier.objects.count(), Document.objects.count(), StoredFile.objects.count())
    with pytest.raises(ValidationFailed, match="không khớp mã SHA-256") as refused:
        package_import(actor=tyt_archivist, agency=tyt, path=bad)
    assert member in refused.value.message and refused.value.code == ErrorCode.PACKAGE_MANIFEST
    assert before == (Dossier.objects.count(), Document.objects.count(), StoredFile.objects.count())
    assert AuditEntry.objects.filter(action="dossiers.package_refused").count() == 1
    # metadata.xml is covered too
    with pytest.raises(ValidationFailed, match=r"metadata\.xml"):
        package_import(actor=tyt_archivist, agency=tyt, path=changed(path, "metadata.xml", eager / "bad2.zip"))


def test_only_the_archivist_or_admin_imports_and_a_taken_code_is_refused(
    closed_dossier, person, ubnd, tyt, tyt_archivist, archivist, eager, django_capture_on_commit_callbacks
):
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        package_import(actor=person("dothanhhuong"), agency=ubnd, path=path)
    # the same agency already holds that dossier (not from a package): refused, nothing written
    before = Document.objects.count()
    with pytest.raises(Conflict, match=r"05\.VX") as refused:
        package_import(actor=archivist, agency=ubnd, path=path)
    assert refused.value.code == ErrorCode.PACKAGE_CLASH and Document.objects.count() == before


def test_the_import_command(closed_dossier, person, tyt, tyt_archivist, eager, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("dossier-import", str(path), "--user", tyt_archivist.username, stdout=out)
    assert closed_dossier.file_code in out.getvalue()
    assert Dossier.objects.filter(agency=tyt).count() == 1
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if n.startswith("pdfa/"))
    bad = changed(path, member, eager / "bad.zip")
    with pytest.raises(SystemExit) as stopped:
        call_command("dossier-import", str(bad), "--user", tyt_archivist.username, stdout=io.StringIO())
    assert stopped.value.code == 1


def test_a_package_whose_file_is_gone_from_the_store_fails_with_a_reason(
    closed_dossier, person, django_capture_on_commit_callbacks
):
    attachment = Attachment.objects.filter(document__dossier_items__dossier=closed_dossier).first()
    assert attachment is not None
    blob_path(attachment.stored_file.blob.sha256).unlink()
    package = built(person("dothanhhuong"), closed_dossier, django_capture_on_commit_callbacks)
    assert package.state == PackageState.FAILED and "FileNotFoundError" in package.error
    assert not list(Path(package_path_dir()).glob("*.part"))
    with pytest.raises(Conflict, match="chưa tạo xong"):
        package_open(actor=person("dothanhhuong"), package_id=package.pk)
    assert AuditEntry.objects.filter(action="dossiers.package_failed").count() == 1


def package_path_dir() -> Path:
    from qlvb.dossiers.package import packages_dir

    return packages_dir()


@pytest.fixture(scope="module")
def signing_pki(tmp_path_factory):
    """The signing app's test PKI (its CA and Nguyễn Văn Hùng's personal certificate)."""
    from qlvb.signing.tests.pki import start_test_pki

    running = start_test_pki(tmp_path_factory.mktemp("pki-dossiers"))
    yield running
    running.stop()


def test_a_signed_pdf_crosses_byte_for_byte_and_its_signature_stays_intact(
    signing_pki, person, ubnd, tyt, tyt_archivist, free_dossier, settings, eager, django_capture_on_commit_callbacks
):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from qlvb.signing.tests.helpers import sign_raw
    from qlvb.signing.tests.pki import PERSONAL

    signed = sign_raw(signing_pki, PERSONAL, samples.pdf_bytes())
    clerk, officer = person("lethuha"), person("dothanhhuong")
    doc = incoming_receive(
        actor=clerk,
        agency=ubnd,
        channel="email",
        data=make_data(code_number="77"),
        files=[IncomingFile(take_in(clerk, "quyet-dinh-ky-so.pdf", signed))],
    ).document
    incoming_route(actor=clerk, document=doc, targets=[Target(role="lead", user=officer)])
    dossier = free_dossier(notation="77.VX")
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[doc.pk])
    services.dossier_close(actor=officer, dossier=dossier)
    path = package_file(dossier, person, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(path) as zf:
        (name,) = [n for n in zf.namelist() if n.startswith("originals/")]
        assert zf.read(name) == signed
    settings.FILES_DIR = eager / "other-store"
    (copy,) = package_import(actor=tyt_archivist, agency=tyt, path=path).created
    stored = Attachment.objects.get(document__dossier_items__dossier=copy).stored_file
    data = blob_path(stored.blob.sha256).read_bytes()
    assert data == signed
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(signature, signer_validation_context=ValidationContext(trust_roots=[]))
    assert status.intact  # the signed bytes untouched (trust is the signing app's business)
