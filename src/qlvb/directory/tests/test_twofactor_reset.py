"""The administrator resets a person's two-factor sign-in when the phone is lost (issue 15): the button on
the person's page and the service behind it. The person's app and recovery codes are gone, he is signed
out everywhere and told; his next sign-in asks no code and lets him set up a new app. Only his agency's
administrator (or the system administrator) may; another agency's administrator does not learn he exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qlvb.assignments.models import Notification, NotificationKind
from qlvb.core.errors import Conflict, NotFound, PermissionDenied
from qlvb.core.models import AuditEntry
from qlvb.directory.models import User
from qlvb.directory.twofactor import current_code, twofactor_confirm, twofactor_enrolment
from qlvb.directory.twofactor_reset import user_two_factor_reset, user_two_factor_reset_refusal

from .support import PASSWORD, other_agency

pytestmark = pytest.mark.django_db


def _enrol(user: User) -> None:
    """His app set up and his ten recovery codes made, through the services the enrolment page uses."""
    request = HttpRequest()
    request.session = SessionStore()
    twofactor_confirm(request, user, current_code(twofactor_enrolment(user).device))


@pytest.fixture
def mai(demo: None, settings: Any) -> User:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = User.objects.get(username="ublienminh_phamthimai")
    _enrol(user)
    return user


@pytest.fixture
def lan(demo: None) -> User:
    """Trần Thị Lan, the agency's administrator (role ``admin`` at UBND xã Liên Minh)."""
    return User.objects.get(username="ublienminh_tranthilan")


def _signed_in_browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _has_twofactor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user).exists() or StaticDevice.objects.filter(user=user).exists()


def test_the_administrator_resets_from_the_persons_page(
    mai: User, lan: User, page_as: Callable[..., Client], celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    laptop = _signed_in_browser(mai)
    admin = page_as(lan)
    page = admin.get(reverse("directory:user_detail", args=[mai.pk])).content.decode()
    assert 'data-qlvb="twofactor-reset"' in page
    codes = StaticToken.objects.filter(device__user=mai).count()
    assert codes == 10
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("directory:user_twofactor_reset", args=[mai.pk]), follow=True)
    assert response.status_code == 200
    assert "Đã đặt lại xác thực hai bước: xóa 1 ứng dụng xác thực và 10 mã khôi phục" in response.content.decode()
    assert not _has_twofactor(mai)
    assert laptop.get(reverse("web:home")).status_code == 302  # signed out everywhere
    entry = AuditEntry.objects.filter(action="user.twofactor_reset").latest("seq")
    assert entry.actor_id == lan.pk and entry.object_id == str(mai.pk)
    assert entry.data["authenticator_apps"] == 1 and entry.data["recovery_codes"] == 10
    told = Notification.objects.get(user=mai, kind=NotificationKind.SECURITY)
    assert "đã đặt lại xác thực hai bước của bạn" in told.text and "Trần Thị Lan" in told.text
    # nothing left to reset: the button is gone
    page = admin.get(reverse("directory:user_detail", args=[mai.pk])).content.decode()
    assert 'data-qlvb="twofactor-reset"' not in page


def test_after_the_reset_he_signs_in_with_his_password_and_sets_up_a_new_app(mai: User, lan: User) -> None:
    user_two_factor_reset(actor=lan, user=mai)
    browser = Client()
    response = browser.post(reverse("web:login"), {"username": mai.username, "password": PASSWORD})
    assert response.status_code == 302 and not response["Location"].startswith("/xac-thuc/")
    _enrol(User.objects.get(pk=mai.pk))
    assert TOTPDevice.objects.filter(user=mai, confirmed=True).count() == 1


def test_an_officer_cannot_reset_anyones(mai: User, page_as: Callable[..., Client], person: Any) -> None:
    trang = person("ngothuytrang")
    response = page_as(trang).post(reverse("directory:user_twofactor_reset", args=[mai.pk]))
    assert response.status_code == 403
    assert _has_twofactor(mai)
    with pytest.raises(NotFound):
        user_two_factor_reset(actor=trang, user=mai)
    assert _has_twofactor(mai)


def test_another_agencys_administrator_gets_not_found(mai: User, page_as: Callable[..., Client]) -> None:
    _agency, quan = other_agency()
    client = page_as(quan)
    assert client.get(reverse("directory:user_detail", args=[mai.pk])).status_code == 404
    assert client.post(reverse("directory:user_twofactor_reset", args=[mai.pk])).status_code == 404
    with pytest.raises(NotFound):
        user_two_factor_reset(actor=quan, user=mai)
    assert _has_twofactor(mai)
    assert not AuditEntry.objects.filter(action="user.twofactor_reset").exists()


def test_a_person_without_twofactor_or_oneself_is_refused_with_a_reason(
    mai: User, lan: User, page_as: Callable[..., Client], person: Any
) -> None:
    huong = person("dothanhhuong")  # never set it up
    refusal = user_two_factor_reset_refusal(actor=lan, user=huong)
    assert isinstance(refusal, Conflict) and refusal.code == "twofactor_not_set"
    page = page_as(lan).get(reverse("directory:user_detail", args=[huong.pk])).content.decode()
    assert 'data-qlvb="twofactor-reset"' not in page
    response = page_as(lan).post(reverse("directory:user_twofactor_reset", args=[huong.pk]), follow=True)
    assert "Người này chưa bật xác thực hai bước" in response.content.decode()
    _enrol(lan)
    with pytest.raises(PermissionDenied) as refused:
        user_two_factor_reset(actor=lan, user=lan)
    assert refused.value.code == "twofactor_reset_self"
    assert _has_twofactor(lan)


def test_only_the_system_administrator_resets_a_system_administrator(mai: User, lan: User) -> None:
    root = User.objects.get(username="admin")
    _enrol(root)
    assert isinstance(user_two_factor_reset_refusal(actor=lan, user=root), NotFound)
    assert user_two_factor_reset_refusal(actor=root, user=mai) is None
    user_two_factor_reset(actor=root, user=mai)
    assert not _has_twofactor(mai) and _has_twofactor(root)
