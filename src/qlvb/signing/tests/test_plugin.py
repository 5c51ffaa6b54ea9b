"""USB token at the signer's desk (issue 8): the server prepares the signature, the local plug-in
signs the hash, the server embeds it and verifies. The plug-in is a stand-in HTTP server speaking the
protocol of docs/signing.md; the test plays the page's script (HTTP to the plug-in, then to the API)."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qlvb.signing.models import PluginSigning, SignatureReport
from qlvb.signing.tests import samples
from qlvb.signing.tests.pki import AGENCY, P12_PASSWORD, PERSONAL, TestPKI
from qlvb.signing.tests.plugin_standin import PREFIX, StandIn, plugin_get, plugin_post, running

API = "/api/v1/signing"


def _start(api: Client, plugin_url: str, pdf: bytes) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    token = plugin_get(f"{plugin_url}{PREFIX}/certificates")["certificates"][0]
    response = api.post(
        f"{API}/plugin/start",
        {
            "file": SimpleUploadedFile("cong-van.pdf", pdf),
            "certificate": token["certificate"],
            "chain": ",".join(token["chain"]),
        },
    )
    assert response.status_code == 201, response.content
    return {**response.json(), "token": token}


def test_a_usb_token_signs_through_the_local_plugin(person, web_settings: TestPKI, api_as):
    state = StandIn(web_settings.p12(PERSONAL).read_bytes(), P12_PASSWORD)
    api = api_as("nguyenvanhung")
    with running(state) as plugin_url:
        assert plugin_get(f"{plugin_url}{PREFIX}/info")["protocol"] == "qlvb-local-sign/1"
        started = _start(api, plugin_url, samples.decision_pdf(1))
        assert started["hash_algorithm"] == "SHA-256" and started["signer"]["ten"] == "Nguyễn Văn Hùng"
        signed = plugin_post(
            f"{plugin_url}{PREFIX}/sign",
            {"certificateId": started["token"]["id"], "hashAlgorithm": "SHA-256", "hash": started["hash"]},
        )
    assert state.signed == [base64.b64decode(started["hash"])]  # the token saw a hash, never the document
    response = api.post(
        f"{API}/plugin/{started['session']}/finish", {"signature": signed["signature"]}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["verdict"] == "valid"
    report = SignatureReport.objects.get(pk=body["report_id"]).report
    signature = report["signatures"][0]
    assert signature["signer"]["ten"] == "Nguyễn Văn Hùng" and signature["field"] == "ChuKyUSB1"
    assert signature["timestamp_time"]  # the test TSA stamped it (PAdES B-T)
    # one use only
    again = api.post(
        f"{API}/plugin/{started['session']}/finish", {"signature": signed["signature"]}, content_type="application/json"
    )
    assert again.status_code == 409


def test_a_signature_made_with_another_key_is_refused(person, web_settings: TestPKI, api_as):
    state = StandIn(
        web_settings.p12(PERSONAL).read_bytes(), P12_PASSWORD, sign_with=web_settings.p12(AGENCY).read_bytes()
    )
    api = api_as("nguyenvanhung")
    with running(state) as plugin_url:
        started = _start(api, plugin_url, samples.decision_pdf(1))
        signed = plugin_post(
            f"{plugin_url}{PREFIX}/sign",
            {"certificateId": "token-1", "hashAlgorithm": "SHA-256", "hash": started["hash"]},
        )
    response = api.post(
        f"{API}/plugin/{started['session']}/finish", {"signature": signed["signature"]}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "không khớp với chứng thư số" in response.json()["detail"]
    assert not SignatureReport.objects.exists()


def test_another_user_cannot_finish_and_an_old_session_expires(person, web_settings: TestPKI, api_as):
    state = StandIn(web_settings.p12(PERSONAL).read_bytes(), P12_PASSWORD)
    api = api_as("nguyenvanhung")
    with running(state) as plugin_url:
        started = _start(api, plugin_url, samples.decision_pdf(1))
        signed = plugin_post(
            f"{plugin_url}{PREFIX}/sign",
            {"certificateId": "token-1", "hashAlgorithm": "SHA-256", "hash": started["hash"]},
        )
    other = api_as("phamthimai")
    assert (
        other.post(
            f"{API}/plugin/{started['session']}/finish",
            {"signature": signed["signature"]},
            content_type="application/json",
        ).status_code
        == 404
    )
    PluginSigning.objects.filter(pk=started["session"]).update(created_at=timezone.now() - timedelta(minutes=11))
    late = api.post(
        f"{API}/plugin/{started['session']}/finish", {"signature": signed["signature"]}, content_type="application/json"
    )
    assert late.status_code == 409 and "quá 10 phút" in late.json()["detail"]


@pytest.mark.parametrize(("label", "expected"), [("cuong-expired", "đã hết hạn"), ("dung-foreign", "không do tổ chức")])
def test_a_token_certificate_that_may_not_sign_is_refused_before_any_hash(
    person, web_settings, label, expected, api_as
):
    arch = "foreign-ca" if label == "dung-foreign" else "qlvb-test"
    state = StandIn(web_settings.p12(label, arch=arch).read_bytes(), P12_PASSWORD)
    api = api_as("nguyenvanhung")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with running(state) as plugin_url:
        token = plugin_get(f"{plugin_url}{PREFIX}/certificates")["certificates"][0]
    response = api.post(
        f"{API}/plugin/start",
        {"file": SimpleUploadedFile("a.pdf", samples.decision_pdf(1)), "certificate": token["certificate"]},
    )
    assert response.status_code == 400, response.content
    assert expected in response.json()["detail"]
    assert not PluginSigning.objects.exists()


def test_bad_input_to_the_plugin_endpoints(person, web_settings, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = api_as("nguyenvanhung")
    not_b64 = api.post(
        f"{API}/plugin/start", {"file": SimpleUploadedFile("a.pdf", samples.decision_pdf(1)), "certificate": "%%%"}
    )
    assert not_b64.status_code == 422 and "base64" in not_b64.json()["detail"]
    not_pdf = api.post(
        f"{API}/plugin/start",
        {
            "file": SimpleUploadedFile("a.pdf", b"hello"),
            "certificate": base64.b64encode(web_settings.root.dump()).decode(),
        },
    )
    assert not_pdf.status_code == 422
    unknown = api.post(f"{API}/plugin/not-a-uuid/finish", {"signature": "AAAA"}, content_type="application/json")
    assert unknown.status_code == 404


def test_choosing_the_token_at_the_desk_is_saved_and_a_server_side_signature_says_what_to_do(
    person, web_settings, page_as
):
    from qlvb.signing.keys import SigningRefused
    from qlvb.signing.models import SigningProfile

    hung = person("nguyenvanhung")
    client = page_as(hung)
    response = client.post("/ky-so/ho-so/", {"action": "method", "method": "plugin"})
    assert response.status_code == 302
    profile = SigningProfile.objects.get(user=hung)
    assert profile.method == "plugin"
    with pytest.raises(SigningRefused) as refused:
        profile.key()
    assert refused.value.code == "plugin_method"
    assert "tải lên tệp chứng thư số" in refused.value.message
