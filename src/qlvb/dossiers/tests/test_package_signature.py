"""The signature over an export package's manifest (``manifest-sha256.txt.p7s``, detached CMS by the agency's
key): written at export, checked at import — a manifest rewritten to match a changed file, a signature made
with another key, a missing signature where one is required: each refused, nothing written; who signed is
recorded and shown."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID

from qlvb.core.errors import ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.documents.models import Document
from qlvb.dossiers.errors import ErrorCode
from qlvb.dossiers.models import Dossier
from qlvb.dossiers.package_import import package_import
from qlvb.dossiers.package_models import PackageImportRecord, PackageState
from qlvb.dossiers.package_signature import SIGNATURE, manifest_sign, package_signer, signature_verify
from qlvb.files.models import StoredFile

from . import test_package
from .test_package import built, package_file

# the package tests' fixtures, used here as they are
closed_dossier, eager, tyt_archivist = test_package.closed_dossier, test_package.eager, test_package.tyt_archivist

pytestmark = pytest.mark.django_db

MANIFEST = "manifest-sha256.txt"


def key_and_cert(name: str, *, curve: bool = False):
    key = ec.generate_private_key(ec.SECP256R1()) if curve else rsa.generate_private_key(65537, 2048)
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Thử nghiệm")]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert


@pytest.fixture
def agency_key(settings, tmp_path):
    """``QLVB_PACKAGE_KEY_FILE``: an encrypted PEM key with its certificate in ``QLVB_PACKAGE_CERT_FILE``."""
    key, cert = key_and_cert("UBND xã Liên Minh (khóa gói hồ sơ)")
    key_file, cert_file = tmp_path / "package-key.pem", tmp_path / "package-cert.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"mat-khau-goi"),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    settings.QLVB_PACKAGE_KEY_FILE = str(key_file)
    settings.QLVB_PACKAGE_CERT_FILE = str(cert_file)
    settings.QLVB_PACKAGE_KEY_PASSWORD = "mat-khau-goi"
    return key, cert


def rewritten(path: Path, out: Path, *, change: dict[str, bytes]) -> Path:
    """The package with some entries replaced by ``change`` (name → new bytes; a new name is added)."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, change.pop(info.filename, b"") or src.read(info))
        for name, data in change.items():
            dst.writestr(name, data)
    return out


def counts() -> tuple[int, int, int]:
    return Dossier.objects.count(), Document.objects.count(), StoredFile.objects.count()


def test_a_signed_package_is_imported_and_the_signer_recorded(
    agency_key, closed_dossier, person, tyt, tyt_archivist, django_capture_on_commit_callbacks
):
    package = built(person("dothanhhuong"), closed_dossier, django_capture_on_commit_callbacks)
    assert package.state == PackageState.DONE, package.error
    assert package.signer == "UBND xã Liên Minh (khóa gói hồ sơ), Thử nghiệm"
    der = agency_key[1].public_bytes(serialization.Encoding.DER)
    assert package.signer_cert_sha256 == hashlib.sha256(der).hexdigest()
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(path) as zf:
        assert SIGNATURE in zf.namelist()
        manifest = zf.read(MANIFEST).decode()
    assert SIGNATURE not in manifest  # the signature is over the manifest, not listed in it
    result = package_import(actor=tyt_archivist, agency=tyt, path=path)
    assert result.signature is not None and result.signature.subject == package.signer
    records = PackageImportRecord.objects.filter(agency=tyt)
    assert records.count() == 3  # the dossier and its two documents
    assert set(records.values_list("signer", flat=True)) == {package.signer}
    assert set(records.values_list("signer_cert_sha256", flat=True)) == {package.signer_cert_sha256}
    entry = AuditEntry.objects.get(action="dossiers.package_imported")
    assert entry.data["signer"] == package.signer


def test_a_manifest_rewritten_after_signing_is_refused(
    agency_key, closed_dossier, person, tyt, tyt_archivist, eager, django_capture_on_commit_callbacks
):
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if n.startswith("originals/") and n.endswith(".pdf"))
        data, manifest = zf.read(member), zf.read(MANIFEST).decode()
    forged = data.replace(b"%%EOF", b"%%EOF\n% forged", 1)
    manifest = manifest.replace(hashlib.sha256(data).hexdigest(), hashlib.sha256(forged).hexdigest())
    bad = rewritten(path, eager / "forged.zip", change={member: forged, MANIFEST: manifest.encode()})
    before = counts()
    with pytest.raises(ValidationFailed, match="bảng kê đã bị thay đổi sau khi ký") as refused:
        package_import(actor=tyt_archivist, agency=tyt, path=bad)
    assert refused.value.code == ErrorCode.PACKAGE_SIGNATURE
    assert counts() == before
    assert AuditEntry.objects.filter(action="dossiers.package_refused").count() == 1


def test_a_signature_made_with_another_key_is_refused(
    agency_key, closed_dossier, person, tyt, tyt_archivist, eager, django_capture_on_commit_callbacks
):
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(path) as zf:
        manifest = zf.read(MANIFEST)
    # the agency's certificate, but the signature made by another key
    other_key, _other_cert = key_and_cert("Kẻ giả mạo")
    from asn1crypto import cms

    signer = package_signer(None)
    assert signer is not None  # QLVB_PACKAGE_KEY_FILE
    genuine = cms.ContentInfo.load(manifest_sign(manifest, signer))
    forged_by = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest)
        .add_signer(_other_cert, other_key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )
    forged = cms.ContentInfo.load(forged_by)
    genuine["content"]["signer_infos"][0]["signature"] = forged["content"]["signer_infos"][0]["signature"]
    genuine["content"]["signer_infos"][0]["signed_attrs"] = forged["content"]["signer_infos"][0]["signed_attrs"]
    bad = rewritten(path, eager / "wrong-key.zip", change={SIGNATURE: genuine.dump(force=True)})
    before = counts()
    with pytest.raises(ValidationFailed, match="sai khóa") as refused:
        package_import(actor=tyt_archivist, agency=tyt, path=bad)
    assert refused.value.code == ErrorCode.PACKAGE_SIGNATURE and counts() == before
    # garbage in place of the signature: refused as unreadable
    junk = rewritten(path, eager / "junk.zip", change={SIGNATURE: b"not a CMS"})
    with pytest.raises(ValidationFailed, match="không đọc được tệp chữ ký"):
        package_import(actor=tyt_archivist, agency=tyt, path=junk)
    assert counts() == before


def test_a_missing_signature_is_refused_only_where_required(
    closed_dossier, person, tyt, tyt_archivist, settings, django_capture_on_commit_callbacks
):
    settings.QLVB_PACKAGE_KEY_FILE = ""  # and the demo agency has no signing profile in the tests: unsigned
    package = built(person("dothanhhuong"), closed_dossier, django_capture_on_commit_callbacks)
    assert package.state == PackageState.DONE and package.signer == ""
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(path) as zf:
        assert SIGNATURE not in zf.namelist()
    settings.QLVB_PACKAGE_REQUIRE_SIGNATURE = True
    before = counts()
    with pytest.raises(ValidationFailed, match="không có chữ ký số") as refused:
        package_import(actor=tyt_archivist, agency=tyt, path=path)
    assert refused.value.code == ErrorCode.PACKAGE_UNSIGNED and counts() == before
    settings.QLVB_PACKAGE_REQUIRE_SIGNATURE = False
    result = package_import(actor=tyt_archivist, agency=tyt, path=path)
    assert result.signature is None and len(result.created) == 1
    assert set(PackageImportRecord.objects.filter(agency=tyt).values_list("signer", flat=True)) == {""}


def test_without_a_key_file_the_agency_seal_key_signs(ubnd, settings):
    """The fallback: the agency's PKCS#12 signing profile (what ``qlvb demo`` creates), opened with the
    demo password; an EC key works as well as RSA."""
    from qlvb.signing.models import SigningProfile

    settings.QLVB_PACKAGE_KEY_FILE = ""
    assert package_signer(ubnd) is None
    key, cert = key_and_cert("UBND xã Liên Minh (con dấu)", curve=True)
    p12 = pkcs12.serialize_key_and_certificates(
        b"seal",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(settings.QLVB_DEMO_PASSWORD.encode()),
    )
    SigningProfile.objects.create(agency=ubnd, method="pkcs12", pkcs12_data=p12, pkcs12_name="seal.p12")
    signer = package_signer(ubnd)
    assert signer is not None and signer.source == "agency"
    manifest = b"0" * 64 + b"  metadata.xml\n"
    info = signature_verify(manifest, manifest_sign(manifest, signer))
    assert info.subject == "UBND xã Liên Minh (con dấu), Thử nghiệm"
    # a wrong password: the package is written unsigned rather than failing
    settings.QLVB_PACKAGE_KEY_PASSWORD = "sai-mat-khau"
    assert package_signer(ubnd) is None


def test_the_import_page_shows_who_signed(
    agency_key, closed_dossier, person, tyt_archivist, page_as, django_capture_on_commit_callbacks
):
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    client = page_as(tyt_archivist)
    with path.open("rb") as fh:
        response = client.post("/ho-so/nhap-goi/", {"package": fh}, follow=True)
    text = response.content.decode()
    assert response.status_code == 200
    # a self-signed key: the signature is right, its certificate chains to no trust anchor — said, imported (not
    # required here); trusted and revoked signers: test_package_signer_trust.py
    assert "Chữ ký danh mục: đúng về kỹ thuật, nhưng chứng thư người ký KHÔNG được tin cậy" in text
    assert "UBND xã Liên Minh (khóa gói hồ sơ), Thử nghiệm" in text


def test_the_api_names_the_signer_and_refuses_a_forged_manifest(
    agency_key, closed_dossier, person, tyt_archivist, api_as, eager, django_capture_on_commit_callbacks
):
    package = built(person("dothanhhuong"), closed_dossier, django_capture_on_commit_callbacks)
    shown = api_as("dothanhhuong").get(f"/api/v1/dossiers/packages/{package.pk}").json()
    assert shown["signer"] == package.signer and shown["signer_cert_sha256"] == package.signer_cert_sha256
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(path) as zf:
        manifest = zf.read(MANIFEST)
    forged = rewritten(path, eager / "forged.zip", change={MANIFEST: manifest + manifest[:71]})
    client = api_as(tyt_archivist)
    with forged.open("rb") as fh:
        refused = client.post("/api/v1/dossiers/packages/import", {"package": fh})
    assert refused.status_code == 422 and refused.json()["code"] == ErrorCode.PACKAGE_SIGNATURE
    with path.open("rb") as fh:
        imported = client.post("/api/v1/dossiers/packages/import", {"package": fh})
    assert imported.status_code == 200, imported.content
    assert imported.json()["signer"] == package.signer
