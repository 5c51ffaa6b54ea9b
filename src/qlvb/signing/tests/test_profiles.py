"""Each user picks a signing method and uploads a signature image; the agency's profile holds its
key and seal. A user manages his own; the administrator manages the agency's and others'."""

from __future__ import annotations

import pytest

from qlvb.core.audit import AuditEntry
from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.signing import pdfsign
from qlvb.signing.keys import KeyMethod, Pkcs11Key, Pkcs12Key, SigningRefused
from qlvb.signing.models import SigningProfile
from qlvb.signing.profiles import signing_image_upload, signing_profile_save
from qlvb.signing.tests import samples
from qlvb.signing.tests.pki import AGENCY, P12_PASSWORD, PERSONAL
from qlvb.signing.verify import verify_pdf


def test_user_sets_his_own_method_and_image_then_signs_with_it(person, signing_settings):
    hung = person("nguyenvanhung")
    profile = signing_profile_save(
        actor=hung, user=hung, method=KeyMethod.PKCS12, pkcs12_path=str(signing_settings.p12(PERSONAL))
    )
    signing_image_upload(actor=hung, profile=profile, data=samples.signature_png())
    profile.refresh_from_db()
    assert isinstance(profile.key(), Pkcs12Key)
    assert AuditEntry.objects.filter(action="signing.image_uploaded").count() == 1
    result = pdfsign.pdf_sign_personal(
        pdf=samples.decision_pdf(1), key=profile.key(), pin=P12_PASSWORD, image_png=bytes(profile.image_png)
    )
    assert verify_pdf(result.pdf)["verdict"] == "valid"


def test_admin_sets_the_agency_token_and_seal(person, signing_settings, softhsm):
    admin = person("tranthilan")
    agency = admin.unit.agency
    profile = signing_profile_save(
        actor=admin,
        agency=agency,
        method=KeyMethod.PKCS11,
        pkcs11_module=softhsm.module,
        pkcs11_token_label=softhsm.label,
        pkcs11_key_label=AGENCY,
    )
    signing_image_upload(actor=admin, profile=profile, data=samples.seal_png(), width_mm=36)
    key = profile.key()
    assert isinstance(key, Pkcs11Key) and key.key_label == AGENCY
    assert profile.image_width_mm == 36
    with pytest.raises(ValidationFailed, match="gần vuông"):
        signing_image_upload(actor=admin, profile=profile, data=samples.signature_png())


def test_others_may_not_change_a_users_profile(person, signing_settings):
    hung, clerk, officer = person("nguyenvanhung"), person("lethuha"), person("dothanhhuong")
    with pytest.raises(PermissionDenied):
        signing_profile_save(
            actor=clerk,
            user=hung,
            method=KeyMethod.CSC,
            csc_service_url="https://ca.example.vn/csc",
            csc_credential_id="x",
        )
    with pytest.raises(PermissionDenied):
        signing_profile_save(actor=officer, agency=officer.unit.agency, method=KeyMethod.PKCS12, pkcs12_path="ubnd.p12")


def test_the_clerk_keeps_the_agency_key_and_seal(person, signing_settings):
    """NĐ 30 Điều 33: the clerk (văn thư) keeps the seal and the agency's signing key device."""
    clerk = person("lethuha")
    agency = clerk.unit.agency
    profile = signing_profile_save(
        actor=clerk, agency=agency, method=KeyMethod.PKCS12, pkcs12_path=signing_settings.p12(AGENCY).name
    )
    assert profile.pkcs12_path == str(signing_settings.p12(AGENCY).resolve())
    signing_image_upload(actor=clerk, agency=agency, data=samples.seal_png(), width_mm=38)
    profile.refresh_from_db()
    assert profile.image_width_mm == 38 and bytes(profile.image_png) == samples.seal_png()


def test_a_profile_points_only_at_what_the_server_allows(person, signing_settings, tmp_path):
    """A user picks his method himself: the server loads no file and calls no address he typed."""
    hung = person("nguyenvanhung")
    elsewhere = tmp_path / "khac.p12"
    elsewhere.write_bytes(signing_settings.p12(PERSONAL).read_bytes())
    for path in (str(elsewhere), "../../etc/passwd", "khong-co.p12"):
        with pytest.raises(ValidationFailed, match="PKCS#12"):
            signing_profile_save(actor=hung, user=hung, method=KeyMethod.PKCS12, pkcs12_path=path)
    with pytest.raises(ValidationFailed, match="Thư viện PKCS#11"):
        signing_profile_save(
            actor=hung,
            user=hung,
            method=KeyMethod.PKCS11,
            pkcs11_module=str(tmp_path / "evil.so"),
            pkcs11_token_label="t",
            pkcs11_key_label="k",
        )
    with pytest.raises(ValidationFailed, match="ký số từ xa"):
        signing_profile_save(
            actor=hung,
            user=hung,
            method=KeyMethod.CSC,
            csc_service_url="http://169.254.169.254/",
            csc_credential_id="x",
        )
    assert not SigningProfile.objects.filter(user=hung).exists()


def test_an_image_before_a_method_leaves_the_method_to_choose(person, signing_settings):
    hung = person("nguyenvanhung")
    profile = signing_image_upload(actor=hung, user=hung, data=samples.signature_png())
    with pytest.raises(SigningRefused, match="Chưa chọn phương thức"):
        profile.key()


def test_missing_settings_and_bad_images_are_refused(person, signing_settings):
    hung = person("nguyenvanhung")
    with pytest.raises(ValidationFailed, match="Thiếu thông tin"):
        signing_profile_save(actor=hung, user=hung, method=KeyMethod.PKCS11, pkcs11_module="/lib.so")
    profile = signing_profile_save(
        actor=hung,
        user=hung,
        method=KeyMethod.CSC,
        csc_service_url="https://ca.example.vn/csc",
        csc_credential_id="hung",
    )
    with pytest.raises(ValidationFailed, match="nền trong suốt"):
        signing_image_upload(actor=hung, profile=profile, data=samples.opaque_png())
