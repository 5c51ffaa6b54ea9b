"""The test PKI (root, intermediate, personal/agency/revoked/expired certificates, an unknown CA),
served over real HTTP on 127.0.0.1 for the whole session: OCSP, CRL, certificates, a timestamp
authority, and a CSC remote-signing service; and a SoftHSM2 token holding the personal key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qlvb.signing.keys import CscKey, Pkcs11Key, Pkcs12Key
from qlvb.signing.tests import samples
from qlvb.signing.tests.pki import (
    AGENCY,
    ARCH,
    EXPIRED,
    P12_PASSWORD,
    PERSONAL,
    REVOKED,
    TestPKI,
    start_test_pki,
)
from qlvb.signing.tests.pki.softhsm import SoftHsmToken, init_softhsm, softhsm_module


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPKI]:
    running = start_test_pki(tmp_path_factory.mktemp("pki"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def softhsm(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    if softhsm_module() is None:
        pytest.fail("SoftHSM2 is required (apt-get install softhsm2; listed in scripts/packages-test.txt)")
    return init_softhsm(
        tmp_path_factory.mktemp("softhsm"),
        [(label, pki.key_pem(label), pki.cert(label)) for label in (PERSONAL, AGENCY)],
        ca_certs=[("interm", pki.cert("interm"))],
    )


@pytest.fixture
def signing_settings(settings, pki: TestPKI) -> TestPKI:
    """Trust the test root; timestamps from the test TSA."""
    settings.QLVB_TRUST_ANCHORS_DIR = str(pki.anchors_dir())
    settings.QLVB_TSA_URL = pki.tsa_url
    settings.QLVB_VERIFY_FETCH = "1"
    # What a profile may point at: the test PKI's folder of PKCS#12 files, the test CSC service.
    settings.QLVB_PKCS12_DIR = str(pki.workdir)
    settings.QLVB_CSC_SERVICES = [pki.csc_url, "https://ca.example.vn/csc"]
    return pki


@pytest.fixture
def personal_key(signing_settings: TestPKI) -> Pkcs12Key:
    return Pkcs12Key(str(signing_settings.p12(PERSONAL)))


@pytest.fixture
def agency_key(signing_settings: TestPKI) -> Pkcs12Key:
    return Pkcs12Key(str(signing_settings.p12(AGENCY)))


@pytest.fixture
def revoked_key(signing_settings: TestPKI) -> Pkcs12Key:
    return Pkcs12Key(str(signing_settings.p12(REVOKED)))


@pytest.fixture
def expired_key(signing_settings: TestPKI) -> Pkcs12Key:
    return Pkcs12Key(str(signing_settings.p12(EXPIRED)))


@pytest.fixture
def hsm_key(signing_settings: TestPKI, softhsm: SoftHsmToken) -> Pkcs11Key:
    return Pkcs11Key(module=softhsm.module, token_label=softhsm.label, key_label=PERSONAL)


@pytest.fixture
def csc_key(signing_settings: TestPKI) -> CscKey:
    return CscKey(service_url=signing_settings.csc_url, credential_id=f"{ARCH}/{PERSONAL}")


@pytest.fixture(scope="session")
def decision() -> bytes:
    return samples.decision_pdf(2)


@pytest.fixture(scope="session")
def signature_image() -> bytes:
    return samples.signature_png()


@pytest.fixture(scope="session")
def seal_image() -> bytes:
    return samples.seal_png()


PIN = P12_PASSWORD
__all__ = ["PIN", "Path"]


@pytest.fixture
def web_settings(settings, signing_settings: TestPKI, tmp_path: Path) -> TestPKI:
    """Uploads stored in a temporary folder; offline verification is not forced (the test PKI serves
    OCSP/CRL on loopback)."""
    settings.FILES_DIR = tmp_path / "files"
    upload_tmp = tmp_path / "upload-tmp"
    upload_tmp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(upload_tmp)
    return signing_settings


@pytest.fixture
def signed_pdf(personal_key: Pkcs12Key, decision: bytes, signature_image: bytes) -> bytes:
    """The Quyết định with Nguyễn Văn Hùng's personal signature (B-LT with the test PKI)."""
    from qlvb.signing.pdfsign import pdf_sign_personal

    return pdf_sign_personal(pdf=decision, key=personal_key, pin=PIN, image_png=signature_image).pdf


@pytest.fixture
def altered_pdf(signed_pdf: bytes) -> bytes:
    """The signed file with one byte changed inside the signed range."""
    data = bytearray(signed_pdf)
    marker = data.index(b"%", 5)  # the binary comment on line 2, inside the first signed range
    data[marker + 1] ^= 0x01
    return bytes(data)


def jpeg_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (500, 200), (20, 40, 200)).save(out, format="JPEG")
    return out.getvalue()
