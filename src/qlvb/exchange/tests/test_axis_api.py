"""``/api/v1/exchange/...`` per role and agency, against the real local axis: lists, retry, directory search
and sync, an agency's connection (the secret never comes back) and its test."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from qlvb.directory.models import Unit, User
from qlvb.directory.tests.support import Api
from qlvb.exchange.models import AxisConnection, OutboxItem

from .localaxis import COMMUNE, DISTRICT, PROVINCE, SECRETS, TYT, Axis
from .test_axis_people import failed_item  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(person: Callable[[str], User]) -> Callable[[str], Api]:
    return lambda name: Api(person(name))


def _put(client: Api, path: str, body: dict[str, Any]) -> Any:
    return client.client.put(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=client._headers()
    )


def test_outbox_lists_and_retry_per_role_and_agency(
    failed_item: OutboxItem,  # noqa: F811
    api: Callable[[str], Api],
    committed: Any,
    axis: Axis,
) -> None:
    ha = api("lethuha")
    failed = ha.get("/exchange/outbox", state="failed")
    assert failed.status_code == 200
    [row] = failed.json()
    assert row["id"] == failed_item.pk and row["recipient"] == DISTRICT and row["failed"] is True
    assert row["recipient_name"] == "Ủy ban nhân dân huyện Mô Phỏng" and "xác thực" in row["last_error"]
    assert ha.get("/exchange/outbox", state="waiting").json() == []
    assert ha.get("/exchange/outbox", state="nonsense").status_code == 422
    loan = api("tytlienminh_buithiloan")
    assert loan.get("/exchange/outbox", state="failed").json() == []  # Trạm Y tế's own outbox: empty
    ubnd = Unit.objects.get(organ_id=COMMUNE)
    assert loan.get("/exchange/outbox", agency_id=ubnd.pk).status_code == 404
    assert loan.post(f"/exchange/outbox/{failed_item.pk}/retry").status_code == 404
    assert api("dothanhhuong").get("/exchange/outbox").status_code == 403
    assert api("tranthilan").post(f"/exchange/outbox/{failed_item.pk}/retry").status_code == 403
    assert Api().get("/exchange/outbox").status_code == 401
    with committed():
        retried = ha.post(f"/exchange/outbox/{failed_item.pk}/retry")
    assert retried.status_code == 200 and retried.json()["failed"] is False
    [sent] = ha.get("/exchange/outbox", state="sent").json()
    assert sent["sent_at"] and sent["axis_id"]
    again = ha.post(f"/exchange/outbox/{failed_item.pk}/retry")
    assert again.status_code == 409 and again.json()["code"] == "outbox_not_failed"


def test_inbox_list(axis: Axis, api: Callable[[str], Api], demo: None, tmp_path: Any) -> None:
    from qlvb.exchange.inbox import inbox_poll

    from .localaxis import district_package

    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    assert inbox_poll() == 1
    [row] = api("lethuha").get("/exchange/inbox").json()
    assert row["sender"] == DISTRICT and row["state"] == "registered" and row["subject"].endswith("hộ nghèo cuối năm")
    assert api("lethuha").get("/exchange/inbox", view="refused").json() == []
    assert api("tytlienminh_buithiloan").get("/exchange/inbox").json() == []
    assert api("dothanhhuong").get("/exchange/inbox").status_code == 403


def test_directory_search_and_sync(axis: Axis, api: Callable[[str], Api]) -> None:
    ha = api("lethuha")
    assert api("dothanhhuong").post("/exchange/directory/sync").status_code == 403
    synced = ha.post("/exchange/directory/sync")
    assert synced.status_code == 200
    body = synced.json()
    assert (body["listed"], body["added"], body["own"]) == (5, 3, 2) and "5 cơ quan" in body["summary"]
    by_name = api("dothanhhuong").get("/exchange/agencies", q="huyen mo phong").json()  # any signed-in person
    assert [a["organ_id"] for a in by_name] == [DISTRICT]
    by_code = ha.get("/exchange/agencies", q="000.00.00.H42").json()
    assert [(a["organ_id"], a["external"]) for a in by_code] == [(PROVINCE, True)]


def test_connection_get_put_test(axis: Axis, api: Callable[[str], Api]) -> None:
    lan = api("tranthilan")
    ubnd, tyt = Unit.objects.get(organ_id=COMMUNE), Unit.objects.get(organ_id=TYT)
    empty = lan.get(f"/exchange/connections/{ubnd.pk}").json()
    assert empty["source"] == "settings" and empty["secret_set"] is False
    missing = _put(lan, f"/exchange/connections/{ubnd.pk}", {"endpoint": axis.url, "system_id": "qlvb-demo"})
    assert missing.status_code == 422 and missing.json()["code"] == "axis_secret_missing"
    body = {"endpoint": axis.url, "system_id": "qlvb-demo", "secret": SECRETS["qlvb-demo"]}
    saved = _put(lan, f"/exchange/connections/{ubnd.pk}", body)
    assert saved.status_code == 200
    assert saved.json()["source"] == "agency" and saved.json()["secret_set"] is True
    assert SECRETS["qlvb-demo"] not in saved.content.decode()
    assert SECRETS["qlvb-demo"] not in lan.get(f"/exchange/connections/{ubnd.pk}").content.decode()
    tested = lan.post(f"/exchange/connections/{ubnd.pk}/test").json()
    assert tested["ok"] is True and tested["source"] == "agency" and "5 cơ quan" in tested["message"]
    assert lan.get(f"/exchange/connections/{tyt.pk}").status_code == 200  # below his agency
    for name in ("lethuha", "tytlienminh_buithiloan"):
        assert api(name).get(f"/exchange/connections/{ubnd.pk}").status_code == 403
        assert _put(api(name), f"/exchange/connections/{ubnd.pk}", body).status_code == 403
        assert api(name).post(f"/exchange/connections/{ubnd.pk}/test").status_code == 403
    outside = Unit.objects.create(kind="agency", name="Ngoài", short_name="N", organ_id=DISTRICT, external=True)
    assert lan.get(f"/exchange/connections/{outside.pk}").status_code == 404
    assert AxisConnection.objects.count() == 1


def test_sync_without_any_connection_is_a_conflict_not_a_server_error(api: Callable[[str], Api], settings: Any) -> None:
    settings.QLVB_AXIS_ENDPOINT = ""
    answer = api("lethuha").post("/exchange/directory/sync")
    assert answer.status_code == 409 and answer.json()["code"] == "axis_not_configured"
    assert "Chưa cấu hình kết nối" in answer.json()["detail"]
