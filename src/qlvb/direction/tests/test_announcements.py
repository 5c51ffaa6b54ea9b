"""Announcements: to the agency, a unit or chosen people; shown on the home page until read; "phải đọc" with
read receipts (who read, who not yet); a validity period; refused to another agency's unit or people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from qlvb.core.errors import NotFound, PermissionDenied, ValidationFailed
from qlvb.direction import announcement_selectors as selectors
from qlvb.direction import announcements as services
from qlvb.direction.announcement_models import Announcement, Audience

pytestmark = pytest.mark.django_db


def _post(person, ubnd, by="lethuha", **fields):
    values: dict[str, Any] = {
        "title": "Lịch trực Tết Nguyên đán 2027",
        "body": "Các phòng gửi danh sách trực về Văn phòng.",
    }
    values.update(fields)
    return services.announcement_create(actor=person(by), agency=ubnd, **values)


def test_to_a_unit_reaches_its_people_only(person, ubnd, dept):
    a = _post(person, ubnd, by="hoangvannam", audience=Audience.UNITS, units=[dept("VHXH")])
    assert list(selectors.announcements_unread(person("dothanhhuong"))) == [a]
    assert list(selectors.announcements_unread(person("ngothuytrang"))) == []
    assert list(selectors.announcements_unread(person("tytlienminh_buithiloan"))) == []
    with pytest.raises(NotFound):
        selectors.announcement_get(person("ngothuytrang"), a.pk)


def test_a_department_head_posts_only_to_his_department(person, ubnd, dept):
    with pytest.raises(PermissionDenied, match="Đăng thông báo nội bộ"):
        _post(person, ubnd, by="hoangvannam", audience=Audience.UNITS, units=[dept("KT")])
    with pytest.raises(PermissionDenied):
        _post(person, ubnd, by="hoangvannam")  # the whole agency
    with pytest.raises(PermissionDenied):
        _post(person, ubnd, by="dothanhhuong")


def test_must_read_with_receipts(person, ubnd):
    a = _post(
        person, ubnd, audience=Audience.PEOPLE, people=[person("dothanhhuong"), person("ngothuytrang")], must_read=True
    )
    services.announcement_read(actor=person("dothanhhuong"), announcement=a)
    services.announcement_read(actor=person("dothanhhuong"), announcement=a)  # once only
    read, unread = selectors.receipts(a)
    assert [u.username for u, _at in read] == ["ublienminh_dothanhhuong"]
    assert [u.username for u in unread] == ["ublienminh_ngothuytrang"]
    assert list(selectors.announcements_unread(person("dothanhhuong"))) == []
    assert list(selectors.announcements_unread(person("ngothuytrang"))) == [a]
    with pytest.raises(NotFound):  # not a recipient
        services.announcement_read(actor=person("vuquanghuy"), announcement=a)


def test_out_of_its_validity_period_it_leaves_the_home_page(person, ubnd):
    today = timezone.localdate()
    _post(
        person,
        ubnd,
        title="Đã hết hạn",
        valid_from=today - dt.timedelta(days=10),
        valid_until=today - dt.timedelta(days=1),
    )
    _post(person, ubnd, title="Chưa đến ngày", valid_from=today + dt.timedelta(days=1))
    current = _post(person, ubnd, title="Đang hiệu lực", valid_until=today)
    assert list(selectors.announcements_unread(person("dothanhhuong"))) == [current]
    assert selectors.announcements_visible_to(person("dothanhhuong")).count() == 3  # the list keeps them


def test_refused_input(person, ubnd, tyt):
    with pytest.raises(ValidationFailed) as refused:
        _post(person, ubnd, audience=Audience.UNITS, units=[tyt])
    assert refused.value.code == "outside_agency"
    assert "cơ quan mình" in refused.value.message
    with pytest.raises(ValidationFailed):
        _post(person, ubnd, audience=Audience.PEOPLE, people=[person("tytlienminh_buithiloan")])
    with pytest.raises(ValidationFailed) as refused:
        _post(person, ubnd, audience=Audience.UNITS, units=[])
    assert refused.value.code == "no_recipient"
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        _post(person, ubnd, valid_from=today, valid_until=today - dt.timedelta(days=1))
    assert refused.value.code == "bad_period"
    assert not Announcement.objects.exists()


def test_the_home_page_shows_it_until_read(person, ubnd, page_as):
    a = _post(person, ubnd, title="Thông báo nghỉ lễ Quốc khánh", must_read=True)
    officer = page_as("dothanhhuong")
    home = officer.get("/").content.decode()
    assert 'data-qlvb="unread-announcements"' in home and "Thông báo nghỉ lễ Quốc khánh" in home
    detail = officer.get(f"/thong-bao/{a.pk}/").content.decode()
    assert 'data-qlvb="read-confirm"' in detail
    assert "Thông báo nghỉ lễ Quốc khánh" in officer.get("/").content.decode()  # opening is not confirming
    officer.post(f"/thong-bao/{a.pk}/")
    assert "Thông báo nghỉ lễ Quốc khánh" not in officer.get("/").content.decode()
    receipts = page_as("lethuha").get(f"/thong-bao/{a.pk}/").content.decode()
    assert "Đỗ Thanh Hương" in receipts.split('data-qlvb="read"')[1].split("</ul>")[0]
    assert "Đỗ Thanh Hương" not in receipts.split('data-qlvb="unread"')[1].split("</ul>")[0]


def test_an_ordinary_announcement_is_read_by_opening_it(person, ubnd, page_as):
    a = _post(person, ubnd, title="Lịch cắt điện")
    officer = page_as("ngothuytrang")
    assert "Lịch cắt điện" in officer.get("/").content.decode()
    assert officer.get(f"/thong-bao/{a.pk}/").status_code == 200
    assert "Lịch cắt điện" not in officer.get("/").content.decode()


def test_the_form_takes_several_files_each_checked(person, page_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qlvb.direction.announcement_models import Announcement
    from qlvb.files.tests.samples import EXE, docx_bytes, pdf_bytes

    leader = page_as("nguyenvanhung")
    form = {"title": "Kế hoạch trực Tết", "body": "Xem các tệp kèm theo.", "audience": "agency"}
    page = leader.get("/thong-bao/them/").content.decode()
    assert 'type="file" name="attachments" multiple' in page
    response = leader.post(
        "/thong-bao/them/",
        {
            **form,
            "attachments": [
                SimpleUploadedFile("ke-hoach.pdf", pdf_bytes(), "application/pdf"),
                SimpleUploadedFile("phan-cong.docx", docx_bytes(), "application/octet-stream"),
            ],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    posted = Announcement.objects.get()
    assert sorted(f.name for f in posted.files.all()) == ["ke-hoach.pdf", "phan-cong.docx"]
    detail = page_as("dothanhhuong").get(f"/thong-bao/{posted.pk}/").content.decode()
    assert "ke-hoach.pdf" in detail and "phan-cong.docx" in detail
    # one file the intake refuses refuses the posting, naming it
    refused = leader.post(
        "/thong-bao/them/",
        {
            **form,
            "title": "Thông báo có tệp lạ",
            "attachments": [
                SimpleUploadedFile("bien-ban.pdf", pdf_bytes(), "application/pdf"),
                SimpleUploadedFile("cai-dat.pdf", EXE, "application/pdf"),
            ],
        },
    ).content.decode()
    assert "cai-dat.pdf" in refused and not Announcement.objects.filter(title="Thông báo có tệp lạ").exists()
    too_many = leader.post(
        "/thong-bao/them/",
        {**form, "attachments": [SimpleUploadedFile(f"t{i}.pdf", pdf_bytes(), "application/pdf") for i in range(11)]},
    ).content.decode()
    assert "Tối đa 10 tệp" in too_many and Announcement.objects.count() == 1
