"""One interface, three places a key lives; wrong PINs and unusable certificates are refused with
a message the signer understands."""

from __future__ import annotations

import pytest

from qlvb.signing import pdfsign
from qlvb.signing.keys import CscKey, Pkcs11Key, Pkcs12Key, SigningRefused
from qlvb.signing.tests.pki import ARCH, FOREIGN, FOREIGN_ARCH, P12_PASSWORD, TestPKI
from qlvb.signing.verify import verify_pdf

PIN = P12_PASSWORD


def _sign(key, pin, decision, signature_image):
    return pdfsign.pdf_sign_personal(pdf=decision, key=key, pin=pin, image_png=signature_image)


def test_pkcs12_key_signs_a_valid_pades_signature(personal_key, decision, signature_image):
    result = _sign(personal_key, PIN, decision, signature_image)
    assert result.signer["ten"] == "Nguyễn Văn Hùng"
    assert result.signer["to_chuc"] == "UBND xã Liên Minh"
    assert verify_pdf(result.pdf)["verdict"] == "valid"


def test_softhsm_token_signs(hsm_key, softhsm, decision, signature_image):
    result = _sign(hsm_key, softhsm.pin, decision, signature_image)
    report = verify_pdf(result.pdf)
    assert report["verdict"] == "valid", report["reasons"]
    assert report["signatures"][0]["signer"]["ten"] == "Nguyễn Văn Hùng"


def test_remote_csc_service_signs(csc_key, decision, signature_image):
    result = _sign(csc_key, "", decision, signature_image)
    assert verify_pdf(result.pdf)["verdict"] == "valid"


@pytest.mark.parametrize("kind", ["pkcs12", "pkcs11"])
def test_wrong_pin_is_refused(kind, personal_key, hsm_key, decision, signature_image):
    key = personal_key if kind == "pkcs12" else hsm_key
    with pytest.raises(SigningRefused) as refused:
        _sign(key, "000000", decision, signature_image)
    assert refused.value.code == "wrong_pin"
    assert refused.value.message.startswith("Mã PIN hoặc mật khẩu của khóa bí mật không đúng.")


def test_missing_token_is_refused(signing_settings, softhsm, decision, signature_image):
    key = Pkcs11Key(module=softhsm.module, token_label="khong-co", key_label="hung")
    with pytest.raises(SigningRefused, match="Không tìm thấy thiết bị lưu khóa"):
        _sign(key, softhsm.pin, decision, signature_image)


def test_unknown_csc_credential_is_refused(signing_settings, decision, signature_image):
    key = CscKey(service_url=signing_settings.csc_url, credential_id=f"{ARCH}/khong-co")
    with pytest.raises(SigningRefused) as refused:
        _sign(key, "", decision, signature_image)
    assert refused.value.code == "csc_credential"


def test_expired_certificate_is_refused(expired_key, decision, signature_image):
    with pytest.raises(SigningRefused) as refused:
        _sign(expired_key, PIN, decision, signature_image)
    assert refused.value.code == "cert_expired"
    assert "Lê Văn Cường đã hết hạn ngày" in refused.value.message


def test_revoked_certificate_is_refused(revoked_key, decision, signature_image):
    with pytest.raises(SigningRefused) as refused:
        _sign(revoked_key, PIN, decision, signature_image)
    assert refused.value.code == "cert_revoked"
    assert refused.value.message == "Chứng thư số của Trần Thị Bình đã bị thu hồi; không thể ký."


def test_certificate_of_an_untrusted_ca_is_refused(signing_settings: TestPKI, decision, signature_image):
    key = Pkcs12Key(str(signing_settings.p12(FOREIGN, arch=FOREIGN_ARCH)))
    with pytest.raises(SigningRefused) as refused:
        _sign(key, PIN, decision, signature_image)
    assert refused.value.code == "cert_untrusted"
