"""Sign-in, sign-out, lockout, locked accounts, idle timeout, password change — over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from qlvb.core.models import AuditEntry
from qlvb.directory import services

PASSWORD = "LienMinh@2025"
LOGIN = "/dang-nhap/"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_sign_in_page_is_vietnamese(demo):
    page = Client().get(LOGIN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đăng nhập" in text and "Tên tài khoản" in text and "Mật khẩu" in text
    assert 'lang="vi"' in text


def test_anonymous_visitor_is_sent_to_sign_in(demo):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/")


def test_sign_in_then_home_shows_name_agency_roles(demo):
    client = Client()
    response = sign_in(client, "ublienminh_lethuha")
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/").content.decode()
    assert "Xin chào, Lê Thu Hà" in home
    assert "Ủy ban nhân dân xã Liên Minh" in home
    assert "Văn thư" in home
    assert AuditEntry.objects.filter(action="auth.sign_in", actor_username="ublienminh_lethuha").exists()


def test_wrong_password_shows_vietnamese_error(demo):
    response = sign_in(Client(), "ublienminh_lethuha", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên tài khoản hoặc mật khẩu không đúng." in response.content.decode()


def test_unknown_account_gets_the_same_error(demo):
    response = sign_in(Client(), "ublienminh_khongco", "whatever")
    assert "Tên tài khoản hoặc mật khẩu không đúng." in response.content.decode()


def test_locked_account_is_told_it_is_locked_and_stays_out(person):
    services.user_lock(actor=person("tranthilan"), user=person("dothanhhuong"), reason="Chuyển công tác")
    client = Client()
    response = sign_in(client, "ublienminh_dothanhhuong")
    assert response.status_code == 200
    assert "Tài khoản này đã bị khóa" in response.content.decode()
    assert client.get("/").status_code == 302
    # a wrong password on a locked account does not reveal the lock
    response = sign_in(Client(), "ublienminh_dothanhhuong", "sai-mat-khau")
    assert "Tên tài khoản hoặc mật khẩu không đúng." in response.content.decode()


def test_session_of_an_account_locked_meanwhile_ends(person):
    client = Client()
    sign_in(client, "ublienminh_dothanhhuong")
    assert client.get("/").status_code == 200
    services.user_lock(actor=person("tranthilan"), user=person("dothanhhuong"), reason="Nghỉ việc")
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_out_with_vietnamese_message(demo, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "ublienminh_lethuha", "doan-mat-khau")
    response = sign_in(client, "ublienminh_lethuha")  # even the right password now
    assert response.status_code == 429
    text = response.content.decode()
    assert "Tài khoản tạm thời bị khóa do nhập sai mật khẩu" in text
    assert client.get("/").status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(demo):
    client = Client()
    sign_in(client, "ublienminh_lethuha")
    assert client.get("/dang-xuat/").status_code == 405  # a link cannot sign anyone out
    response = client.post("/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.sign_out", actor_username="ublienminh_lethuha").exists()


def test_idle_session_expires_and_sends_back_to_sign_in(demo):
    client = Client()
    sign_in(client, "ublienminh_lethuha")
    assert client.get("/").status_code == 200
    # idle longer than SESSION_COOKIE_AGE: the stored session has passed its deadline
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_each_request_pushes_the_idle_deadline(demo, settings):
    client = Client()
    sign_in(client, "ublienminh_lethuha")
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(seconds=60))
    client.get("/")
    deadline = Session.objects.get().expire_date
    assert deadline > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_the_idle_deadline_is_written_again_only_once_it_moved_by_a_minute(demo, settings):
    client = Client()
    sign_in(client, "ublienminh_lethuha")
    client.get("/")
    first = Session.objects.get().expire_date
    assert client.get("/van-ban-den/").status_code == 200
    assert Session.objects.get().expire_date == first  # moved less than 60 s ago: no write for this page
    behind = first - dt.timedelta(seconds=settings.QLVB_SESSION_MOVE_SLACK_SECONDS + 1)
    Session.objects.update(expire_date=behind)
    client.get("/")
    assert Session.objects.get().expire_date > first  # further behind: written


@pytest.fixture
def signed_in(demo) -> Client:
    client = Client()
    sign_in(client, "ublienminh_lethuha")
    return client


def test_password_change_wrong_current_password(signed_in):
    response = signed_in.post(
        "/doi-mat-khau/",
        {"old_password": "khong-dung", "new_password1": "MatKhau#Moi2025", "new_password2": "MatKhau#Moi2025"},
    )
    assert response.status_code == 200
    assert "Mật khẩu hiện tại không đúng." in response.content.decode()


def test_password_change_policy_in_vietnamese(signed_in):
    response = signed_in.post(
        "/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": "matkhaumoi2025", "new_password2": "matkhaumoi2025"},
    )
    assert "Mật khẩu phải có chữ thường, chữ hoa, chữ số và ký tự đặc biệt." in response.content.decode()
    response = signed_in.post(
        "/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": "Ab#1", "new_password2": "Ab#1"}
    )
    assert "10 ký tự" in response.content.decode()
    response = signed_in.post(
        "/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": "MatKhau#Moi2025", "new_password2": "MatKhau#Khac2025"},
    )
    assert "Hai lần nhập mật khẩu mới không khớp." in response.content.decode()


def test_password_change_keeps_session_and_new_password_works(signed_in):
    response = signed_in.post(
        "/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": "MatKhau#Moi2025", "new_password2": "MatKhau#Moi2025"},
        follow=True,
    )
    assert "Đã đổi mật khẩu." in response.content.decode()
    assert signed_in.get("/").status_code == 200
    assert sign_in(Client(), "ublienminh_lethuha", "MatKhau#Moi2025").status_code == 302
    assert AuditEntry.objects.filter(action="auth.password_changed").exists()


def test_a_request_that_reads_the_session_does_not_undo_what_another_wrote_meanwhile(demo):
    """Two requests of one browser at once: the page's own request reads the session, the SSO start beside it
    writes the provider's state; the first one ending last moves the idle deadline but keeps the state."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from qlvb.web.middleware import AppSessionMiddleware

    client = Client()
    sign_in(client, "ublienminh_lethuha")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=60))

    def page_while_the_other_writes(request):
        assert request.session.get("_auth_user_id")  # this request has read the session
        other = SessionStore(session_key=key)
        other["oidc_states"] = {"abc": {"nonce": "n"}}
        other.save()
        return HttpResponse("ok")

    request = RequestFactory().get("/van-ban-den/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = key
    response = AppSessionMiddleware(page_while_the_other_writes)(request)
    assert isinstance(response, HttpResponse) and response.status_code == 200
    stored = SessionStore(session_key=key)
    assert stored["oidc_states"] == {"abc": {"nonce": "n"}}
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + dt.timedelta(minutes=29)
