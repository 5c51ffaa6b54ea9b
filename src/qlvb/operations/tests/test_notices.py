"""Issue 15, Điều 20 and 21.7 of the seed: the system administrator announces an incident or a
maintenance window; every user sees the banner and is notified; during a read-only maintenance every
write is refused with a clear message and nothing is written, reads work; when it ends, everyone is told
what to re-enter. Only the system administrator may do it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from qlvb.assignments.models import Notification, NotificationKind
from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.directory.models import User
from qlvb.operations.notice_models import NoticeKind, SystemNotice
from qlvb.operations.notices import NoticeData, incidents_in, notice_end, notice_start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(demo: None) -> User:
    return User.objects.get(username="admin")


def _maintenance(admin: User, starts_at: dt.datetime | None = None) -> SystemNotice:
    data = NoticeData(
        kind=NoticeKind.MAINTENANCE,
        title="Nâng cấp phiên bản 2.4",
        measures="Văn bản hỏa tốc gửi bằng bản giấy qua văn thư",
        starts_at=starts_at,
        expected_end=(starts_at or timezone.now()) + dt.timedelta(hours=2),
        read_only=True,
    )
    return notice_start(actor=admin, data=data)


def test_only_the_system_administrator_announces(person: Any, client: Any) -> None:
    lan = person("tranthilan")  # administrator of UBND xã Liên Minh, not of the deployment
    with pytest.raises(PermissionDenied):
        notice_start(actor=lan, data=NoticeData(kind=NoticeKind.INCIDENT, title="Mất kết nối"))
    client.force_login(lan)
    assert client.get("/quan-tri/su-co/").status_code == 404
    assert client.post("/quan-tri/su-co/", {"kind": "incident", "title": "x"}).status_code == 404
    assert not SystemNotice.objects.exists()


def test_an_incident_is_shown_to_everyone_and_notified_after_commit(
    admin: User, person: Any, client: Any, django_capture_on_commit_callbacks: Any, celery_eager: None
) -> None:
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/quan-tri/su-co/",
            {
                "kind": "incident",
                "title": "Mất kết nối tới trục liên thông",
                "measures": "Gửi văn bản đi bằng thư điện tử công vụ",
                "expected_end": (timezone.localtime() + dt.timedelta(hours=3)).strftime("%H:%M %d/%m/%Y"),
            },
        )
    assert response.status_code == 302
    ha = person("lethuha")
    client.force_login(ha)
    page = client.get("/").content.decode()
    assert "Sự cố: Mất kết nối tới trục liên thông" in page
    assert "Biện pháp tạm thời: Gửi văn bản đi bằng thư điện tử công vụ" in page
    assert "dự kiến khôi phục lúc" in page
    told = Notification.objects.filter(kind=NotificationKind.SYSTEM)
    assert told.filter(user=ha).count() == 1
    assert told.count() == User.objects.filter(is_active=True).count()


def test_read_only_maintenance_refuses_every_write_and_keeps_reads(
    admin: User, person: Any, client: Any, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notice = _maintenance(admin)
    ha = person("lethuha")
    client.force_login(ha)
    assert client.get("/van-ban-den/").status_code == 200  # reads work

    before = Notification.objects.count()
    refused = client.post("/van-ban-den/thong-bao/da-doc/")
    assert refused.status_code == 503
    assert "Hệ thống đang bảo trì" in refused.content.decode()
    assert "CHƯA được lưu" in refused.content.decode()
    assert refused["Retry-After"] == "300"
    api = api_as(ha).post("/api/v1/incoming/notifications/read", content_type="application/json", data={})
    assert api.status_code == 503
    assert api.json()["code"] == "read_only"
    assert Notification.objects.count() == before

    client.force_login(admin)  # the administrator still writes: he ends the maintenance
    with django_capture_on_commit_callbacks(execute=True):
        ended = client.post(f"/quan-tri/su-co/{notice.pk}/ket-thuc/", {"cause": "Nâng cấp xong", "reenter": ""})
    assert ended.status_code == 302
    client.force_login(ha)
    assert client.post("/van-ban-den/thong-bao/da-doc/").status_code != 503
    assert "Nâng cấp phiên bản 2.4" not in client.get("/").content.decode()


def test_a_maintenance_announced_ahead_shows_as_coming_and_does_not_stop_writes(
    admin: User, person: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _maintenance(admin, starts_at=timezone.now() + dt.timedelta(days=2))
    client.force_login(person("lethuha"))
    assert "Sắp bảo trì: Nâng cấp phiên bản 2.4" in client.get("/").content.decode()
    assert client.post("/van-ban-den/thong-bao/da-doc/").status_code != 503


def test_bad_dates_and_double_end_are_refused(admin: User) -> None:
    now = timezone.now()
    with pytest.raises(ValidationFailed, match="phải sau lúc bắt đầu"):
        notice_start(
            actor=admin,
            data=NoticeData(
                kind=NoticeKind.INCIDENT, title="x", starts_at=now, expected_end=now - dt.timedelta(hours=1)
            ),
        )
    notice = notice_start(actor=admin, data=NoticeData(kind=NoticeKind.INCIDENT, title="Mất điện"))
    notice_end(actor=admin, notice_id=notice.pk, cause="Mất điện lưới", reenter="Văn bản đến vào sổ sau 9 giờ")
    with pytest.raises(Exception, match="đã kết thúc"):
        notice_end(actor=admin, notice_id=notice.pk)


def test_the_incident_log_gives_the_report_its_counts_and_downtime(admin: User) -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    outage = notice_start(
        actor=admin,
        data=NoticeData(
            kind=NoticeKind.INCIDENT, title="Hỏng ổ đĩa", starts_at=dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
        ),
    )
    SystemNotice.objects.filter(pk=outage.pk).update(ended_at=dt.datetime(2026, 3, 2, 11, 30, tzinfo=dt.UTC))
    across = notice_start(
        actor=admin,
        data=NoticeData(
            kind=NoticeKind.MAINTENANCE, title="Nâng cấp", starts_at=dt.datetime(2026, 6, 30, 23, tzinfo=dt.UTC)
        ),
    )
    SystemNotice.objects.filter(pk=across.pk).update(ended_at=dt.datetime(2026, 7, 1, 1, tzinfo=dt.UTC))

    summary = incidents_in(start, end)

    assert (summary.incidents, summary.maintenances) == (1, 1)
    assert summary.downtime == dt.timedelta(hours=4, minutes=30)  # 3 h 30 + the hour inside the period
