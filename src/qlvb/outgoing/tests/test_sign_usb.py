"""The leader signs an outgoing document with the USB token at his own desk (issue 8): the outgoing "Ký"
step through the local signing plug-in. The plug-in is the stand-in HTTP server speaking the protocol of
docs/signing.md (a real server on 127.0.0.1 holding the test PKI's key, as the token would); the test
plays the page's script: certificate from the plug-in, start on qlvb, hash to the plug-in, finish on qlvb."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qlvb.assignments.models import Notification
from qlvb.core.models import AuditEntry
from qlvb.directory.models import Unit, User
from qlvb.outgoing import services
from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.tests.conftest import PIN
from qlvb.signing.models import PluginSigning, SigningProfile
from qlvb.signing.tests.pki import AGENCY, P12_PASSWORD, PERSONAL, TestPKI
from qlvb.signing.tests.plugin_standin import PREFIX, StandIn, plugin_get, plugin_post, running
from qlvb.signing.verify import verify_pdf


def _read(stored: Any) -> bytes:
    from qlvb.files.storage import open_verified

    with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as handle:
        return handle.read()


@pytest.fixture
def usb_profiles(
    signing_settings: TestPKI,
    person: Callable[[str], User],
    ubnd: Unit,
    signature_image: bytes,
    seal_image: bytes,
) -> None:
    """The leader chose "USB token cắm vào máy tính của tôi"; the agency's key is on the server."""
    SigningProfile.objects.create(user=person("nguyenvanhung"), method="plugin", image_png=signature_image)
    SigningProfile.objects.create(
        agency=ubnd, method="pkcs12", pkcs12_path=str(signing_settings.p12(AGENCY)), image_png=seal_image
    )


@pytest.fixture
def token(signing_settings: TestPKI) -> Iterator[tuple[StandIn, str]]:
    state = StandIn(signing_settings.p12(PERSONAL).read_bytes(), P12_PASSWORD)
    with running(state) as url:
        yield state, url


def _start(client: Client, outgoing: Outgoing, plugin_url: str) -> Any:
    certificate = plugin_get(f"{plugin_url}{PREFIX}/certificates")["certificates"][0]
    return client.post(
        reverse("outgoing:sign_usb_start", args=[outgoing.pk]),
        {"certificate": certificate["certificate"], "chain": ",".join(certificate["chain"])},
    )


def _plugin_sign(plugin_url: str, started: dict[str, Any]) -> str:
    signed = plugin_post(
        f"{plugin_url}{PREFIX}/sign",
        {"certificateId": "token-1", "hashAlgorithm": started["hash_algorithm"], "hash": started["hash"]},
    )
    return str(signed["signature"])


def _finish(client: Client, outgoing: Outgoing, session: str, signature: str) -> Any:
    return client.post(
        reverse("outgoing:sign_usb_finish", args=[outgoing.pk, session]),
        {"signature": signature},
        content_type="application/json",
    )


def test_leader_signs_at_his_desk_then_clerk_numbers_and_seals(
    to_sign, usb_profiles, token, person, eager, django_capture_on_commit_callbacks, page_as
):
    state, plugin_url = token
    outgoing = to_sign()
    leader = page_as("nguyenvanhung")
    # the "Ký" button leads to the USB token step (no PIN field: the PIN goes to the plug-in)
    page = leader.get(reverse("outgoing:detail", args=[outgoing.pk])).content.decode()
    assert 'data-qlvb="sign-usb"' in page and 'name="pin"' not in page
    step = leader.get(reverse("outgoing:sign_usb", args=[outgoing.pk]))
    assert step.status_code == 200
    assert "127.0.0.1:18765" in step.headers["Content-Security-Policy"]  # the page may reach the plug-in
    # the PIN path refuses and names the right button
    with pytest.raises(Exception, match="Ký bằng USB token"):
        services.outgoing_sign(actor=person("nguyenvanhung"), outgoing=outgoing, pin=PIN)

    response = _start(leader, outgoing, plugin_url)
    assert response.status_code == 201, response.content
    started = response.json()
    assert started["signer"]["ten"] == "Nguyễn Văn Hùng"
    signature = _plugin_sign(plugin_url, started)
    assert state.signed == [base64.b64decode(started["hash"])]  # the token saw a hash, never the document
    with django_capture_on_commit_callbacks(execute=True):
        done = _finish(leader, outgoing, started["session"], signature)
    assert done.status_code == 201, done.content
    assert done.json()["report_url"] == reverse("outgoing:detail", args=[outgoing.pk])

    outgoing.refresh_from_db()
    assert outgoing.state == State.SIGNED and outgoing.signed_pdf is not None
    assert outgoing.document.events.filter(action="signed_personal").exists()
    assert AuditEntry.objects.filter(action="outgoing.signed", object_id=str(outgoing.document.pk)).exists()
    assert Notification.objects.filter(user=person("lethuha"), text__contains="chờ cấp số").exists()
    assert PluginSigning.objects.get(pk=started["session"]).output == b""  # one use, prepared copy dropped

    clerk = person("lethuha")
    services.outgoing_number(actor=clerk, outgoing=outgoing)
    services.outgoing_sign_agency(actor=clerk, outgoing=outgoing, pin=PIN)
    outgoing.refresh_from_db()
    assert outgoing.state == State.AGENCY_SIGNED
    report = verify_pdf(_read(outgoing.signed_pdf))
    assert report["verdict"] == "valid", report
    personal, agency = report["signatures"]
    assert personal["field"] == "ChuKyCaNhan1" and personal["signer"]["ten"] == "Nguyễn Văn Hùng"
    assert agency["field"] == "ChuKyCoQuan" and agency["signer"]["ten"] == "UBND xã Liên Minh"
    assert [s["verdict"] for s in report["signatures"]] == ["valid", "valid"]
    changes = {c["check"]: c for c in personal["checks"]}["modifications"]
    assert changes["status"] == "ok" and "điền biểu mẫu" in changes["message"]  # only permitted form filling
    filled = [r["fields_filled"] for r in report["revisions"] if r.get("fields_filled")]
    assert ["NgayBanHanh", "SoKyHieu"] in filled  # the number and date went into the signature's own fields


def test_another_users_session_is_refused(to_sign, usb_profiles, token, person, page_as):
    _state, plugin_url = token
    outgoing = to_sign()
    leader = page_as("nguyenvanhung")
    started = _start(leader, outgoing, plugin_url).json()
    signature = _plugin_sign(plugin_url, started)
    # the clerk (not the signer) cannot finish it — neither on the step nor on the generic page's API
    clerk = page_as("lethuha")
    assert _finish(clerk, outgoing, started["session"], signature).status_code in (403, 404)
    generic = leader.post(
        f"/api/v1/signing/plugin/{started['session']}/finish", {"signature": signature}, content_type="application/json"
    )
    assert generic.status_code == 404  # a session of an outgoing document completes only that document
    outgoing.refresh_from_db()
    assert outgoing.state == State.TO_SIGN and outgoing.signed_pdf is None
    # and the leader can still finish his own session
    assert _finish(leader, outgoing, started["session"], signature).status_code == 201


def test_wrong_certificate_or_key_is_refused(to_sign, usb_profiles, signing_settings, person, page_as):
    outgoing = to_sign()
    leader = page_as("nguyenvanhung")
    # the agency's token plugged in: not the signer's own certificate
    with running(StandIn(signing_settings.p12(AGENCY).read_bytes(), P12_PASSWORD)) as plugin_url:
        refused = _start(leader, outgoing, plugin_url)
    assert refused.status_code == 403
    assert "UBND xã Liên Minh" in refused.json()["detail"]
    # a token that signs with another key than its certificate's
    other_key = StandIn(
        signing_settings.p12(PERSONAL).read_bytes(), P12_PASSWORD, sign_with=signing_settings.p12(AGENCY).read_bytes()
    )
    with running(other_key) as plugin_url:
        started = _start(leader, outgoing, plugin_url).json()
        signature = _plugin_sign(plugin_url, started)
    response = _finish(leader, outgoing, started["session"], signature)
    assert response.status_code == 400 and "không khớp" in response.json()["detail"]
    outgoing.refresh_from_db()
    assert outgoing.state == State.TO_SIGN and outgoing.signed_pdf is None


def test_not_in_the_signing_state_is_refused(draft, to_sign, usb_profiles, token, person, page_as):
    _state, plugin_url = token
    leader = page_as("nguyenvanhung")
    early = draft()  # still a draft: nothing to sign yet
    assert _start(leader, early, plugin_url).status_code == 409
    page = leader.get(reverse("outgoing:sign_usb", args=[early.pk]))
    assert page.status_code == 302  # back to the document, with the reason
    # signed already: a second session on the same document is refused
    outgoing = to_sign()
    started = _start(leader, outgoing, plugin_url).json()
    assert _finish(leader, outgoing, started["session"], _plugin_sign(plugin_url, started)).status_code == 201
    assert _start(leader, outgoing, plugin_url).status_code == 409
    assert 'data-qlvb="sign-usb"' not in leader.get(reverse("outgoing:detail", args=[outgoing.pk])).content.decode()


def test_bad_input_answers_a_clear_4xx(to_sign, usb_profiles, token, person, page_as):
    _state, plugin_url = token
    outgoing = to_sign()
    leader = page_as("nguyenvanhung")
    start = reverse("outgoing:sign_usb_start", args=[outgoing.pk])
    for certificate in ("", "không phải base64", base64.b64encode(b"not a certificate").decode()):
        response = leader.post(start, {"certificate": certificate})
        assert response.status_code == 422 and response.json()["detail"], certificate
    assert _finish(leader, outgoing, "khong-phai-ma-phien", "AAAA").status_code == 404
    started = _start(leader, outgoing, plugin_url).json()
    assert _finish(leader, outgoing, started["session"], "***").status_code == 422
    response = leader.post(
        reverse("outgoing:sign_usb_finish", args=[outgoing.pk, started["session"]]),
        "{không phải JSON",
        content_type="application/json",
    )
    assert response.status_code == 400 and "Thiếu chữ ký" in response.json()["detail"]
    assert leader.get(start).status_code == 405
    outgoing.refresh_from_db()
    assert outgoing.state == State.TO_SIGN
