"""SSO with the official e-mail account (Điều 7.2.c) against a real OpenID Connect provider
(django-oauth-toolkit, its own process): the browser is the Django test client on our side and an HTTP
session on the provider's; every redirect between them is followed by hand."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from qlvb.core.models import AuditEntry
from qlvb.directory import services
from qlvb.directory.tests.oidcprovider import CLIENT_ID, Provider

LOGIN = "/dang-nhap/"
START = "/dang-nhap/thu-cong-vu/"
HA = "ublienminh_lethuha"
UNKNOWN = "Tài khoản thư công vụ này chưa gắn với người dùng nào trong hệ thống"


def _start(client: Client, provider: Provider) -> str:
    """Press the button: our side answers with a redirect to the provider's authorization endpoint."""
    response = client.get(START)
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(f"{provider.issuer}/authorize/")
    query = parse_qs(urlsplit(target).query)
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    return target


def _sign_in(client: Client, provider: Provider, who: str):
    back = provider.authorize(_start(client, provider), who)
    return client.get(back, follow=True)


def _refused_on_sign_in_page(client: Client, response, message: str) -> None:
    assert response.redirect_chain[-1][0] == LOGIN
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_button_only_when_configured(demo, settings, sso_settings) -> None:
    assert "Đăng nhập bằng tài khoản thư công vụ" in Client().get(LOGIN).content.decode()
    settings.QLVB_OIDC_ISSUER = ""
    assert "Đăng nhập bằng tài khoản thư công vụ" not in Client().get(LOGIN).content.decode()


def test_official_email_signs_in_the_matching_person(demo, sso_settings) -> None:
    client = Client()
    response = _sign_in(client, sso_settings, "lethuha")
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(services.User.objects.get(username=HA).pk)
    assert "Lê Thu Hà" in response.content.decode()
    entry = AuditEntry.objects.get(action="auth.sign_in", actor_username=HA)
    assert entry.data["method"] == "sso"


def test_password_sign_in_is_recorded_as_such(demo) -> None:
    client = Client()
    client.post(LOGIN, {"username": HA, "password": "LienMinh@2025"})
    assert AuditEntry.objects.get(action="auth.sign_in", actor_username=HA).data["method"] == "password"


def test_the_audit_log_page_says_how_people_signed_in(demo, page_as, sso_settings) -> None:
    _sign_in(Client(), sso_settings, "lethuha")
    _sign_in(Client(), sso_settings, "nguoila")
    log = page_as("ublienminh_tranthilan").get("/quan-tri/nhat-ky/").content.decode()
    assert "Cách đăng nhập" in log and "Tài khoản thư công vụ (SSO)" in log
    assert "địa chỉ thư chưa gắn với người dùng nào" in log and "nguoila@lienminh.example.vn" in log


def test_unknown_email_is_refused_and_nobody_is_created(demo, sso_settings) -> None:
    client = Client()
    users = services.User.objects.count()
    response = _sign_in(client, sso_settings, "nguoila")
    _refused_on_sign_in_page(client, response, UNKNOWN)
    assert services.User.objects.count() == users
    failed = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert failed.data == {"method": "sso", "reason": "sso_unknown_email", "email": "nguoila@lienminh.example.vn"}


def test_locked_account_is_refused(demo, person, sso_settings) -> None:
    services.user_lock(actor=person("tranthilan"), user=person("dothanhhuong"), reason="Chuyển công tác")
    client = Client()
    response = _sign_in(client, sso_settings, "dothanhhuong")
    _refused_on_sign_in_page(client, response, "Tài khoản này đã bị khóa")
    assert not AuditEntry.objects.filter(action="auth.sign_in").exists()


def test_token_from_another_issuer_is_refused(demo, sso_settings) -> None:
    """The provider turns into another issuer between the button and the callback: its ID token is refused."""
    client = Client()
    authorize = _start(client, sso_settings)
    sso_settings.configure(issuer="http://127.0.0.1:1/gia-mao")
    response = client.get(sso_settings.authorize(authorize, "lethuha"), follow=True)
    _refused_on_sign_in_page(client, response, "sai bên phát hành")
    assert AuditEntry.objects.get(action="auth.sign_in_failed").data["reason"] == "sso_issuer"


def test_provider_announcing_another_issuer_is_refused_at_the_start(demo, sso_settings) -> None:
    sso_settings.configure(issuer="http://127.0.0.1:1/gia-mao")
    client = Client()
    response = client.get(START, follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]  # never sent to the provider
    _refused_on_sign_in_page(client, response, "sai bên phát hành")


def test_expired_id_token_is_refused(demo, sso_settings) -> None:
    sso_settings.configure(id_token_seconds=-3600)  # the provider's clock an hour behind
    client = Client()
    response = _sign_in(client, sso_settings, "lethuha")
    _refused_on_sign_in_page(client, response, "đã hết hạn")
    assert AuditEntry.objects.get(action="auth.sign_in_failed").data["reason"] == "sso_token_expired"


def test_forged_state_is_refused_and_the_code_is_not_used(demo, sso_settings) -> None:
    client = Client()
    back = sso_settings.authorize(_start(client, sso_settings), "lethuha")
    parts = urlsplit(back)
    query = parse_qs(parts.query)
    forged = f"{parts.path}?code={query['code'][0]}&state=gia-mao"
    response = client.get(forged, follow=True)
    _refused_on_sign_in_page(client, response, "mã trạng thái không khớp")
    assert AuditEntry.objects.get(action="auth.sign_in_failed").data["reason"] == "sso_state"
    # Another browser replaying the genuine callback has no state either.
    other = Client()
    response = other.get(back, follow=True)
    _refused_on_sign_in_page(other, response, "mã trạng thái không khớp")


def test_a_callback_is_used_once(demo, sso_settings) -> None:
    client = Client()
    back = sso_settings.authorize(_start(client, sso_settings), "lethuha")
    assert client.get(back).status_code == 302
    client.logout()
    response = client.get(back, follow=True)
    _refused_on_sign_in_page(client, response, "mã trạng thái không khớp")


@pytest.mark.parametrize("trust", [False, True])
def test_two_factor_rule_after_sso(demo, settings, sso_settings, trust) -> None:
    settings.QLVB_2FA_EVERYONE = True
    settings.QLVB_OIDC_TRUST_MFA = trust
    client = Client()
    response = _sign_in(client, sso_settings, "lethuha")
    if trust:
        assert response.redirect_chain[-1][0] == "/"
    else:
        assert response.redirect_chain[-1][0].startswith("/xac-thuc/bat/")


def _id_token(provider: Provider, *, key=None, audience: str = CLIENT_ID, **claims) -> str:
    """An ID token as the provider would make one (its key id), signed with ``key``."""
    import time

    import jwt
    import requests
    from cryptography.hazmat.primitives.asymmetric import rsa

    kid = requests.get(f"{provider.issuer}/.well-known/jwks.json", timeout=10).json()["keys"][0]["kid"]
    now = int(time.time())
    body = {"iss": provider.issuer, "aud": audience, "sub": "1", "iat": now, "exp": now + 300, **claims}
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def _checked(provider: Provider, token: str, nonce: str = "cua-trinh-duyet-nay") -> str:
    from qlvb.directory.sso import OfficialEmailBackend, SsoRefusedError

    backend = OfficialEmailBackend()
    backend.configure(Client().get(LOGIN).wsgi_request)
    with pytest.raises(SsoRefusedError) as refused:
        backend.verify_token(token, nonce=nonce)
    return str(refused.value.code)


def test_id_token_signed_with_another_key_is_refused(demo, sso_settings) -> None:
    """Right issuer, audience and key id, but not the provider's signature (checked against its JWKS)."""
    assert _checked(sso_settings, _id_token(sso_settings, nonce="cua-trinh-duyet-nay")) == "sso_token_invalid"


def test_id_token_for_another_client_is_refused(demo, sso_settings) -> None:
    """Signed by the provider's own key, but for another application."""
    key = sso_settings.signing_key()
    assert _checked(sso_settings, _id_token(sso_settings, key=key, audience="ung-dung-khac")) == "sso_token_invalid"


def test_id_token_without_this_browsers_nonce_is_refused(demo, sso_settings) -> None:
    key = sso_settings.signing_key()
    assert _checked(sso_settings, _id_token(sso_settings, key=key, nonce="cua-trinh-duyet-khac")) == "sso_token_invalid"


def test_account_locked_out_by_wrong_passwords_is_refused(demo, settings, sso_settings) -> None:
    """Guessed passwords lock the account from everywhere (docs/security.md §4) — the SSO button too."""
    for attempt in range(settings.QLVB_ACCOUNT_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"10.0.1.{attempt + 1}").post(LOGIN, {"username": HA, "password": "sai-mat-khau"})
    client = Client()
    response = _sign_in(client, sso_settings, "lethuha")
    _refused_on_sign_in_page(client, response, "Tài khoản tạm thời bị khóa")
    refused = AuditEntry.objects.get(action="auth.sign_in_failed", data__method="sso")
    assert refused.data["reason"] == "sso_account_locked"
