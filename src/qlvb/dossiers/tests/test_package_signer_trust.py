"""The signer of a package's manifest is checked against this deployment's trust anchors and for revocation
(OCSP/CRL), through the same pyHanko validation context as the PDF signatures, against the test PKI served on
127.0.0.1 (certomancer): a revoked signer is refused with the reason in Vietnamese and nothing written; a signer
from an unknown CA is refused where signatures are required, imported and flagged elsewhere; a trusted one is
recorded as such; when no OCSP/CRL answer can be had, the import says so."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qlvb.core.errors import ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.dossiers.errors import ErrorCode
from qlvb.dossiers.package_import import package_import
from qlvb.dossiers.package_models import DossierPackage, PackageImportRecord, PackageState
from qlvb.dossiers.package_signature import SIGNATURE, _from_pkcs12, manifest_sign
from qlvb.signing.tests.conftest import pki, signing_settings
from qlvb.signing.tests.pki import AGENCY, ARCH, FOREIGN, FOREIGN_ARCH, P12_PASSWORD, REVOKED

from . import test_package
from .test_package import package_file
from .test_package_signature import MANIFEST, counts, rewritten

closed_dossier, eager, tyt_archivist = test_package.closed_dossier, test_package.eager, test_package.tyt_archivist
__all__ = ["pki", "signing_settings"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_with(settings, signing_settings):
    """``sign_with(label, arch)``: the packages are signed with that test PKI certificate's PKCS#12."""

    def use(label: str, arch: str = ARCH) -> None:
        settings.QLVB_PACKAGE_KEY_FILE = str(signing_settings.p12(label, arch))
        settings.QLVB_PACKAGE_CERT_FILE = ""
        settings.QLVB_PACKAGE_KEY_PASSWORD = P12_PASSWORD

    return use


_UNSIGNED: dict[str, bytes] = {}  # one package built per process (the PDF/A renditions take seconds each)


def unsigned_package(request, settings, eager) -> tuple[Path, bytes]:
    """A copy of the unsigned package of a closed dossier (built once) and its manifest's bytes."""
    if "zip" not in _UNSIGNED:
        settings.QLVB_PACKAGE_KEY_FILE = ""  # the demo agency has no signing profile in the tests
        dossier, person = request.getfixturevalue("closed_dossier"), request.getfixturevalue("person")
        capture = request.getfixturevalue("django_capture_on_commit_callbacks")
        _UNSIGNED["zip"] = package_file(dossier, person, capture).read_bytes()
    unsigned = eager / "unsigned.zip"
    unsigned.write_bytes(_UNSIGNED["zip"])
    with zipfile.ZipFile(unsigned) as zf:
        return unsigned, zf.read(MANIFEST)


@pytest.fixture
def signed_by(request, settings, signing_settings, eager):
    """``signed_by(label, arch)`` → the path of the module's package with its manifest signed by that test PKI
    certificate, as the exporting deployment would have signed it."""

    def make(label: str, arch: str = ARCH) -> Path:
        unsigned, manifest = unsigned_package(request, settings, eager)
        p12 = signing_settings.p12(label, arch).read_bytes()
        signature = manifest_sign(manifest, _from_pkcs12(p12, P12_PASSWORD.encode(), "test"))
        return rewritten(unsigned, eager / f"{arch}-{label}.zip", change={SIGNATURE: signature})

    return make


def test_a_trusted_signer_is_imported_and_recorded_as_trusted(
    sign_with, closed_dossier, person, tyt, tyt_archivist, django_capture_on_commit_callbacks
):
    sign_with(AGENCY)  # signed by the export itself, then imported
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    package = DossierPackage.objects.get()
    assert package.state == PackageState.DONE and package.signer == "UBND xã Liên Minh"
    result = package_import(actor=tyt_archivist, agency=tyt, path=path)
    sig = result.signature
    assert sig is not None and sig.trust == "trusted"
    assert "Root CA chuyên dùng thử nghiệm" in sig.trust_note and "chưa bị thu hồi" in sig.trust_note
    assert set(PackageImportRecord.objects.filter(agency=tyt).values_list("signer_trust", flat=True)) == {"trusted"}
    entry = AuditEntry.objects.get(action="dossiers.package_imported")
    assert entry.data["signer_trust"] == "trusted"


def test_a_revoked_signer_is_refused_and_nothing_written(signed_by, tyt, tyt_archivist, settings):
    path = signed_by(REVOKED)
    before = counts()
    for required in (False, True):  # refused whatever the setting: the key is known compromised
        settings.QLVB_PACKAGE_REQUIRE_SIGNATURE = required
        with pytest.raises(ValidationFailed, match="đã bị thu hồi từ ngày") as refused:
            package_import(actor=tyt_archivist, agency=tyt, path=path)
        assert refused.value.code == ErrorCode.PACKAGE_SIGNER_REVOKED
        assert "Trần Thị Bình" in refused.value.message and "Không nhập gì" in refused.value.message
    assert counts() == before
    assert AuditEntry.objects.filter(action="dossiers.package_refused").count() == 2


def test_a_signer_of_an_unknown_ca_is_refused_where_required_and_flagged_elsewhere(
    signed_by, tyt, tyt_archivist, settings
):
    path = signed_by(FOREIGN, FOREIGN_ARCH)
    settings.QLVB_PACKAGE_REQUIRE_SIGNATURE = True
    before = counts()
    with pytest.raises(ValidationFailed, match="không dẫn tới chứng thư gốc nào đã cấu hình tin cậy") as refused:
        package_import(actor=tyt_archivist, agency=tyt, path=path)
    assert refused.value.code == ErrorCode.PACKAGE_SIGNER_UNTRUSTED and counts() == before
    settings.QLVB_PACKAGE_REQUIRE_SIGNATURE = False
    result = package_import(actor=tyt_archivist, agency=tyt, path=path)
    assert result.signature is not None and result.signature.trust == "untrusted" and len(result.created) == 1
    assert "Root CA không được tin cậy" in result.signature.trust_note
    assert set(PackageImportRecord.objects.filter(agency=tyt).values_list("signer_trust", flat=True)) == {"untrusted"}


def test_without_an_ocsp_or_crl_answer_the_import_says_revocation_is_unknown(signed_by, tyt, tyt_archivist, settings):
    path = signed_by(AGENCY)
    settings.QLVB_VERIFY_FETCH = "0"  # offline: the responders are not asked, the package embeds no answer
    result = package_import(actor=tyt_archivist, agency=tyt, path=path)
    assert result.signature is not None and result.signature.trust == "revocation_unknown"
    assert "chưa xác định được tình trạng thu hồi" in result.signature.trust_note


def test_the_import_page_shows_a_revoked_or_untrusted_signer_in_vietnamese(signed_by, tyt_archivist, page_as):
    client = page_as(tyt_archivist)
    with signed_by(REVOKED).open("rb") as fh:
        text = client.post("/ho-so/nhap-goi/", {"package": fh}, follow=True).content.decode()
    assert "Gói hồ sơ bị từ chối: Chứng thư số của người ký bảng kê đã bị thu hồi từ ngày" in text
    assert 'data-qlvb="package-import-report"' not in text  # nothing imported, no report
    with signed_by(FOREIGN, FOREIGN_ARCH).open("rb") as fh:
        text = client.post("/ho-so/nhap-goi/", {"package": fh}, follow=True).content.decode()
    assert 'data-trust="untrusted"' in text
    assert "chứng thư người ký KHÔNG được tin cậy" in text and "Phạm Văn Dũng" in text
    assert "không dẫn tới chứng thư gốc nào đã cấu hình tin cậy" in text


def test_the_api_answers_the_trust_and_refuses_a_revoked_signer(signed_by, tyt_archivist, api_as):
    client = api_as(tyt_archivist)
    with signed_by(REVOKED).open("rb") as fh:
        refused = client.post("/api/v1/dossiers/packages/import", {"package": fh})
    assert refused.status_code == 422 and refused.json()["code"] == ErrorCode.PACKAGE_SIGNER_REVOKED
    with signed_by(AGENCY).open("rb") as fh:
        imported = client.post("/api/v1/dossiers/packages/import", {"package": fh})
    assert imported.status_code == 200, imported.content
    assert imported.json()["signer_trust"] == "trusted" and "OCSP/CRL" in imported.json()["signer_trust_note"]
