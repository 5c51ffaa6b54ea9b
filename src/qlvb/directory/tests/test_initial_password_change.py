"""Issue 15 (password policy): an account whose password an administrator set — created with a password,
or reset — must choose its own at the next sign-in before any page; the API answers 403 until then
(except the password change itself). The demo accounts are not flagged, so the demo stays usable."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qlvb.core.errors import PermissionDenied
from qlvb.core.models import AuditEntry
from qlvb.directory import services
from qlvb.directory.models import ApiToken, User
from qlvb.directory.tokens import token_issue

from .support import unit

pytestmark = pytest.mark.django_db

INITIAL = "Ban-dau#2026xa"
OWN = "Cua-toi#2026moi"


def _created(person: Any) -> User:
    return services.user_create(
        actor=person("tranthilan"),
        data=services.NewUser(full_name="Nguyễn Thị Bình", unit=unit("VHXH"), password=INITIAL),
    )


def _signed_in(user: User, password: str) -> Client:
    client = Client()
    response = client.post("/dang-nhap/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_an_account_created_by_an_administrator_must_change_its_password_first(person: Any) -> None:
    user = _created(person)
    assert user.must_change_password
    client = _signed_in(user, INITIAL)
    response = client.get("/van-ban-den/")
    assert response.status_code == 302
    assert response["Location"].startswith("/doi-mat-khau/?next=")
    assert client.get("/ho-tro/").status_code == 302  # every page, not only the home page
    page = client.get("/doi-mat-khau/")
    assert page.status_code == 200
    assert "Mật khẩu hiện tại do quản trị viên đặt" in page.content.decode()

    done = client.post(
        "/doi-mat-khau/?next=/van-ban-den/",
        {"old_password": INITIAL, "new_password1": OWN, "new_password2": OWN},
    )
    assert done.status_code == 302
    assert done["Location"] == "/van-ban-den/"
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/van-ban-den/").status_code == 200


def test_the_same_initial_password_again_is_refused_and_the_flag_stays(person: Any) -> None:
    user = _created(person)
    client = _signed_in(user, INITIAL)
    page = client.post("/doi-mat-khau/", {"old_password": INITIAL, "new_password1": INITIAL, "new_password2": INITIAL})
    assert page.status_code == 200
    assert "Mật khẩu mới phải khác mật khẩu hiện tại" in page.content.decode()
    user.refresh_from_db()
    assert user.must_change_password
    assert client.get("/").status_code == 302


def test_the_api_answers_403_until_the_change_except_the_change_itself(person: Any) -> None:
    user = _created(person)
    client = _signed_in(user, INITIAL)
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    changed = client.post(
        "/api/v1/directory/me/password",
        {"old_password": INITIAL, "new_password": OWN},
        content_type="application/json",
    )
    assert changed.status_code == 204, changed.content
    assert client.get("/api/v1/me").status_code == 200


def test_a_reset_flags_the_account_ends_its_sessions_and_tokens(person: Any) -> None:
    admin = person("tranthilan")
    ha = person("lethuha")
    assert not ha.must_change_password  # the demo accounts are not flagged
    old_session = Client()
    old_session.force_login(ha)
    token_issue(user=ha, name="điện thoại")
    services.user_password_reset(actor=admin, user=ha, new_password=INITIAL)
    ha.refresh_from_db()
    assert ha.must_change_password
    assert not ApiToken.objects.filter(user=ha, revoked_at__isnull=True).exists()
    assert old_session.get("/")["Location"].startswith("/dang-nhap/")  # the old password's session ended
    assert AuditEntry.objects.filter(action="user.password_reset", actor_id=admin.pk).exists()
    client = _signed_in(ha, INITIAL)
    assert client.get("/")["Location"].startswith("/doi-mat-khau/")


def test_only_an_administrator_over_the_person_resets(person: Any) -> None:
    ha = person("lethuha")
    with pytest.raises(PermissionDenied):
        services.user_password_reset(actor=person("nguyenvanhung"), user=ha, new_password=INITIAL)  # a leader
    ha.refresh_from_db()
    assert not ha.must_change_password


def test_the_demo_accounts_are_not_flagged(demo: None) -> None:
    assert not User.objects.filter(must_change_password=True).exists()


def test_the_user_page_resets_a_password_for_the_administrator_only(person: Any, page_as: Any) -> None:
    ha = person("lethuha")
    refused = page_as("nguyenvanhung").post(
        f"/quan-tri/nguoi-dung/{ha.pk}/dat-lai-mat-khau/", {"new_password": INITIAL}
    )
    assert refused.status_code in (403, 404)
    ha.refresh_from_db()
    assert not ha.must_change_password
    lan = page_as("tranthilan")
    assert 'data-qlvb="password-reset"' in lan.get(f"/quan-tri/nguoi-dung/{ha.pk}/").content.decode()
    weak = lan.post(f"/quan-tri/nguoi-dung/{ha.pk}/dat-lai-mat-khau/", {"new_password": "123"}, follow=True)
    assert weak.status_code == 200
    ha.refresh_from_db()
    assert not ha.must_change_password  # a password the policy refuses changes nothing
    done = lan.post(f"/quan-tri/nguoi-dung/{ha.pk}/dat-lai-mat-khau/", {"new_password": INITIAL}, follow=True)
    assert "người dùng phải đổi mật khẩu ở lần đăng nhập sau" in done.content.decode()
    ha.refresh_from_db()
    assert ha.must_change_password and ha.check_password(INITIAL)


def test_no_api_token_is_issued_before_the_change(person: Any) -> None:
    user = _created(person)
    refused = Client().post(
        "/api/v1/auth/token", {"username": user.username, "password": INITIAL}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_api_resets_for_the_administrator(person: Any, api_as: Any) -> None:
    ha = person("lethuha")
    response = api_as("tranthilan").post(
        f"/api/v1/directory/users/{ha.pk}/password-reset", {"new_password": INITIAL}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    ha.refresh_from_db()
    assert ha.must_change_password and ha.check_password(INITIAL)
    weak = api_as("tranthilan").post(
        f"/api/v1/directory/users/{ha.pk}/password-reset", {"new_password": "123"}, content_type="application/json"
    )
    assert weak.status_code == 422
    assert weak.json()["code"] == "password_policy"
