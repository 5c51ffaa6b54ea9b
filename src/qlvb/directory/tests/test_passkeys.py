"""Issue 16: passkeys. After a password sign-in a person adds a passkey; it then signs him in alone, with
both factors done. Challenges are single-use and expire; a replayed, wrong-origin or unverified answer, a
key of another account, a copied key (sign count not growing) and a locked account are refused in
Vietnamese, and the refusals that a stranger could provoke all read the same. The test plays the phone
with a software authenticator speaking the real WebAuthn formats (tests/authenticator.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axes.models import AccessFailureLog
from django.test import Client
from django.utils import timezone

from qlvb.core.models import AuditEntry
from qlvb.directory.models import Passkey, User
from qlvb.directory.twofactor import current_code

from .authenticator import Authenticator
from .support import PASSWORD

pytestmark = pytest.mark.django_db

REFUSED = "Không đăng nhập được bằng khóa này"
EXPIRED = "đã hết hạn hoặc đã được dùng"


def _signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/dang-nhap/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _add(client: Client, device: Authenticator, name: str = "") -> Any:
    options = client.post("/khoa-dang-nhap/them/yeu-cau/")
    assert options.status_code == 200 and options["Cache-Control"] == "no-store"
    return client.post(
        "/khoa-dang-nhap/them/",
        json.dumps({"credential": device.create(options.content.decode()), "name": name}),
        content_type="application/json",
    )


def _options(client: Client) -> str:
    response = client.post("/dang-nhap/khoa/yeu-cau/")
    assert response.status_code == 200
    return response.content.decode()


def _sign_in(client: Client, credential: str, next_url: str = "") -> Any:
    return client.post(
        "/dang-nhap/khoa/", json.dumps({"credential": credential, "next": next_url}), content_type="application/json"
    )


@pytest.fixture
def ha(person: Any) -> User:
    return person("lethuha")


@pytest.fixture
def phone(ha: User) -> Authenticator:
    device = Authenticator()
    added = _add(_signed_in(ha.username), device, name="Điện thoại của Hà")
    assert added.status_code == 200, added.content.decode()
    return device


def test_add_a_passkey_then_sign_in_with_it_alone(ha: User) -> None:
    client = _signed_in(ha.username)
    device = Authenticator()
    options = json.loads(client.post("/khoa-dang-nhap/them/yeu-cau/").content)
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert len(options["user"]["id"]) == 43 and ha.username == options["user"]["name"]  # an HMAC, not the id
    added = client.post(
        "/khoa-dang-nhap/them/",
        json.dumps({"credential": device.create(options)}),
        content_type="application/json",
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537.36"},
    )
    assert added.status_code == 200 and added.json() == {"redirect": "/khoa-dang-nhap/"}
    passkey = Passkey.objects.get(user=ha)
    assert passkey.name == "Chrome 130 · Android" and passkey.sign_count == 1
    assert AuditEntry.objects.filter(action="auth.passkey_added", actor_username=ha.username).count() == 1

    # the options list the keys the account already has: the same phone is not added twice
    again = json.loads(client.post("/khoa-dang-nhap/them/yeu-cau/").content)
    assert [c["id"] for c in again["excludeCredentials"]] == [passkey.credential_id]

    stranger = Client()
    options = json.loads(_options(stranger))
    assert options["userVerification"] == "required" and not options.get("allowCredentials")
    done = _sign_in(stranger, device.get(options), next_url="/van-ban-den/")
    assert done.status_code == 200 and done.json() == {"redirect": "/van-ban-den/"}
    assert stranger.get("/van-ban-den/").status_code == 200
    passkey.refresh_from_db()
    assert passkey.sign_count == 2 and passkey.last_used_at is not None and passkey.last_ip == "127.0.0.1"
    entry = AuditEntry.objects.filter(action="auth.sign_in", actor_username=ha.username).latest("seq")
    assert entry.data == {"method": "passkey"}

    listed = stranger.get("/khoa-dang-nhap/").content.decode()
    assert "Chrome 130 · Android" in listed and "Phiên này dùng khóa này" in listed


def test_a_passkey_counts_as_both_factors(settings: Any, person: Any) -> None:
    settings.QLVB_2FA_ADMINS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    lan = person("tranthilan")  # an administrator: the second step is required
    client = _signed_in(lan.username)
    assert client.get("/khoa-dang-nhap/").status_code == 302  # owes the second step: not yet
    client.get("/xac-thuc/bat/")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device_row = TOTPDevice.objects.get(user=lan, confirmed=False)
    client.post("/xac-thuc/bat/", {"code": current_code(device_row), "next": "/"})
    device = Authenticator()
    assert _add(client, device).status_code == 200

    fresh = Client()
    assert _sign_in(fresh, device.get(_options(fresh))).status_code == 200
    page = fresh.get("/van-ban-den/")
    assert page.status_code == 200  # no /xac-thuc/ step
    assert fresh.get("/xac-thuc/bat/").status_code == 200  # the app can be set up again without its code
    assert _signed_in(lan.username).get("/xac-thuc/bat/").status_code == 302  # a password alone cannot


def test_a_replayed_answer_is_refused(ha: User, phone: Authenticator) -> None:
    client = Client()
    answer = phone.get(_options(client))
    assert _sign_in(client, answer).status_code == 200
    other = Client()
    _options(other)
    replay = _sign_in(other, answer)
    assert replay.status_code == 400 and EXPIRED in replay.json()["message"]
    again = _sign_in(client, answer)  # the same browser: its challenge was spent
    assert again.status_code == 400 and EXPIRED in again.json()["message"]


def test_an_expired_challenge_is_refused(settings: Any, ha: User, phone: Authenticator) -> None:
    client = Client()
    options = _options(client)
    settings.QLVB_PASSKEY_CHALLENGE_SECONDS = -1  # every challenge already too old
    refused = _sign_in(client, phone.get(options))
    assert refused.status_code == 400 and EXPIRED in refused.json()["message"]
    assert refused.json()["code"] == "passkey_challenge"
    assert Passkey.objects.get(user=ha).last_used_at is None


def test_an_answer_made_for_another_site_is_refused(ha: User, phone: Authenticator) -> None:
    client = Client()
    options = _options(client)
    refused = _sign_in(client, phone.get(options, origin="https://lua-dao.example"))
    assert refused.status_code == 400 and REFUSED in refused.json()["message"]
    other_rp = Client()
    options = _options(other_rp)
    refused = _sign_in(other_rp, phone.get(options, rp_id="lua-dao.example"))
    assert refused.status_code == 400 and REFUSED in refused.json()["message"]
    reasons = AuditEntry.objects.filter(action="auth.sign_in_failed", data__method="passkey").values_list(
        "data__reason", flat=True
    )
    assert list(reasons) == ["assertion_invalid", "assertion_invalid"]
    assert client.get("/van-ban-den/").status_code == 302 and other_rp.get("/van-ban-den/").status_code == 302


def test_a_key_of_another_account_and_an_unknown_key_read_the_same(person: Any, ha: User, phone: Authenticator) -> None:
    huong = person("dothanhhuong")
    huong_phone = Authenticator()
    assert _add(_signed_in(huong.username), huong_phone).status_code == 200

    client = Client()
    claimed = _sign_in(client, phone.get(_options(client), user_handle=huong_phone.user_handle))
    unknown_client = Client()
    unknown = _sign_in(unknown_client, Authenticator().get(_options(unknown_client)))
    assert claimed.status_code == unknown.status_code == 400
    assert claimed.json() == unknown.json()  # nothing tells which accounts exist
    assert REFUSED in claimed.json()["message"]
    assert "_auth_user_id" not in client.session
    reasons = set(AuditEntry.objects.filter(action="auth.sign_in_failed").values_list("data__reason", flat=True))
    assert {"user_handle_mismatch", "unknown_credential"} <= reasons


def test_a_key_registered_to_another_account_cannot_be_added_again(person: Any, ha: User, phone: Authenticator) -> None:
    thief = _signed_in(person("dothanhhuong").username)
    refused = _add(thief, phone)
    assert refused.status_code == 400 and "đã được đăng ký" in refused.json()["message"]
    assert Passkey.objects.filter(user__username__endswith="dothanhhuong").count() == 0


def test_a_phone_that_did_not_verify_the_person_is_refused(ha: User) -> None:
    client = _signed_in(ha.username)
    refused = _add(client, Authenticator(verifies=False))
    assert refused.status_code == 400 and "chưa xác minh vân tay" in refused.json()["message"]
    assert not Passkey.objects.exists()


def test_a_copied_key_whose_count_does_not_grow_is_refused(ha: User, phone: Authenticator) -> None:
    client = Client()
    assert _sign_in(client, phone.get(_options(client))).status_code == 200
    copy = Client()
    phone.counter = 0  # the copy's counter lags behind the original's
    refused = _sign_in(copy, phone.get(_options(copy)))
    assert refused.status_code == 400 and REFUSED in refused.json()["message"]
    entry = AuditEntry.objects.filter(action="auth.sign_in_failed").latest("seq")
    assert entry.data == {"method": "passkey", "reason": "clone_suspected"}


def test_an_authenticator_without_a_counter_keeps_working(ha: User) -> None:
    device = Authenticator(counts=False)  # synced passkeys report 0 every time
    assert _add(_signed_in(ha.username), device).status_code == 200
    for _ in range(2):
        client = Client()
        assert _sign_in(client, device.get(_options(client))).status_code == 200


def test_a_locked_account_is_refused(settings: Any, ha: User, phone: Authenticator) -> None:
    ha.is_active = False
    ha.save(update_fields=["is_active"])
    client = Client()
    refused = _sign_in(client, phone.get(_options(client)))
    assert refused.status_code == 400 and "đã bị khóa" in refused.json()["message"]
    assert refused.json()["code"] == "locked_out"


def test_an_account_locked_out_by_wrong_passwords_is_refused(settings: Any, ha: User, phone: Authenticator) -> None:
    AccessFailureLog.objects.bulk_create(
        [
            AccessFailureLog(username=ha.username, ip_address=f"10.0.0.{i}", attempt_time=timezone.now())
            for i in range(5)
        ]
    )
    client = Client()
    refused = _sign_in(client, phone.get(_options(client)))
    assert refused.status_code == 400 and "tạm thời bị khóa" in refused.json()["message"]


def test_removing_a_passkey_revokes_it_and_another_persons_is_404(person: Any, ha: User, phone: Authenticator) -> None:
    passkey = Passkey.objects.get(user=ha)
    huong = _signed_in(person("dothanhhuong").username)
    assert huong.post(f"/khoa-dang-nhap/{passkey.pk}/xoa/").status_code == 404
    assert huong.post("/khoa-dang-nhap/999999/xoa/").status_code == 404
    owner = _signed_in(ha.username)
    assert "Điện thoại của Hà" in owner.get("/khoa-dang-nhap/").content.decode()
    assert owner.post(f"/khoa-dang-nhap/{passkey.pk}/xoa/").status_code == 302
    assert not Passkey.objects.exists()
    assert AuditEntry.objects.filter(action="auth.passkey_removed", actor_username=ha.username).count() == 1
    client = Client()
    refused = _sign_in(client, phone.get(_options(client)))
    assert refused.status_code == 400 and REFUSED in refused.json()["message"]


def test_garbage_is_refused_and_the_pages_need_a_sign_in(ha: User) -> None:
    client = Client()
    _options(client)
    for body in ("", "{}", '{"credential": "x"}', '{"credential": "' + "A" * 70000 + '"}', "[1]"):
        response = client.post("/dang-nhap/khoa/", body, content_type="application/json")
        assert response.status_code == 400 and REFUSED in response.json()["message"]
    assert client.get("/khoa-dang-nhap/").status_code == 302
    assert client.post("/khoa-dang-nhap/them/yeu-cau/").status_code == 302
    assert client.get("/dang-nhap/khoa/yeu-cau/").status_code == 405
