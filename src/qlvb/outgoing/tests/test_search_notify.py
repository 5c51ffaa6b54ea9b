"""Issue 8: the outgoing list's quick search ``q`` (accent-insensitive, in SQL, page and API), and the
notifications about outgoing documents (the link leads to the outgoing page; opening marks it read)."""

from __future__ import annotations

import pytest

from qlvb.assignments.models import Notification
from qlvb.outgoing import selectors, services

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def three(draft):
    return [
        draft(subject="Triển khai tiêm chủng mở rộng"),
        draft(subject="Báo cáo đất đai quý IV"),
        draft(subject="Kế hoạch phòng chống dịch sốt xuất huyết"),
    ]


def test_quick_search_folds_accents_in_sql(three, person, django_assert_max_num_queries):
    huong = person("dothanhhuong")
    found = selectors.outgoing_box(huong, box="all", q="tiem CHUNG")
    assert "search_folded" in str(found.query)  # filtered by the database, not in Python
    assert [o.document.subject for o in found] == ["V/v triển khai tiêm chủng mở rộng"]
    assert [o.document.subject for o in selectors.outgoing_box(huong, box="all", q="đất đai")] == [
        "V/v báo cáo đất đai quý IV"
    ]
    assert [o.document.subject for o in selectors.outgoing_box(huong, box="all", q="dat dai")] == [
        "V/v báo cáo đất đai quý IV"
    ]
    assert selectors.outgoing_box(huong, box="all", q="sốt chủng").count() == 0  # every word must occur
    assert selectors.outgoing_box(huong, box="all", q="").count() == 3


def test_quick_search_on_the_page_and_the_api(three, person, page_as, api_as):
    client = page_as("dothanhhuong")
    page = client.get("/van-ban-di/", {"box": "all", "q": "sot xuat huyet"}).content.decode()
    assert page.count('data-qlvb="outgoing-row"') == 1 and "sốt xuất huyết" in page
    assert 'value="sot xuat huyet"' in page  # the box keeps the query
    api = api_as("dothanhhuong")
    body = api.get("/api/v1/outgoing", {"q": "TIÊM chung"}).json()
    assert body["count"] == 1 and body["results"][0]["subject"] == "V/v triển khai tiêm chủng mở rộng"


def test_notification_of_an_outgoing_document_opens_its_page_and_is_read(
    draft, with_version, person, committed, page_as
):
    outgoing = with_version(draft())
    with committed():
        services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)  # the department leader is told
    nam = person("hoangvannam")
    note = Notification.objects.get(user=nam, document_id=outgoing.pk)
    assert note.read_at is None
    client = page_as(nam)
    listing = client.get("/van-ban-den/thong-bao/").content.decode()
    assert f'href="/van-ban-den/thong-bao/{note.pk}/"' in listing
    opened = client.get(f"/van-ban-den/thong-bao/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/van-ban-di/{outgoing.pk}/"
    assert client.get(opened["Location"]).status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None
    # someone else's notification: 404, and it stays unread
    other = Notification.objects.filter(document_id=outgoing.pk).exclude(
        user=nam
    ).first() or Notification.objects.create(
        user=person("lethuha"), kind="new_document", text="x", document_id=outgoing.pk, created_at=note.created_at
    )
    assert client.get(f"/van-ban-den/thong-bao/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_notification_api_gives_the_page_and_marks_one_read(draft, with_version, person, committed, api_as):
    outgoing = with_version(draft())
    with committed():
        services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    nam = person("hoangvannam")
    api = api_as(nam)
    listed = api.get("/api/v1/incoming/notifications").json()
    mine = next(n for n in listed if n["document_id"] == outgoing.pk)
    assert mine["url"] == f"/van-ban-di/{outgoing.pk}/" and mine["read"] is False
    r = api.post(f"/api/v1/incoming/notifications/{mine['id']}/read")
    assert r.status_code == 200 and r.json()["url"] == f"/van-ban-di/{outgoing.pk}/"
    assert Notification.objects.get(pk=mine["id"]).read_at is not None
