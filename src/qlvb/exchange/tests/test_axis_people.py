"""The people's side of the axis (issue 11): the clerk's "Liên thông" page, the administrator's
connection settings and test, the directory sync, and ``/api/v1/exchange`` — per role and per agency,
against the real local axis (``qlvb.axissim`` served on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from qlvb.core.errors import NotFound, PermissionDenied, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.directory.models import Unit, User
from qlvb.exchange import axis_services as services
from qlvb.exchange.axis_connections import transports_all
from qlvb.exchange.inbox import inbox_poll
from qlvb.exchange.models import AxisAgency, AxisConnection, InboxItem, InboxState, OutboxItem
from qlvb.exchange.outbox import outbox_send_due

from .localaxis import COMMUNE, DISTRICT, ELSEWHERE, PROVINCE, SECRETS, TYT, Axis, district_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(person: Callable[[str], User]) -> Callable[[str], Client]:
    def login(name: str) -> Client:
        client = Client()
        client.force_login(person(name))
        return client

    return login


@pytest.fixture
def failed_item(axis: Axis, district: Unit, issued: Any, settings: Any, eager: None) -> OutboxItem:
    """A công văn of UBND xã Liên Minh to the district that the axis refused for good (wrong secret)."""
    settings.QLVB_AXIS_SECRET = "wrong-secret"
    issued(recipients=[district])  # the exchange queues it; the send after the commit is refused for good
    assert outbox_send_due() == 0
    settings.QLVB_AXIS_SECRET = SECRETS["qlvb-demo"]
    item = OutboxItem.objects.get()
    assert item.failed and item.sent_at is None
    return item


# --- the page ---------------------------------------------------------------------------------------------


def test_the_clerk_sees_a_failed_send_with_the_axis_message_and_retries_it(
    failed_item: OutboxItem, web: Callable[[str], Client], axis: Axis, committed: Any
) -> None:
    ha = web("lethuha")
    page = ha.get("/lien-thong/", {"xem": "loi"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ủy ban nhân dân huyện Mô Phỏng" in html and DISTRICT in html
    assert failed_item.last_error and failed_item.last_error in html  # the axis's own words
    assert "Gửi lại" in html and f"/lien-thong/goi-tin/{failed_item.pk}/gui-lai/" in html
    with committed():
        response = ha.post(f"/lien-thong/goi-tin/{failed_item.pk}/gui-lai/")
    assert response.status_code == 302 and response["Location"].endswith("?xem=cho-gui")
    failed_item.refresh_from_db()
    assert not failed_item.failed and failed_item.sent_at is not None  # the after-commit task sent it
    assert AuditEntry.objects.filter(action="exchange.outbox_retried", actor_id__isnull=False).count() == 1
    assert len(axis.district.list_received(message_type="edoc")) == 1
    sent = ha.get("/lien-thong/", {"xem": "da-gui"}).content.decode()
    assert failed_item.axis_id in sent
    # a second retry of what is no longer failed: refused with a message, nothing changes
    again = ha.post(f"/lien-thong/goi-tin/{failed_item.pk}/gui-lai/", follow=True).content.decode()
    assert "không ở trạng thái gửi lỗi" in again


def test_another_agency_clerk_gets_404_and_other_roles_403(
    failed_item: OutboxItem, web: Callable[[str], Client]
) -> None:
    loan = web("tytlienminh_buithiloan")  # clerk of Trạm Y tế: another agency
    assert loan.get("/lien-thong/").status_code == 200
    assert str(failed_item.last_error) not in loan.get("/lien-thong/", {"xem": "loi"}).content.decode()
    assert loan.post(f"/lien-thong/goi-tin/{failed_item.pk}/gui-lai/").status_code == 404
    ubnd = Unit.objects.get(organ_id=COMMUNE)
    assert loan.get("/lien-thong/", {"co-quan": ubnd.pk}).status_code == 404
    for name in ("dothanhhuong", "nguyenvanhung", "tranthilan"):  # officer, leader, administrator
        client = web(name)
        assert client.get("/lien-thong/").status_code == 403
        assert client.post(f"/lien-thong/goi-tin/{failed_item.pk}/gui-lai/").status_code == 403
    failed_item.refresh_from_db()
    assert failed_item.failed
    assert Client().get("/lien-thong/").status_code == 302  # to the sign-in page


def test_received_today_and_refused_packages_with_their_reason(
    axis: Axis, demo: None, web: Callable[[str], Client], tmp_path: Path
) -> None:
    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    axis.district.send(district_package(tmp_path, number="46", to=ELSEWHERE), sender=DISTRICT)
    assert inbox_poll() == 2
    refused = InboxItem.objects.get(state=InboxState.REFUSED)
    ha = web("lethuha")
    today = ha.get("/lien-thong/", {"xem": "den-hom-nay"}).content.decode()
    assert "V/v rà soát hộ nghèo cuối năm" in today and "Đã tiếp nhận" in today
    # the refused package was for the Trường Mầm non code, not UBND's: UBND's refused tab stays empty
    assert refused.recipient == ELSEWHERE
    assert escape(refused.reason) not in ha.get("/lien-thong/", {"xem": "tu-choi"}).content.decode()
    axis.district.send(district_package(tmp_path, number="47", header={"other_info": _secret()}), sender=DISTRICT)
    assert inbox_poll() == 1
    mine = InboxItem.objects.get(state=InboxState.REFUSED, recipient=COMMUNE)
    page = ha.get("/lien-thong/", {"xem": "tu-choi"}).content.decode()
    assert mine.reason and escape(mine.reason) in page and "văn bản mật" in mine.reason
    assert 'data-qlvb="tab-tu-choi"' in page


def _secret() -> Any:
    from qlvb.exchange.edxml import model as m

    return m.OtherInfo(priority="Mật")


# --- connections ------------------------------------------------------------------------------------------


def test_the_administrator_sets_the_connection_the_secret_is_sealed_and_never_shown(
    axis: Axis, web: Callable[[str], Client], person: Callable[[str], User]
) -> None:
    lan = web("tranthilan")  # administrator of UBND (and so of Trạm Y tế below it)
    ubnd = Unit.objects.get(organ_id=COMMUNE)
    listing = lan.get("/lien-thong/ket-noi/").content.decode()
    assert "Ủy ban nhân dân xã Liên Minh" in listing and "Trạm Y tế xã Liên Minh" in listing
    url = f"/lien-thong/ket-noi/{ubnd.pk}/"
    first = lan.post(url, {"endpoint": axis.url, "system_id": "qlvb-demo", "secret": ""})
    assert "Cần nhập mật khẩu kết nối" in first.content.decode()
    assert not AxisConnection.objects.exists()
    saved = lan.post(url, {"endpoint": axis.url, "system_id": "qlvb-demo", "secret": SECRETS["qlvb-demo"]})
    assert saved.status_code == 302
    connection = AxisConnection.objects.get(agency=ubnd)
    assert SECRETS["qlvb-demo"] not in connection.secret_sealed
    page = lan.get(url).content.decode()
    assert SECRETS["qlvb-demo"] not in page and "Mật khẩu kết nối đã lưu" in page
    entry = AuditEntry.objects.get(action="exchange.connection_saved")
    assert SECRETS["qlvb-demo"] not in json.dumps(entry.data) and entry.data["secret_changed"] is True
    # saved again without a secret: the sealed one stays
    lan.post(url, {"endpoint": axis.url + "/", "system_id": "qlvb-demo", "secret": ""})
    connection.refresh_from_db()
    assert connection.endpoint == axis.url
    assert services.connection_test(actor=person("tranthilan"), agency=ubnd).ok


def test_kiem_tra_ket_noi_shows_what_the_axis_answered(axis: Axis, web: Callable[[str], Client], settings: Any) -> None:
    lan = web("tranthilan")
    ubnd = Unit.objects.get(organ_id=COMMUNE)
    url = f"/lien-thong/ket-noi/{ubnd.pk}/"
    ok = lan.post(url + "kiem-tra/", follow=True).content.decode()
    assert "Kết nối thành công" in ok and "danh bạ 5 cơ quan" in ok  # the deployment's settings: the simulator
    lan.post(url, {"endpoint": axis.url, "system_id": "qlvb-demo", "secret": "not-the-secret"})
    bad = lan.post(url + "kiem-tra/", follow=True).content.decode()
    assert "Không kết nối được" in bad and "xác thực" in bad
    connection = AxisConnection.objects.get(agency=ubnd)
    assert connection.test_ok is False and connection.tested_at is not None
    settings.QLVB_AXIS_TIMEOUT = 5
    lan.post(url, {"endpoint": "http://127.0.0.1:9", "system_id": "qlvb-demo", "secret": "x"})
    down = lan.post(url + "kiem-tra/", follow=True).content.decode()
    assert "Không kết nối được" in down


def test_connection_pages_per_role_and_agency(axis: Axis, web: Callable[[str], Client], demo: None) -> None:
    ubnd = Unit.objects.get(organ_id=COMMUNE)
    tyt = Unit.objects.get(organ_id=TYT)
    for name in ("lethuha", "dothanhhuong", "tytlienminh_buithiloan"):
        client = web(name)
        assert client.get("/lien-thong/ket-noi/").status_code == 403
        assert client.get(f"/lien-thong/ket-noi/{ubnd.pk}/").status_code == 403
        assert client.post(f"/lien-thong/ket-noi/{ubnd.pk}/kiem-tra/").status_code == 403
    assert web("tranthilan").get(f"/lien-thong/ket-noi/{tyt.pk}/").status_code == 200  # below his agency
    district = Unit.objects.create(kind="agency", name="Huyện khác", short_name="HK", organ_id=PROVINCE, external=True)
    assert web("tranthilan").get(f"/lien-thong/ket-noi/{district.pk}/").status_code == 404  # not ours
    assert not AxisConnection.objects.exists()


def test_an_agency_connection_is_what_the_engine_uses(axis: Axis, person: Callable[[str], User]) -> None:
    ubnd = Unit.objects.get(organ_id=COMMUNE)
    lan = person("tranthilan")
    with pytest.raises(ValidationFailed, match="http"):
        services.connection_save(actor=lan, agency=ubnd, endpoint="ftp://x", system_id="a", secret="b")
    services.connection_save(actor=lan, agency=ubnd, endpoint=axis.url, system_id="qlvb-demo", secret="wrong")
    assert len(transports_all()) == 1  # same system as the settings: polled once
    from qlvb.exchange.axis_config import transport_get
    from qlvb.exchange.transport import TransportError

    with pytest.raises(TransportError, match="xác thực"):
        transport_get(COMMUNE).list_received()
    assert transport_get(TYT).list_received() == []  # Trạm Y tế: still the deployment's settings
    with pytest.raises(PermissionDenied):
        services.connection_save(
            actor=person("lethuha"), agency=ubnd, endpoint=axis.url, system_id="qlvb-demo", secret="x"
        )


# --- the directory -------------------------------------------------------------------------------------


def test_directory_sync_imports_updates_and_retires_outside_agencies(
    axis: Axis, person: Callable[[str], User], web: Callable[[str], Client], tmp_path: Path
) -> None:
    result = services.directory_sync(actor=person("lethuha"))
    assert (result.listed, result.added, result.own, result.invalid) == (5, 3, 2, [])
    province = Unit.objects.get(organ_id=PROVINCE)
    assert province.external and province.is_active and province.name == "Ủy ban nhân dân tỉnh Mô Phỏng"
    assert AxisAgency.objects.get(code=DISTRICT).parent_code == PROVINCE
    assert not Unit.objects.get(organ_id=COMMUNE).external  # our own agency untouched
    # a second sync changes nothing
    again = services.directory_sync(actor=None)
    assert (again.added, again.updated, again.gone) == (0, 0, 0)
    # the axis renames one, drops one, and lists a malformed code and a duplicate
    path = tmp_path / "axis" / "agencies.json"
    rows = [r for r in json.loads(path.read_text()) if r["code"] != ELSEWHERE]
    for r in rows:
        if r["code"] == PROVINCE:
            r["name"] = "Ủy ban nhân dân tỉnh Mô Phỏng Mới"
    rows += [{"code": "000-00-99-H42", "name": "Sai mã"}, {"code": PROVINCE.lower(), "name": "Trùng"}]
    path.write_text(json.dumps(rows, ensure_ascii=False))
    third = services.directory_sync(actor=person("tranthilan"))
    assert (third.updated, third.gone, len(third.invalid)) == (1, 1, 2)
    assert "000-00-99-H42" in third.invalid[0] and "trùng mã" in third.invalid[1]
    assert Unit.objects.get(organ_id=PROVINCE).name == "Ủy ban nhân dân tỉnh Mô Phỏng Mới"
    assert Unit.objects.get(organ_id=ELSEWHERE).is_active is False
    assert AxisAgency.objects.get(code=ELSEWHERE).gone_at is not None
    assert AuditEntry.objects.filter(action="exchange.directory_synced").count() == 3
    with pytest.raises(PermissionDenied):
        services.directory_sync(actor=person("dothanhhuong"))
    # the outside-agency page finds an imported agency by its code and offers the sync button
    page = web("lethuha").get("/quan-tri/co-quan-ngoai/", {"q": "000.00.30"}).content.decode()
    assert "Ủy ban nhân dân huyện Mô Phỏng" in page and "Mô Phỏng Mới" not in page
    assert 'data-qlvb="directory-sync"' in page


def test_the_sync_button_and_the_beat_job(axis: Axis, web: Callable[[str], Client], celery_eager: None) -> None:
    ha = web("lethuha")
    response = ha.post("/lien-thong/danh-ba/dong-bo/", {"next": "/quan-tri/co-quan-ngoai/"}, follow=True)
    assert "Đã đồng bộ danh bạ từ trục liên thông: 5 cơ quan, thêm mới 3" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/quan-tri/co-quan-ngoai/"
    assert web("dothanhhuong").post("/lien-thong/danh-ba/dong-bo/").status_code == 403
    from qlvb.exchange.tasks import axis_directory_sync

    assert axis_directory_sync.delay().get() == 5
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["axis-directory-sync"]["task"] == "qlvb.exchange.axis_directory_sync"


def test_the_nav_shows_lien_thong_to_clerks_and_administrators(web: Callable[[str], Client]) -> None:
    assert 'href="/lien-thong/"' in web("lethuha").get("/").content.decode()
    assert 'href="/lien-thong/ket-noi/"' in web("tranthilan").get("/").content.decode()
    assert 'data-qlvb="nav-axis"' not in web("dothanhhuong").get("/").content.decode()


def test_not_found_is_not_forbidden(failed_item: OutboxItem, person: Callable[[str], User]) -> None:
    with pytest.raises(NotFound):
        services.outbox_item_retry(actor=person("tytlienminh_buithiloan"), pk=failed_item.pk)
    with pytest.raises(PermissionDenied):
        services.outbox_item_retry(actor=person("dothanhhuong"), pk=failed_item.pk)


def test_the_sync_command(axis: Axis, demo: None, settings: Any) -> None:
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("axis-directory-sync", stdout=out)
    assert "5 cơ quan, thêm mới 3" in out.getvalue()
    settings.QLVB_AXIS_ENDPOINT = ""
    with pytest.raises(CommandError, match="Chưa cấu hình kết nối"):
        call_command("axis-directory-sync", stdout=io.StringIO())


def test_a_secret_sealed_under_another_key_asks_for_it_again(
    axis: Axis, person: Callable[[str], User], settings: Any
) -> None:
    from qlvb.exchange.axis_config import transport_get
    from qlvb.exchange.transport import TransportError

    ubnd = Unit.objects.get(organ_id=COMMUNE)
    services.connection_save(
        actor=person("tranthilan"), agency=ubnd, endpoint=axis.url, system_id="other-system", secret="s"
    )
    assert len(transports_all()) == 2  # its own system, and the deployment's
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(TransportError, match="nhập lại mật khẩu"):
        transport_get(COMMUNE)
    assert len(transports_all()) == 1  # the deployment's system is still polled
