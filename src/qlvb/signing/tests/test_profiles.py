"""Each user picks a signing method and uploads a signature image; the agency's profile holds its
key and seal. A user manages his own; the administrator manages the agency's and others'."""

from __future__ import annotations

import pytest

from qlvb.core.audit import AuditEntry
from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.signing import services
from qlvb.signing.keys import KeyMethod, Pkcs11Key, Pkcs12Key
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
    result = services.pdf_sign_personal(
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
    hung, clerk = person("nguyenvanhung"), person("lethuha")
    with pytest.raises(PermissionDenied):
        signing_profile_save(
            actor=clerk,
            user=hung,
            method=KeyMethod.CSC,
            csc_service_url="https://ca.example.vn/csc",
            csc_credential_id="x",
        )
    with pytest.raises(PermissionDenied):
        signing_profile_save(actor=clerk, agency=clerk.unit.agency, method=KeyMethod.PKCS12, pkcs12_path="/k.p12")


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
