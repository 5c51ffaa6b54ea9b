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
def signing_settings(settings, pki: TestPKI) -> TestPKI:  # type: ignore[no-untyped-def]
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
