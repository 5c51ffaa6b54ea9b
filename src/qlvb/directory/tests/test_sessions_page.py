"""Issue 15, "Accounts and people": the "Phiên đăng nhập" page lists a person's web sessions (device, address,
sign-in time, last activity) and API tokens; "đăng xuất mọi nơi khác" ends every other session and token,
one session can be ended alone, another person's session cannot be touched (404), and an administrator
signs a person out everywhere from the user page. Each is in the audit log."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qlvb.core.models import AuditEntry
from qlvb.directory.models import ApiToken, WebSession
from qlvb.directory.signins import device_label
from qlvb.directory.tasks import sessions_clear

from .support import PASSWORD, Api

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1"
)


def _browser(username: str, *, agent: str = CHROME_WINDOWS, ip: str = "192.0.2.10") -> Client:
    """A browser that signs in through the form."""
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _signed_in(client: Client) -> bool:
    response = client.get(reverse("web:home"))
    return response.status_code == 200


def test_the_device_is_read_from_the_user_agent() -> None:
    assert device_label(CHROME_WINDOWS) == "Chrome 120 · Windows"
    assert device_label(SAFARI_IPHONE) == "Safari 17 · iPhone"
    assert device_label("") == "Không rõ thiết bị"


def test_the_page_lists_each_session_and_token_with_device_and_address(person) -> None:
    huong = person("dothanhhuong")
    office = _browser(huong.username)
    _browser(huong.username, agent=SAFARI_IPHONE, ip="198.51.100.7")
    Api(huong)  # the mobile app's token
    response = office.get(reverse("web:sessions"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chrome 120 · Windows" in page and "Safari 17 · iPhone" in page
    assert "198.51.100.7" in page and "192.0.2.10" in page
    assert page.count('data-qlvb="web-session"') == 2
    assert page.count('data-current="1"') == 1  # this browser is marked
    assert page.count('data-qlvb="api-token"') == 1
    assert 'href="/phien-dang-nhap/"' in office.get(reverse("web:password_change")).content.decode()


def test_sign_out_everywhere_else_ends_other_sessions_and_tokens_but_not_this_one(person) -> None:
    huong = person("dothanhhuong")
    here, laptop, phone_browser = (_browser(huong.username, ip=f"192.0.2.{n}") for n in (1, 2, 3))
    app = Api(huong)
    response = here.post(reverse("web:sessions_end_others"))
    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(laptop) and not _signed_in(phone_browser)
    assert app.get("/me").status_code == 401
    assert WebSession.objects.filter(user=huong).count() == 1
    entry = AuditEntry.objects.filter(action="auth.sessions_ended_elsewhere").latest("seq")
    assert entry.data == {"sessions_ended": 2, "tokens_revoked": 1}


def test_sign_out_everywhere_else_leaves_other_people_signed_in(person) -> None:
    huong, trang = person("dothanhhuong"), person("ngothuytrang")
    here, other = _browser(huong.username), _browser(trang.username)
    trang_app = Api(trang)
    here.post(reverse("web:sessions_end_others"))
    assert _signed_in(other)
    assert trang_app.get("/me").status_code == 200


def test_one_session_can_be_ended_alone(person) -> None:
    huong = person("dothanhhuong")
    here, laptop = _browser(huong.username), _browser(huong.username, agent=SAFARI_IPHONE)
    record = WebSession.objects.get(user=huong, user_agent=SAFARI_IPHONE)
    response = here.post(reverse("web:session_end", args=[record.pk]))
    assert response.status_code == 302
    assert _signed_in(here) and not _signed_in(laptop)
    assert AuditEntry.objects.filter(action="auth.session_ended", actor_id=huong.pk).exists()


def test_ending_this_session_signs_out_here(person) -> None:
    huong = person("dothanhhuong")
    here = _browser(huong.username)
    record = WebSession.objects.get(user=huong)
    response = here.post(reverse("web:session_end", args=[record.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert not _signed_in(here)


def test_another_persons_session_or_token_is_not_found(person) -> None:
    huong, trang = person("dothanhhuong"), person("ngothuytrang")
    here, other = _browser(huong.username), _browser(trang.username)
    Api(trang)
    theirs = WebSession.objects.get(user=trang)
    token = ApiToken.objects.get(user=trang)
    assert here.post(reverse("web:session_end", args=[theirs.pk])).status_code == 404
    assert here.post(reverse("web:token_end", args=[token.pk])).status_code == 404
    assert _signed_in(other)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert Api(huong).delete(f"/directory/me/sessions/{theirs.pk}").status_code == 404


def test_one_token_can_be_revoked_from_the_page(person) -> None:
    huong = person("dothanhhuong")
    here, app = _browser(huong.username), Api(huong)
    token = ApiToken.objects.get(user=huong)
    assert here.post(reverse("web:token_end", args=[token.pk])).status_code == 302
    assert app.get("/me").status_code == 401


def test_an_administrator_signs_a_person_out_everywhere(person) -> None:
    huong, lan = person("dothanhhuong"), person("tranthilan")
    laptop, app = _browser(huong.username), Api(huong)
    admin = _browser(lan.username)
    page = admin.get(reverse("directory:user_detail", args=[huong.pk])).content.decode()
    assert 'data-qlvb="sessions-end"' in page
    response = admin.post(reverse("directory:user_sessions_end", args=[huong.pk]))
    assert response.status_code == 302
    assert not _signed_in(laptop) and app.get("/me").status_code == 401
    assert _signed_in(admin)
    entry = AuditEntry.objects.filter(action="user.sessions_ended").latest("seq")
    assert entry.actor_id == lan.pk and entry.data == {"sessions_ended": 1, "tokens_revoked": 1}


def test_an_officer_cannot_sign_someone_else_out(person) -> None:
    huong, trang = person("dothanhhuong"), person("ngothuytrang")
    laptop = _browser(huong.username)
    response = _browser(trang.username).post(reverse("directory:user_sessions_end", args=[huong.pk]))
    assert response.status_code == 403
    assert _signed_in(laptop)


def test_the_api_lists_sessions_and_signs_out_everywhere_else_keeping_its_token(person) -> None:
    huong = person("dothanhhuong")
    laptop = _browser(huong.username)
    app, tablet = Api(huong), Api(huong)
    listed = app.get("/directory/me/sessions").json()
    assert [s["device"] for s in listed["sessions"]] == ["Chrome 120 · Windows"]
    assert sum(t["current"] for t in listed["tokens"]) == 1 and len(listed["tokens"]) == 2
    response = app.post("/directory/me/sessions/end-others")
    assert response.status_code == 200
    assert response.json() == {"sessions_ended": 1, "tokens_revoked": 1}
    assert app.get("/me").status_code == 200
    assert tablet.get("/me").status_code == 401
    assert not _signed_in(laptop)


def test_signing_out_removes_the_session_from_the_list(person) -> None:
    huong = person("dothanhhuong")
    laptop = _browser(huong.username)
    assert WebSession.objects.filter(user=huong).count() == 1
    laptop.post(reverse("web:logout"))
    assert WebSession.objects.filter(user=huong).count() == 0


def _websession_writes(client: Client) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:home")).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "directory_websession" in q["sql"] and "UPDATE" in q["sql"]]


def test_activity_is_written_at_most_once_per_interval(person, monkeypatch) -> None:
    from datetime import timedelta

    from qlvb.directory import signins

    huong = person("dothanhhuong")
    laptop = _browser(huong.username)
    monkeypatch.setattr(signins, "TOUCH_EVERY", timedelta(days=1))
    assert _websession_writes(laptop) == []  # within the interval: no query on the table
    monkeypatch.setattr(signins, "TOUCH_EVERY", timedelta(0))
    before = WebSession.objects.get(user=huong).last_seen_at
    assert len(_websession_writes(laptop)) == 1  # past it: one UPDATE
    assert WebSession.objects.get(user=huong).last_seen_at >= before


def test_a_session_from_before_the_rows_gets_its_row_at_its_next_request(person) -> None:
    huong = person("dothanhhuong")
    laptop = _browser(huong.username)
    WebSession.objects.filter(user=huong).delete()
    session = laptop.session
    session.pop("_qlvb_seen", None)
    session.save()
    assert _signed_in(laptop)
    assert WebSession.objects.filter(user=huong).count() == 1


def test_the_daily_job_deletes_expired_sessions_with_their_rows_and_keeps_live_ones(person) -> None:
    huong = person("dothanhhuong")
    live = _browser(huong.username)
    gone = _browser(huong.username, agent=SAFARI_IPHONE, ip="198.51.100.7")
    expired_key = gone.session.session_key
    Session.objects.filter(session_key=expired_key).update(expire_date=timezone.now() - timedelta(minutes=1))

    assert sessions_clear() >= 1
    assert not WebSession.objects.filter(session_id=expired_key).exists()
    assert list(WebSession.objects.filter(user=huong).values_list("session_id", flat=True)) == [
        live.session.session_key
    ]
    assert _signed_in(live)
