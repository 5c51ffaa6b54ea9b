"""HMAC-signed calls (issue 18: "HMAC-signed requests or OAuth2 client credentials, with replay protection"):
a call signed with the system's secret over the canonical string is accepted without a token, as the
person its user code names; an unsigned call, a wrong signature (another secret, a changed body, another
person), a stale or a replayed one is refused with 401, a Vietnamese message and nothing written; a
secret issued before signing existed must be rotated first."""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from qlvb.core.audit import AuditEntry
from qlvb.integrations.accounts import Issued, system_secret_rotate
from qlvb.integrations.models import ConnectedSystem, Handover
from qlvb.integrations.signing import canonical_string, sign
from qlvb.signing.tests.samples import attachment_pdf

from .test_integration_incoming import URL, fields

pytestmark = pytest.mark.django_db


def signed(
    issued: Issued,
    method: str,
    path: str,
    *,
    data: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
    code: str = "V01",
    stamp: int | None = None,
    nonce: str | None = None,
    secret: str | None = None,
    sign_body: bytes | None = None,
    sign_code: str | None = None,
) -> Any:
    """Send a call signed as the example client does (``sign_body`` / ``sign_code``: sign something else
    than what is sent, as a tampering proxy would make it)."""
    body = encode_multipart(BOUNDARY, data) if isinstance(data, dict) else b""
    stamp_text = str(int(time.time()) if stamp is None else stamp)
    nonce = nonce or uuid.uuid4().hex
    canonical = canonical_string(
        method=method,
        path=path,
        query=sorted((query or {}).items()),
        timestamp=stamp_text,
        nonce=nonce,
        user_code=code if sign_code is None else sign_code,
        body_sha256=hashlib.sha256(body if sign_body is None else sign_body).hexdigest(),
    )
    signature = sign(secret or issued.secret, canonical)
    headers = {
        "Authorization": f"QLVB-HMAC-SHA256 Credential={issued.system.client_id}, Signature={signature}",
        "X-Qlvb-Timestamp": stamp_text,
        "X-Qlvb-Nonce": nonce,
        "X-Acting-User": code,
    }
    target = path + (f"?{urlencode(query)}" if query else "")
    return Client().generic(method, target, body, content_type=MULTIPART_CONTENT if body else "", headers=headers)


def hand_over(**overrides: Any) -> dict[str, Any]:
    return {**fields(**overrides), "main": _pdf()}


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("don.pdf", attachment_pdf())


def test_a_signed_call_needs_no_token_and_acts_as_the_mapped_person(desk: Issued) -> None:
    answer = signed(desk, "POST", URL, data=hand_over())
    assert answer.status_code == 201, answer.content
    handover = Handover.objects.get()
    creator = handover.document.created_by
    assert handover.external_id == "HS-0001" and creator is not None and creator.username.endswith("lethuha")
    read = signed(desk, "GET", f"{URL}/HS-0001")  # a read is signed too
    assert read.status_code == 200 and read.json()["status"] == "registered"
    calls = AuditEntry.objects.filter(action="integrations.call", data__auth="hmac")
    assert calls.count() == 2


def test_a_signed_query_string_is_part_of_the_signature(one_stop: Issued) -> None:
    query = {"since": "2026-12-01", "page": "1"}
    assert signed(one_stop, "GET", "/api/integration/v1/issued", query=query, code="U01").status_code == 200
    tampered = Client().get(
        "/api/integration/v1/issued?since=2020-01-01&page=1",
        headers=dict(signed_headers(one_stop, "/api/integration/v1/issued", query)),
    )
    assert tampered.status_code == 401 and tampered.json()["code"] == "signature_invalid"


def signed_headers(issued: Issued, path: str, query: dict[str, str]) -> dict[str, str]:
    stamp, nonce = str(int(time.time())), uuid.uuid4().hex
    canonical = canonical_string(
        method="GET",
        path=path,
        query=sorted(query.items()),
        timestamp=stamp,
        nonce=nonce,
        user_code="U01",
        body_sha256=hashlib.sha256(b"").hexdigest(),
    )
    signature = sign(issued.secret, canonical)
    return {
        "Authorization": f"QLVB-HMAC-SHA256 Credential={issued.system.client_id}, Signature={signature}",
        "X-Qlvb-Timestamp": stamp,
        "X-Qlvb-Nonce": nonce,
        "X-Acting-User": "U01",
    }


def test_an_unsigned_call_is_refused_in_vietnamese(desk: Issued) -> None:
    answer = Client().post(URL, hand_over(), headers={"X-Acting-User": "V01"})
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"
    assert "ký lời gọi" in answer.json()["detail"]
    malformed = Client().post(URL, hand_over(), headers={"Authorization": "QLVB-HMAC-SHA256 Signature=abc"})
    assert malformed.status_code == 401 and malformed.json()["code"] == "signature_invalid"
    assert "không đúng dạng" in malformed.json()["detail"]
    assert not Handover.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "a-secret-that-is-not-the-systems"},
        {"sign_body": b"another body"},
        {"sign_code": "U99"},  # signed for another person than the one named
    ],
)
def test_a_badly_signed_call_is_refused_and_does_nothing(desk: Issued, tamper: dict[str, Any]) -> None:
    answer = signed(desk, "POST", URL, data=hand_over(), **tamper)
    assert answer.status_code == 401 and answer.json()["code"] == "signature_invalid"
    assert "Chữ ký của lời gọi không đúng" in answer.json()["detail"]
    assert not Handover.objects.exists()
    assert AuditEntry.objects.filter(action="integrations.call_refused", data__reason="signature_invalid").exists()


def test_a_stale_or_replayed_signed_call_is_refused(desk: Issued) -> None:
    stale = signed(desk, "POST", URL, data=hand_over(), stamp=int(time.time()) - 400)
    assert stale.status_code == 401 and stale.json()["code"] == "request_stale"
    nonce = uuid.uuid4().hex
    assert signed(desk, "POST", URL, data=hand_over(), nonce=nonce).status_code == 201
    replayed = signed(desk, "POST", URL, data=hand_over(external_id="HS-0002"), nonce=nonce)
    assert replayed.status_code == 401 and replayed.json()["code"] == "request_replayed"
    assert "trùng giá trị nonce" in replayed.json()["detail"]
    again = signed(desk, "GET", f"{URL}/HS-0001", nonce=nonce)  # a read with a used nonce too
    assert again.status_code == 401 and again.json()["code"] == "request_replayed"
    assert list(Handover.objects.values_list("external_id", flat=True)) == ["HS-0001"]


def test_a_secret_issued_before_signing_must_be_rotated(desk: Issued, person: Any, page_as: Any) -> None:
    ConnectedSystem.objects.filter(pk=desk.system.pk).update(secret_sealed="")  # as a system registered before
    answer = signed(desk, "POST", URL, data=hand_over())
    assert answer.status_code == 401 and answer.json()["code"] == "signing_key_missing"
    assert "cấp lại khóa bí mật" in answer.json()["detail"]
    admin_page = f"/quan-tri/he-thong-ket-noi/{desk.system.pk}/"
    admin = page_as("tranthilan")
    assert 'data-qlvb="secret-cannot-sign"' in admin.get(admin_page).content.decode()  # the page says so
    rotated = system_secret_rotate(actor=person("tranthilan"), system=desk.system)
    assert 'data-qlvb="secret-cannot-sign"' not in admin.get(admin_page).content.decode()
    assert signed(rotated, "POST", URL, data=hand_over()).status_code == 201
    old = signed(desk, "POST", URL, data=hand_over(external_id="HS-0002"))  # the old secret signs nothing
    assert old.status_code == 401 and old.json()["code"] == "signature_invalid"


def test_a_revoked_system_cannot_sign(desk: Issued) -> None:
    ConnectedSystem.objects.filter(pk=desk.system.pk).update(revoked_at="2026-12-01T00:00:00Z")
    answer = signed(desk, "POST", URL, data=hand_over())
    assert answer.status_code == 401 and answer.json()["code"] == "signature_invalid"
    assert not Handover.objects.exists()
