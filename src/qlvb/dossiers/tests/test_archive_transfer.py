"""Nộp lưu: the owner prepares and submits closed dossiers; the archivist checks each against the list and
accepts or returns it with a reason; accepted dossiers are read-only and seen per their chế độ sử dụng.
Bad input: submitting an open dossier, a dossier twice, someone else's dossier, deciding twice, another
agency's dossier or batch (404)."""

from __future__ import annotations

import datetime as dt

import pytest

from qlvb.assignments.models import Notification
from qlvb.core.audit import AuditEntry
from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.dossiers import archive, services
from qlvb.dossiers.archive_models import Decision, TransferState
from qlvb.dossiers.archive_rules import add_months, transfer_due
from qlvb.dossiers.models import DossierState
from qlvb.dossiers.preconditions import dossier_actions

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers"


@pytest.fixture
def closed(free_dossier, handled, person):
    """``closed(notation)`` → a dossier of Đỗ Thanh Hương with one handled document, closed on 30/06/2026."""

    def run(notation: str = "05.VX", **extra):
        dossier = free_dossier(notation=notation, **extra)
        doc = handled(subject=f"Văn bản của hồ sơ {notation}", page_amount=3, code_number=notation[:2])
        huong = person("dothanhhuong")
        services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[doc.pk])
        return services.dossier_close(actor=huong, dossier=dossier, end_date=dt.date(2026, 6, 30))

    return run


def test_the_deadline_is_a_year_after_the_work_ends_three_months_for_capital_construction(closed, person):
    dossier = closed()
    assert transfer_due(dossier) == dt.date(2027, 6, 30)
    dossier = archive.dossier_terms_set(
        actor=person("dothanhhuong"), dossier=dossier, rights="Hạn chế", capital_construction=True
    )
    assert transfer_due(dossier) == dt.date(2026, 9, 30)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)  # the month's last day, not 03/03


def test_the_officer_submits_and_the_archivist_accepts_one_and_returns_one(
    closed, person, archivist, ubnd, celery_eager, django_capture_on_commit_callbacks
):
    huong = person("dothanhhuong")
    first, second = closed("05.VX"), closed("06.VX")
    batch = archive.transfer_create(actor=huong, dossier_ids=[first.pk, second.pk], title="")
    assert batch.state == TransferState.DRAFT and batch.number == 1
    assert batch.title == f"Tài liệu của {huong.unit.name} năm 2026"  # the default name of the batch
    with django_capture_on_commit_callbacks(execute=True):
        archive.transfer_submit(actor=huong, batch=batch)
    first.refresh_from_db()
    assert first.state == DossierState.SUBMITTED
    assert dossier_actions(huong, first) == set()  # no edit, no reopen while the archive has it
    # the archivists of the agency are told (the demo one and the test one)
    told = set(Notification.objects.filter(text__contains="Hồ sơ nộp lưu mới").values_list("user__username", flat=True))
    assert {"ublienminh_luongvanduc", archivist.username} <= told

    assert [b.pk for b in archive.archive_inbox(archivist)] == [batch.pk]
    assert list(archive.archive_inbox(huong)) == []
    items = {i.dossier_id: i for i in archive.transfer_items(batch)}
    with pytest.raises(PermissionDenied):
        archive.transfer_accept(actor=huong, item=items[first.pk])
    archive.transfer_accept(actor=archivist, item=items[first.pk])
    with pytest.raises(Conflict, match="đã được kiểm tra"):
        archive.transfer_accept(actor=archivist, item=items[first.pk])
    with django_capture_on_commit_callbacks(execute=True):
        archive.transfer_return(actor=archivist, item=items[second.pk], reason="Thiếu văn bản trả lời")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == DossierState.ARCHIVED and second.state == DossierState.CLOSED
    batch.refresh_from_db()
    assert batch.state == TransferState.DONE and batch.received_by == archivist
    assert Notification.objects.filter(user=huong, text__contains="Thiếu văn bản trả lời").exists()
    assert AuditEntry.objects.filter(action="dossiers.transfer_returned", data__reason="Thiếu văn bản trả lời").exists()
    # the returned dossier can be submitted again; the accepted one cannot
    again = archive.transfer_create(actor=huong, dossier_ids=[second.pk], title="Nộp bổ sung")
    assert again.number == 2
    with pytest.raises(Conflict, match="chỉ nộp lưu được hồ sơ đã đóng"):
        archive.transfer_create(actor=huong, dossier_ids=[first.pk], title="")


def test_an_open_dossier_or_one_already_in_a_batch_is_refused(free_dossier, closed, person):
    huong = person("dothanhhuong")
    open_one = free_dossier(notation="07.VX")
    with pytest.raises(Conflict, match="đã đóng") as caught:
        archive.transfer_create(actor=huong, dossier_ids=[open_one.pk], title="")
    assert caught.value.code == "not_transferable"
    done = closed("08.VX")
    archive.transfer_create(actor=huong, dossier_ids=[done.pk], title="")
    with pytest.raises(Conflict, match="đợt nộp lưu khác"):
        archive.transfer_create(actor=huong, dossier_ids=[done.pk], title="")


def test_the_unit_head_may_submit_his_officers_dossier_a_colleague_may_not(closed, person):
    dossier = closed()
    with pytest.raises(Exception, match="Không tìm thấy hồ sơ"):  # a colleague does not even see it
        archive.transfer_create(actor=person("ngothuytrang"), dossier_ids=[dossier.pk], title="")
    # the head of the agency sees every dossier and may submit for the unit
    batch = archive.transfer_create(actor=person("nguyenvanhung"), dossier_ids=[dossier.pk], title="")
    assert batch.created_by == person("nguyenvanhung")


def test_an_archived_dossier_is_seen_per_its_rights(closed, person, archivist):
    from qlvb.dossiers.selectors import dossiers_visible_to

    huong, trang = person("dothanhhuong"), person("ngothuytrang")
    public, secret = closed("05.VX"), closed("06.VX")
    archive.dossier_terms_set(actor=huong, dossier=public, rights="Công khai", capital_construction=False)
    archive.dossier_terms_set(actor=huong, dossier=secret, rights="Mật", capital_construction=False)
    assert not dossiers_visible_to(trang).filter(pk=public.pk).exists()  # not yet archived: the creator's
    batch = archive.transfer_create(actor=huong, dossier_ids=[public.pk, secret.pk], title="")
    archive.transfer_submit(actor=huong, batch=batch)
    for item in archive.transfer_items(batch):
        archive.transfer_accept(actor=archivist, item=item)
    assert dossiers_visible_to(trang).filter(pk=public.pk).exists()  # Công khai: the agency's people
    assert not dossiers_visible_to(trang).filter(pk=secret.pk).exists()
    assert not dossiers_visible_to(huong).filter(pk=secret.pk).exists()  # Mật: no longer its creator
    assert dossiers_visible_to(person("nguyenvanhung")).filter(pk=secret.pk).exists()
    assert not dossiers_visible_to(person("tytlienminh_buithiloan")).filter(pk=public.pk).exists()  # another agency
    # read-only for everyone but the archivist: the creator cannot change the rights any more
    with pytest.raises(Conflict, match="chỉ lưu trữ viên"):
        archive.dossier_terms_set(actor=huong, dossier=public, rights="Hạn chế", capital_construction=False)
    archive.dossier_terms_set(actor=archivist, dossier=public, rights="Hạn chế", capital_construction=False)


def test_the_api_flow_and_another_agencys_ids_answer_404(api_as, closed, archivist):
    dossier = closed()
    huong = api_as("dothanhhuong")
    due = huong.get(f"{BASE}/archive/due").json()
    assert [(d["id"], d["transfer_due"]) for d in due] == [(dossier.pk, "2027-06-30")]
    made = huong.post(
        f"{BASE}/archive/transfers",
        {"dossier_ids": [dossier.pk], "title": "Hồ sơ VHXH 2026"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    batch = made.json()
    assert batch["actions"] == ["submit"] and batch["dossier_count"] == 1 and batch["document_count"] == 1
    tyt = api_as("tytlienminh_buithiloan")
    assert tyt.get(f"{BASE}/archive/transfers/{batch['id']}").status_code == 404
    assert tyt.post(f"{BASE}/archive/transfers/{batch['id']}/submit").status_code == 404
    refused = tyt.post(f"{BASE}/archive/transfers", {"dossier_ids": [dossier.pk]}, content_type="application/json")
    assert refused.status_code == 404
    submitted = huong.post(f"{BASE}/archive/transfers/{batch['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    keeper = api_as(archivist)
    inbox = keeper.get(f"{BASE}/archive/inbox").json()
    assert [b["id"] for b in inbox] == [batch["id"]] and inbox[0]["actions"] == ["decide"]
    item = inbox[0]["items"][0]
    no_reason = keeper.post(
        f"{BASE}/archive/transfers/{batch['id']}/items/{item['id']}/return",
        {"reason": " "},
        content_type="application/json",
    )
    assert no_reason.status_code == 422 and "lý do trả lại" in no_reason.json()["detail"]
    accepted = keeper.post(f"{BASE}/archive/transfers/{batch['id']}/items/{item['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["items"][0]["decision"] == Decision.ACCEPTED
    assert accepted.json()["state"] == "done"
    assert huong.get(f"{BASE}/{dossier.pk}").json()["state"] == "archived"
    bad = huong.post(
        f"{BASE}/archive/dossiers/{dossier.pk}/terms", {"rights": "Tối mật"}, content_type="application/json"
    )
    assert bad.status_code == 409  # archived: the creator may not change it (before the value is even read)
    worse = keeper.post(
        f"{BASE}/archive/dossiers/{dossier.pk}/terms", {"rights": "Tối mật"}, content_type="application/json"
    )
    assert worse.status_code == 422 and worse.json()["code"] == "bad_rights"
    assert (
        tyt.post(
            f"{BASE}/archive/dossiers/{dossier.pk}/terms", {"rights": "Mật"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_the_pages_prepare_submit_and_check_a_batch(page_as, closed, archivist):
    dossier = closed()
    huong = page_as("dothanhhuong")
    listing = huong.get("/ho-so/nop-luu/")
    assert listing.status_code == 200 and "30/06/2027" in listing.content.decode()
    assert "Hết hạn bảo quản" not in listing.content.decode()  # the archivist's pages are not offered to her
    assert huong.get("/ho-so/luu-tru/het-han/").status_code == 404
    made = huong.post("/ho-so/nop-luu/", {"dossier": [dossier.pk], "title": ""})
    assert made.status_code == 302
    batch_url = made["Location"]
    assert huong.post(batch_url, {"action": "submit"}).status_code == 302
    keeper = page_as(archivist)
    inbox = keeper.get("/ho-so/luu-tru/").content.decode()
    assert "Hồ sơ nộp lưu chờ kiểm tra" in inbox and f"Tài liệu của {dossier.creator.unit.name} năm 2026" in inbox
    page = keeper.get(batch_url).content.decode()
    assert "Ngoài danh mục" in page and 'data-qlvb="accept"' in page
    assert "Hết hạn bảo quản" in page and "Hủy tài liệu" in page
    from qlvb.dossiers.archive_models import TransferItem

    item = TransferItem.objects.get(dossier=dossier)
    empty = keeper.post(batch_url, {"action": "return", "item": item.pk, f"r{item.pk}-reason": ""}, follow=True)
    assert "lý do trả lại" in empty.content.decode().lower()
    keeper.post(batch_url, {"action": "return", "item": item.pk, f"r{item.pk}-reason": "Thiếu mục lục"})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CLOSED
    assert page_as("tytlienminh_buithiloan").get(batch_url).status_code == 404
    assert page_as("tytlienminh_buithiloan").get(f"/ho-so/{dossier.pk}/").status_code == 404
