"""The handover page and API (issue 15, Điều 22.1.c, 22.2.b, 31): the head of the unit sees what the
person holds, hands it over with a default successor and a per-item one, and reads the Biên bản bàn
giao (page and XLSX); an officer is refused, a person of another agency does not exist, a locked
successor is refused by name with nothing changed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from qlvb.assignments.models import Assignment
from qlvb.directory.services import user_lock
from qlvb.dossiers.models import Dossier
from qlvb.operations.handover_models import Handover
from qlvb.outgoing.models import Outgoing

from .handover_fixtures import dossier_of, draft_by, incoming_to, who

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(demo: None) -> dict[str, int]:
    huong = who("dothanhhuong")
    return {"assignment": incoming_to(huong).pk, "draft": draft_by(huong).pk, "dossier": dossier_of(huong).pk}


def test_the_head_hands_over_on_the_page_and_reads_the_record(page_as: Any, held: dict[str, int]) -> None:
    nam = page_as("hoangvannam")
    huong, lan = who("dothanhhuong"), who("tranthilan")
    home = nam.get("/quan-tri/ban-giao/").content.decode()
    assert "Đỗ Thanh Hương" in home and "Bùi Thị Loan" not in home
    page = nam.get(f"/quan-tri/ban-giao/nguoi/{huong.pk}/").content.decode()
    assert "Kế hoạch tiêm chủng mở rộng năm 2026" in page and "Hồ sơ phong trào văn hóa năm 2026" in page
    posted = nam.post(
        f"/quan-tri/ban-giao/nguoi/{huong.pk}/",
        {"mode": "leave", "successor": lan.pk, f"item-dossier-{held['dossier']}": who("hoangvannam").pk},
    )
    assert posted.status_code == 302
    record = Handover.objects.get()
    assert posted["Location"] == f"/quan-tri/ban-giao/bien-ban/{record.pk}/"
    assert Assignment.objects.get(pk=held["assignment"]).user == lan
    assert Dossier.objects.get(pk=held["dossier"]).creator == who("hoangvannam")
    shown = nam.get(posted["Location"]).content.decode()
    assert "Đỗ Thanh Hương" in shown and "Trần Thị Lan" in shown and "Hoàng Văn Nam" in shown
    sheet = nam.get(f"/quan-tri/ban-giao/bien-ban/{record.pk}.xlsx")
    assert sheet.status_code == 200
    ws = load_workbook(io.BytesIO(sheet.content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert "BIÊN BẢN BÀN GIAO CÔNG VIỆC" in cells
    assert cells.count("Trần Thị Lan") == 2 and "Hoàng Văn Nam" in cells
    assert not who("dothanhhuong").is_active


def test_a_locked_successor_on_the_page_is_named_and_nothing_changes(page_as: Any, held: dict[str, int]) -> None:
    trang = who("ngothuytrang")
    user_lock(actor=who("tranthilan"), user=trang, reason="Nghỉ hưu")
    nam = page_as("hoangvannam")
    response = nam.post(f"/quan-tri/ban-giao/nguoi/{who('dothanhhuong').pk}/", {"mode": "leave", "successor": trang.pk})
    assert response.status_code == 422
    assert "Ngô Thùy Trang đã bị khóa" in response.content.decode()
    assert Outgoing.objects.get(pk=held["draft"]).drafter == who("dothanhhuong")
    assert not Handover.objects.exists() and who("dothanhhuong").is_active


def test_who_may_open_the_page(page_as: Any, demo: None) -> None:
    huong = who("dothanhhuong")
    assert page_as("ngothuytrang").get(f"/quan-tri/ban-giao/nguoi/{huong.pk}/").status_code == 403
    assert page_as("ngothuytrang").get("/quan-tri/ban-giao/").status_code == 404
    loan = who("tytlienminh_buithiloan")
    assert page_as("hoangvannam").get(f"/quan-tri/ban-giao/nguoi/{loan.pk}/").status_code == 404


def test_the_api_lists_hands_over_and_refuses(api_as: Any, held: dict[str, int]) -> None:
    huong, lan = who("dothanhhuong"), who("tranthilan")
    nam = api_as("hoangvannam")
    listed = nam.get(f"/api/v1/operations/handover/people/{huong.pk}").json()
    assert {i["kind"] for i in listed["items"]} == {"assignment", "draft", "dossier"}
    url = f"/api/v1/operations/handover/people/{huong.pk}"
    other = who("tytlienminh_buithiloan")
    refused = nam.post(url, {"mode": "leave", "successor_id": other.pk}, content_type="application/json")
    assert refused.status_code == 422 and "Bùi Thị Loan" in refused.json()["detail"]
    assert refused.json()["code"] == "handover_successor"
    assert Assignment.objects.get(pk=held["assignment"]).user == huong
    assert api_as("ngothuytrang").get(url).status_code == 403
    assert nam.get(f"/api/v1/operations/handover/people/{other.pk}").status_code == 404

    made = nam.post(
        url,
        {"mode": "leave", "successor_id": lan.pk, "overrides": {f"draft-{held['draft']}": who("hoangvannam").pk}},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["person"] == "Đỗ Thanh Hương" and len(body["lines"]) == 3
    assert {line["kind"]: line["successor"] for line in body["lines"]}["draft"] == "Hoàng Văn Nam"
    again = nam.get(f"/api/v1/operations/handover/records/{body['id']}").json()
    assert again == body
    assert nam.get(f"/api/v1/operations/handover/records/{body['id']}/xlsx").status_code == 200
    assert api_as("tytlienminh_dangvantoan").get(f"/api/v1/operations/handover/records/{body['id']}").status_code == 404
