"""The home page per role: what waits for me with counts linking to their lists, and for those who may
see figures the leader's dashboard (SVG charts with title and desc, numbers as links), kept correct
through the cache."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.direction.tests.task_fixtures import give
from qlvb.incoming.services import incoming_submit
from qlvb.reports import dashboard
from qlvb.reports.scope import scope_require

from .conftest import age

pytestmark = pytest.mark.django_db


def _waiting(client) -> dict[str, tuple[int, str]]:
    html = client.get("/thong-ke/cho-toi/").content.decode()
    found = re.findall(r'<a href="([^"]+)" data-qlvb="waiting-(\w+)">[^<]*</a>\s*<span[^>]*>(\d+)</span>', html)
    return {key: (int(n), url.replace("&amp;", "&")) for url, key, n in found}


def test_each_role_sees_what_waits_for_it(page_as, person, handle, task, ubnd):
    from qlvb.documents.models import DocumentType
    from qlvb.incoming.services import IncomingData, incoming_receive

    ha = person("lethuha")
    doc = incoming_receive(
        actor=ha,
        agency=ubnd,
        channel="email",
        data=IncomingData(
            doc_type=DocumentType.objects.get(name="Công văn"), subject="Giấy mời họp", organ_name="UBND huyện"
        ),
    ).document
    incoming_submit(actor=ha, document=doc, leader=person("nguyenvanhung"))
    handle("Kế hoạch tiêm chủng")
    give(person("nguyenvanhung"), lead=person("dothanhhuong"))  # a task of the direction app
    task()  # a bare assignment without a task is no task of hers

    leader = _waiting(page_as("nguyenvanhung"))
    assert leader["to_direct"] == (1, "/van-ban-den/?box=to_direct")
    officer = _waiting(page_as("dothanhhuong"))
    assert officer["to_handle"][0] == 1 and officer["tasks"][0] == 1
    assert officer["tasks"][1] == "/cong-viec/?box=mine&status=open"
    assert page_as("dothanhhuong").get(officer["tasks"][1]).context["page"].paginator.count == 1
    clerk = _waiting(page_as("lethuha"))
    assert "to_register" in clerk and "to_direct" not in clerk
    # each link opens the list it counts
    listed = page_as("nguyenvanhung").get(leader["to_direct"][1])
    assert listed.status_code == 200 and "Giấy mời họp" in listed.content.decode()


def test_the_home_page_loads_the_widgets_for_its_role(page_as):
    leader = page_as("nguyenvanhung").get("/").content.decode()
    assert "/thong-ke/cho-toi/" in leader and "/thong-ke/bang-dieu-hanh/" in leader
    officer = page_as("dothanhhuong").get("/").content.decode()
    assert "/thong-ke/cho-toi/" in officer and "/thong-ke/bang-dieu-hanh/" not in officer
    assert page_as("dothanhhuong").get("/thong-ke/bang-dieu-hanh/").content == b""


def test_the_dashboard_draws_accessible_charts_with_linked_numbers(page_as, handle):
    late = handle("Rà soát hộ nghèo")
    age(late.lead, late.mine, days=4)
    html = page_as("nguyenvanhung").get("/thong-ke/bang-dieu-hanh/").content.decode()
    svgs = re.findall(r"<svg[^>]*role=\"img\"[^>]*>.*?</svg>", html, flags=re.S)
    assert len(svgs) == 4
    for svg in svgs:
        assert "<title id=" in svg and "<desc id=" in svg and "aria-labelledby" in svg
        assert not re.search(r'="\d+,\d+"', svg)  # coordinates never localized with a decimal comma
    assert "Phòng Văn hóa - Xã hội: Đúng hạn 0, Trễ hạn 0, Quá hạn 1" in html
    assert re.search(r'data-qlvb="tile-overdue-now"><span class="qlvb-tile-n">1</span>', html)
    assert "<script" not in html and "cdn" not in html.lower()


def test_the_dashboard_is_cached_and_refreshed_after_a_committed_action(
    person, handle, finish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        work = handle("Báo cáo dân số")
    scope = scope_require(person("nguyenvanhung"))
    first = dashboard.dashboard(scope)
    assert first["work"]["not_due"] == 1 and first["work"]["on_time"] == 0
    with CaptureQueriesContext(connection) as queries:
        again = dashboard.dashboard(scope)
    assert again == first and len(queries) == 0  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        finish(work)  # the officer's completion records a document event: the agency's version moves
    after = dashboard.dashboard(scope)
    assert after["work"]["on_time"] == 1 and after["work"]["not_due"] == 0


def test_a_rolled_back_action_keeps_the_cached_figures(person, handle, finish, django_capture_on_commit_callbacks):
    from qlvb.reports import cache

    with django_capture_on_commit_callbacks(execute=True):
        handle("Báo cáo dân số")
    agency = scope_require(person("nguyenvanhung")).agency.pk
    before = cache.version(agency)
    with django_capture_on_commit_callbacks(execute=False):
        handle("Kế hoạch phòng chống thiên tai")  # the callbacks never run: as if rolled back
    assert cache.version(agency) == before
