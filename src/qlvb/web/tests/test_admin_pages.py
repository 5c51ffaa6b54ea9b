"""Administrator's pages: users, roles, locks, the audit log — allowed and refused roles."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client

from qlvb.core.models import AuditEntry
from qlvb.directory.models import Unit, User


@pytest.fixture
def admin_client(demo, page_as) -> Client:
    return page_as("ublienminh_tranthilan")


@pytest.fixture
def clerk_client(demo, page_as) -> Client:
    return page_as("ublienminh_lethuha")


def vhxh() -> Unit:
    return Unit.objects.get(short_name="VHXH")


ADMIN_PAGES = ["/quan-tri/nguoi-dung/", "/quan-tri/nguoi-dung/them/", "/quan-tri/nhat-ky/"]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_open_for_the_administrator(admin_client, url):
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_PAGES)
@pytest.mark.parametrize("username", ["ublienminh_lethuha", "ublienminh_nguyenvanhung", "ublienminh_dothanhhuong"])
def test_admin_pages_refused_to_other_roles_in_vietnamese(demo, url, username, page_as):
    response = page_as(username).get(url)
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_need_sign_in(demo, url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_navigation_shows_only_what_the_user_may_open(admin_client, clerk_client, page_as):
    clerk_home = clerk_client.get("/").content.decode()
    assert "/quan-tri/nguoi-dung/" not in clerk_home and "/quan-tri/nhat-ky/" not in clerk_home
    assert "/admin/" not in clerk_home
    admin_home = admin_client.get("/").content.decode()
    assert "/quan-tri/nguoi-dung/" in admin_home and "/quan-tri/nhat-ky/" in admin_home
    assert "/admin/" not in admin_home  # not staff: no Django admin link
    staff_home = page_as("admin").get("/").content.decode()
    assert "/admin/" in staff_home


def test_user_list_of_the_agency_filter_and_folded_search(admin_client):
    page = admin_client.get("/quan-tri/nguoi-dung/").content.decode()
    assert "Lê Thu Hà" in page and "Đặng Văn Toàn" in page  # the Trạm Y tế is under UBND
    page = admin_client.get("/quan-tri/nguoi-dung/", {"q": "le thu ha"}).content.decode()
    assert "Lê Thu Hà" in page and "Đỗ Thanh Hương" not in page
    page = admin_client.get("/quan-tri/nguoi-dung/", {"q": "ĐỖ THANH"}).content.decode()
    assert "Đỗ Thanh Hương" in page
    page = admin_client.get("/quan-tri/nguoi-dung/", {"unit": vhxh().pk}).content.decode()
    assert "Hoàng Văn Nam" in page and "Lê Thu Hà" not in page


def test_tram_y_te_clerk_is_not_an_admin_of_ubnd(demo, page_as):
    assert page_as("tytlienminh_buithiloan").get("/quan-tri/nguoi-dung/").status_code == 403


def test_username_proposal_follows_dieu_7_2(admin_client):
    response = admin_client.get(
        "/quan-tri/nguoi-dung/de-xuat-ten/", {"full_name": "Trần Thị Lan", "unit": vhxh().pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'value="ublienminh_tranthilan3"' in response.content.decode()
    response = admin_client.get("/quan-tri/nguoi-dung/de-xuat-ten/", {"full_name": "Nguyễn Thị Đào", "unit": vhxh().pk})
    assert 'value="ublienminh_nguyenthidao"' in response.content.decode()


def test_username_typed_by_the_administrator_is_kept(admin_client):
    response = admin_client.get(
        "/quan-tri/nguoi-dung/de-xuat-ten/",
        {
            "full_name": "Trần Thị Lan Anh",
            "unit": vhxh().pk,
            "username": "ublienminh_lananh",
            "username_auto": "ublienminh_tranthilan3",
        },
    )
    text = response.content.decode()
    assert 'value="ublienminh_lananh"' in text and "ublienminh_tranthilananh" in text


def new_user_form(**overrides):
    data = {
        "full_name": "Trần Thị Lan",
        "unit": vhxh().pk,
        "username": "",
        "position": "Chuyên viên",
        "email": "",
        "phone": "",
        "password": "MatKhau#2025ab",
        "roles": ["officer"],
        "role_unit": "",
    }
    data.update(overrides)
    return data


def test_administrator_creates_a_user_with_the_proposed_name(admin_client):
    response = admin_client.post("/quan-tri/nguoi-dung/them/", new_user_form(username="ublienminh_tranthilan3"))
    assert response.status_code == 302
    user = User.objects.get(username="ublienminh_tranthilan3")
    assert user.full_name == "Trần Thị Lan" and user.unit == vhxh()
    assert user.roles_for(vhxh()) == {"officer"}
    assert AuditEntry.objects.filter(action="user.created", object_id=str(user.pk)).exists()
    assert Client().post("/dang-nhap/", {"username": user.username, "password": "MatKhau#2025ab"}).status_code == 302


def test_taken_name_shows_the_suggestion(admin_client):
    response = admin_client.post("/quan-tri/nguoi-dung/them/", new_user_form(username="ublienminh_tranthilan"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "đã có người dùng. Gợi ý: ublienminh_tranthilan3" in text
    assert 'value="ublienminh_tranthilan3"' in text
    assert (
        not User.objects.filter(full_name="Trần Thị Lan", unit=vhxh())
        .exclude(username="ublienminh_tranthilan")
        .exists()
    )


def test_weak_initial_password_is_refused(admin_client):
    response = admin_client.post("/quan-tri/nguoi-dung/them/", new_user_form(password="abc"))
    assert response.status_code == 200
    assert "10 ký tự" in response.content.decode()
    assert not User.objects.filter(username="ublienminh_tranthilan3").exists()


def test_lock_with_reason_and_unlock(admin_client, person):
    huong = person("dothanhhuong")
    url = f"/quan-tri/nguoi-dung/{huong.pk}/"
    page = admin_client.post(url + "khoa/", {"reason": ""}, follow=True).content.decode()
    assert "Cần ghi lý do khóa tài khoản." in page
    page = admin_client.post(url + "khoa/", {"reason": "Chuyển công tác"}, follow=True).content.decode()
    assert "Đã khóa tài khoản." in page and "Chuyển công tác" in page
    huong.refresh_from_db()
    assert not huong.is_active and huong.locked_reason == "Chuyển công tác"
    page = admin_client.post(url + "mo-khoa/", follow=True).content.decode()
    assert "Đã mở khóa tài khoản." in page
    huong.refresh_from_db()
    assert huong.is_active


def test_administrator_cannot_lock_himself(admin_client, person):
    me = person("tranthilan")
    page = admin_client.post(f"/quan-tri/nguoi-dung/{me.pk}/khoa/", {"reason": "thử"}, follow=True)
    assert "Không thể tự khóa tài khoản của chính mình." in page.content.decode()
    me.refresh_from_db()
    assert me.is_active


def test_grant_and_revoke_a_role(admin_client, person):
    huong = person("dothanhhuong")
    url = f"/quan-tri/nguoi-dung/{huong.pk}/vai-tro/"
    admin_client.post(url + "them/", {"role": "archivist", "unit": vhxh().pk})
    assert "archivist" in User.objects.get(pk=huong.pk).roles_for(vhxh())
    admin_client.post(url + "bo/", {"role": "archivist", "unit": vhxh().pk})
    assert "archivist" not in User.objects.get(pk=huong.pk).roles_for(vhxh())
    assert AuditEntry.objects.filter(action="role.granted").exists()
    assert AuditEntry.objects.filter(action="role.revoked").exists()


@pytest.mark.parametrize("action", ["khoa/", "mo-khoa/", "vai-tro/them/", "vai-tro/bo/"])
def test_writes_refused_to_a_non_administrator(demo, person, action, page_as):
    huong = person("dothanhhuong")
    client = page_as("ublienminh_hoangvannam")  # dept leader of her unit, not an administrator
    response = client.post(
        f"/quan-tri/nguoi-dung/{huong.pk}/{action}", {"reason": "x", "role": "admin", "unit": vhxh().pk}
    )
    assert response.status_code == 403
    huong.refresh_from_db()
    assert huong.is_active and huong.roles_for(vhxh()) == {"officer"}


def test_administrator_of_tram_y_te_cannot_touch_ubnd_people(demo, person, page_as):
    from qlvb.directory import services

    toan = person("tytlienminh_dangvantoan")
    services.role_grant(actor=None, user=toan, role="admin", unit=Unit.objects.get(short_name="TYT"))
    client = page_as("tytlienminh_dangvantoan")
    page = client.get("/quan-tri/nguoi-dung/").content.decode()
    assert "Bùi Thị Loan" in page and "Lê Thu Hà" not in page
    ha = person("lethuha")
    assert client.get(f"/quan-tri/nguoi-dung/{ha.pk}/").status_code == 404
    assert client.post(f"/quan-tri/nguoi-dung/{ha.pk}/khoa/", {"reason": "x"}).status_code == 404


def test_audit_log_lists_filters_and_paginates(admin_client, clerk_client):
    page = admin_client.get("/quan-tri/nhat-ky/").content.decode()
    assert "Đăng nhập" in page and "ublienminh_lethuha" in page
    page = admin_client.get("/quan-tri/nhat-ky/", {"action": "auth.sign_in", "account": "lethuha"}).content.decode()
    assert "ublienminh_lethuha" in page and "Tạo tài khoản" not in page.split("<tbody>")[1]
    page = admin_client.get("/quan-tri/nhat-ky/", {"date_from": "01/01/2000", "date_to": "31/12/2000"})
    assert "Không có mục nào." in page.content.decode()
    page = admin_client.get("/quan-tri/nhat-ky/", {"date_from": "2000-13-45"}).content.decode()
    assert "Nhập ngày theo dạng dd/mm/yyyy." in page
    page = admin_client.get("/quan-tri/nhat-ky/", {"obj": "Lê Thu Hà", "action": "user.created"}).content.decode()
    assert re.search(r"<td[^>]*>\s*Tạo tài khoản\s*</td>", page)
    from qlvb.core import audit

    for n in range(60):
        audit.record("auth.sign_in_failed", username=f"doan{n}", data={"username": f"doan{n}"})
    assert "Trang 1/" in admin_client.get("/quan-tri/nhat-ky/").content.decode()
    assert admin_client.get("/quan-tri/nhat-ky/", {"page": 2}).status_code == 200


def test_audit_verify_button_reports_ok_then_the_altered_entry(admin_client):
    response = admin_client.post("/quan-tri/nhat-ky/kiem-tra/", HTTP_HX_REQUEST="true")
    assert "Chuỗi nhật ký toàn vẹn" in response.content.decode()
    victim = AuditEntry.objects.order_by("seq")[3]
    with connection.cursor() as cursor:  # what a DBA with full rights could do
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute("UPDATE core_auditentry SET actor_username = %s WHERE seq = %s", ["ke_gian", victim.seq])
    response = admin_client.post("/quan-tri/nhat-ky/kiem-tra/")  # without HTMX: the whole page
    text = response.content.decode()
    assert f"Chuỗi nhật ký bị phá vỡ tại mục số {victim.seq}" in text and "<nav" in text


def test_audit_log_refused_to_clerk(clerk_client):
    assert clerk_client.post("/quan-tri/nhat-ky/kiem-tra/").status_code == 403


def test_django_admin_is_read_only_for_staff(demo, page_as):
    staff = page_as("admin")
    assert staff.get("/admin/core/auditentry/").status_code == 200
    entry = AuditEntry.objects.order_by("seq")[0]
    assert staff.get(f"/admin/core/auditentry/{entry.seq}/delete/").status_code == 403
    assert staff.get("/admin/directory/user/add/").status_code == 403
    assert staff.get("/admin/directory/unit/").status_code == 200
    response = page_as("ublienminh_tranthilan").get("/admin/")
    assert response.status_code == 302  # not staff
