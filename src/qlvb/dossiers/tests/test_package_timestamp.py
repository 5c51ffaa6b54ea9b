"""The export package's manifest signature carries an RFC 3161 timestamp from the configured TSA (the signing
tests' certomancer TSA served on 127.0.0.1), and the import judges the signer's certificate at the time a trusted
timestamp proves: a certificate revoked or expired *after* the timestamp still vouches for the package (TT
41/2017, as for a timestamped PDF), one revoked before it does not, and a token that is not over this signature
counts for nothing. A TSA that does not answer leaves the package signed without a time."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from certomancer.integrations._animator_shared import FAKE_TIME_HEADER
from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

from qlvb.core.coroutines import run_sync
from qlvb.core.errors import ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.dossiers.errors import ErrorCode
from qlvb.dossiers.package_import import package_import
from qlvb.dossiers.package_models import DossierPackage, PackageImportRecord
from qlvb.dossiers.package_signature import (
    SIGNATURE,
    _from_pkcs12,
    manifest_sign,
    signature_imprint,
    signature_verify,
    timestamp_time,
    token_attach,
)
from qlvb.signing.tests.conftest import pki, signing_settings
from qlvb.signing.tests.pki import AGENCY, ARCH, EXPIRED, P12_PASSWORD, REVOKED

from . import test_package
from .test_package import package_file
from .test_package_signature import MANIFEST, counts, rewritten
from .test_package_signer_trust import unsigned_package

closed_dossier, eager, tyt_archivist = test_package.closed_dossier, test_package.eager, test_package.tyt_archivist
__all__ = ["pki", "signing_settings"]

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)


@pytest.fixture
def stamped_by(request, settings, signing_settings, eager):
    """``stamped_by(label, at, imprint=None)`` → the module's package, its manifest signed by that test PKI
    certificate and timestamped by the test TSA as of ``at`` (certomancer's fake time), over ``imprint`` (by
    default the signature's own, as an exporting deployment does)."""

    def make(label: str, at: datetime, imprint: bytes | None = None) -> Path:
        unsigned, manifest = unsigned_package(request, settings, eager)
        signer = _from_pkcs12(signing_settings.p12(label, ARCH).read_bytes(), P12_PASSWORD.encode(), "test")
        signature = manifest_sign(manifest, signer, tsa_url="")
        stamper = HTTPTimeStamper(signing_settings.tsa_url, headers={FAKE_TIME_HEADER: at.isoformat()})
        token = run_sync(stamper.async_timestamp(imprint or signature_imprint(signature), "sha256"))
        stamped = token_attach(signature, token)
        return rewritten(unsigned, eager / f"{label}-{at:%Y%m%d}.zip", change={SIGNATURE: stamped})

    return make


@pytest.fixture
def sign_with_agency_key(settings, signing_settings):
    settings.QLVB_PACKAGE_KEY_FILE = str(signing_settings.p12(AGENCY, ARCH))
    settings.QLVB_PACKAGE_CERT_FILE = ""
    settings.QLVB_PACKAGE_KEY_PASSWORD = P12_PASSWORD


def _near_now(moment: datetime | None) -> bool:
    return moment is not None and abs((moment - datetime.now(UTC)).total_seconds()) < 300


def test_an_exported_package_is_timestamped_and_the_import_records_the_proven_time(
    sign_with_agency_key, closed_dossier, person, tyt, tyt_archivist, django_capture_on_commit_callbacks, page_as
):
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    package = DossierPackage.objects.get()
    assert package.signed_at is not None and _near_now(package.signed_at)
    built = AuditEntry.objects.get(action="dossiers.package_built")
    assert built.data["signed_at"] == package.signed_at.isoformat()
    with zipfile.ZipFile(path) as zf:
        manifest, signature = zf.read(MANIFEST), zf.read(SIGNATURE)
    assert timestamp_time(signature) == package.signed_at
    assert signature_verify(manifest, signature).subject == "UBND xã Liên Minh"  # the token left the signature valid
    box = page_as(person("dothanhhuong")).get(f"/ho-so/{closed_dossier.pk}/").content.decode()
    assert 'data-qlvb="package-signed-at"' in box and "không có dấu thời gian" not in box

    result = package_import(actor=tyt_archivist, agency=tyt, path=path)
    sig = result.signature
    assert sig is not None and sig.trust == "trusted" and sig.timestamp is not None and _near_now(sig.timestamp)
    assert "Bảng kê được ký trước" in sig.trust_note
    records = PackageImportRecord.objects.filter(agency=tyt)
    assert records.exists() and all(_near_now(r.signed_at) for r in records)
    imported = AuditEntry.objects.get(action="dossiers.package_imported")
    assert imported.data["signed_at"] == sig.timestamp.isoformat()


def test_a_signer_revoked_after_the_timestamp_still_vouches_for_the_package(stamped_by, tyt, tyt_archivist):
    signed_at = NOW - timedelta(days=20)  # the test PKI revoked the certificate 10 days ago
    result = package_import(actor=tyt_archivist, agency=tyt, path=stamped_by(REVOKED, signed_at))
    sig = result.signature
    assert sig is not None and sig.trust == "trusted", sig and sig.trust_note
    assert sig.subject.startswith("Trần Thị Bình") and len(result.created) == 1
    assert "vào thời điểm ký theo dấu thời gian" in sig.trust_note
    assert sig.timestamp is not None and abs(sig.timestamp - signed_at) < timedelta(seconds=5)


def test_a_signer_revoked_before_the_timestamp_is_refused(stamped_by, tyt, tyt_archivist):
    path = stamped_by(REVOKED, NOW - timedelta(days=2))  # revoked 10 days ago: the timestamp proves nothing useful
    before = counts()
    with pytest.raises(ValidationFailed, match="đã bị thu hồi từ ngày") as refused:
        package_import(actor=tyt_archivist, agency=tyt, path=path)
    assert refused.value.code == ErrorCode.PACKAGE_SIGNER_REVOKED and counts() == before


def test_an_expired_certificate_is_judged_at_the_timestamp(stamped_by, tyt, tyt_archivist, settings):
    """The archive's usual case: the package is kept for years, the signer's certificate expires meanwhile."""
    settings.QLVB_PACKAGE_REQUIRE_SIGNATURE = True  # an untrusted signer would be refused
    result = package_import(actor=tyt_archivist, agency=tyt, path=stamped_by(EXPIRED, NOW - timedelta(days=2 * 365)))
    sig = result.signature
    assert sig is not None and sig.trust == "trusted", sig and sig.trust_note
    assert "Lê Văn Cường" in sig.subject and "vào thời điểm ký theo dấu thời gian" in sig.trust_note


def test_a_token_over_something_else_counts_for_nothing(stamped_by, tyt, tyt_archivist, settings):
    """A token cut from another signature: its imprint is not this signature's, so no time is proven and the
    expired certificate is judged now."""
    settings.QLVB_PACKAGE_REQUIRE_SIGNATURE = False
    other = hashlib.sha256(b"another signature").digest()
    result = package_import(
        actor=tyt_archivist, agency=tyt, path=stamped_by(EXPIRED, NOW - timedelta(days=2 * 365), imprint=other)
    )
    sig = result.signature
    assert sig is not None and sig.trust == "untrusted" and sig.timestamp is None
    assert "đã hết hạn" in sig.trust_note and "Dấu thời gian kèm chữ ký không hợp lệ" in sig.trust_note


def test_a_tsa_that_does_not_answer_leaves_the_package_signed_without_a_time(
    sign_with_agency_key, settings, closed_dossier, person, django_capture_on_commit_callbacks, page_as
):
    settings.QLVB_TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens there
    settings.QLVB_SIGNING_FETCH_TIMEOUT = "2"
    path = package_file(closed_dossier, person, django_capture_on_commit_callbacks)
    package = DossierPackage.objects.get()
    assert package.signer == "UBND xã Liên Minh" and package.signed_at is None
    with zipfile.ZipFile(path) as zf:
        assert timestamp_time(zf.read(SIGNATURE)) is None
        assert signature_verify(zf.read(MANIFEST), zf.read(SIGNATURE)).subject == "UBND xã Liên Minh"
    box = page_as(person("dothanhhuong")).get(f"/ho-so/{closed_dossier.pk}/").content.decode()
    assert "không có dấu thời gian" in box


def test_the_import_page_and_the_api_show_the_proven_time(stamped_by, tyt_archivist, page_as, api_as):
    signed_at = NOW - timedelta(days=20)
    path = stamped_by(REVOKED, signed_at)
    with path.open("rb") as fh:
        text = page_as(tyt_archivist).post("/ho-so/nhap-goi/", {"package": fh}, follow=True).content.decode()
    assert 'data-qlvb="package-signed-at"' in text and "Thời điểm ký theo dấu thời gian" in text
    assert f"{signed_at.astimezone(ZoneInfo('Asia/Ho_Chi_Minh')):%d/%m/%Y %H:%M}" in text  # Vietnam time
    with path.open("rb") as fh:
        answer = api_as(tyt_archivist).post("/api/v1/dossiers/packages/import", {"package": fh})
    assert answer.status_code == 200, answer.content
    when = datetime.fromisoformat(answer.json()["signer_signed_at"])
    assert abs(when - signed_at) < timedelta(seconds=5)
