"""Odd input never makes a server error: a NUL character anywhere (PostgreSQL cannot store or compare
it) and numbers beyond a 64-bit integer get a 4xx with a Vietnamese message — JSON on the API (even
before signing in), a page on the web — on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from qlvb.directory.tests.support import PASSWORD, Api

pytestmark = pytest.mark.django_db

NUL_DETAIL = "Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL)."
HUGE = str(10**20)  # beyond bigint (9 223 372 036 854 775 807)


def _client() -> Client:
    return Client(raise_request_exception=False)


def _api(user=None) -> Api:
    api = Api(user)
    api.client = _client()
    return api


def assert_nul_refusal(response) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": NUL_DETAIL, "code": "nul_character"}


def test_nul_in_the_username_when_asking_for_a_token_is_400_without_signing_in(demo) -> None:
    response = _api().post("/auth/token", {"username": "ublienminh_lethuha\x00", "password": PASSWORD})
    assert_nul_refusal(response)


@pytest.mark.parametrize("name", ["q", "status", "organ", "box"])
def test_nul_in_a_query_parameter_is_400(person, name: str) -> None:
    assert_nul_refusal(_api(person("lethuha")).get("/incoming/", **{name: "Quyết\x00định"}))


def test_nul_in_a_search_of_people_is_400(person) -> None:
    clerk = _api(person("lethuha"))
    assert_nul_refusal(clerk.get("/directory/users", q="\x00"))
    assert_nul_refusal(clerk.get("/directory/username-proposal", unit=1, full_name="Lê\x00Hà"))


def test_nul_in_a_json_string_is_400_and_stores_nothing(person) -> None:
    from qlvb.directory.models import User
    from qlvb.outgoing.models import Comment

    admin, clerk = _api(person("tranthilan")), _api(person("lethuha"))
    before = (User.objects.count(), Comment.objects.count())
    assert_nul_refusal(admin.post("/directory/users", {"full_name": "Nguyễn\x00Văn A", "unit": 1}))
    assert_nul_refusal(clerk.post("/outgoing", {"doc_type_id": 1, "subject": "Về\x00việc", "signer_id": 1}))
    assert_nul_refusal(clerk.post("/outgoing/1/comments", {"text": "góp ý \x00"}))
    # nested, and in a key
    assert_nul_refusal(clerk.post("/incoming/1/direct", {"targets": [{"role": "lead\x00"}]}))
    assert_nul_refusal(clerk.post("/incoming/1/direct", {"targets": [{"ro\x00le": "lead"}]}))
    assert (User.objects.count(), Comment.objects.count()) == before


def test_an_escaped_backslash_before_u0000_is_not_a_nul(person) -> None:
    response = _api(person("lethuha")).post("/incoming/1/reject", {"reason": "\\u0000 là sáu ký tự"})
    assert response.status_code == 404  # reached the view: no such document


def test_nul_in_a_header_is_400(demo) -> None:
    response = _client().post(
        "/api/v1/auth/token",
        json.dumps({"username": "a", "password": "b"}),
        content_type="application/json",
        headers={"User-Agent": "x\x00y"},
    )
    assert_nul_refusal(response)


def test_nul_on_the_web_is_a_400_page_in_vietnamese(person) -> None:
    browser = _client()
    form = {"username": "ublienminh_lethuha\x00", "password": PASSWORD}
    response = browser.post("/dang-nhap/", urlencode(form), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "ký tự NUL" in response.content.decode()
    # A multipart form is left to Django's forms, whose text fields refuse NUL themselves.
    assert browser.post("/dang-nhap/", form).status_code == 200
    browser.force_login(person("lethuha"))
    for url in ("/van-ban-den/?q=%00", "/van-ban-di/?box=%00", "/quan-tri/nguoi-dung/?q=a%00", "/van-ban-den/%00/"):
        response = browser.get(url)
        assert response.status_code == 400, url
        assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/incoming/", {"page": HUGE}),
        ("/outgoing", {"page": HUGE}),
        ("/directory/users", {"limit": HUGE}),
        ("/directory/users", {"offset": HUGE}),
        ("/incoming/", {"doc_type": HUGE}),
        ("/incoming/", {"urgency": HUGE}),
        ("/directory/users/" + HUGE, {}),
        ("/outgoing/" + HUGE, {}),
        ("/incoming/" + HUGE, {}),
        ("/files/" + HUGE, {}),
    ],
)
def test_numbers_beyond_bigint_are_422_naming_the_field(person, path: str, params: dict) -> None:
    response = _api(person("lethuha")).get(path, **params)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["detail"].startswith("Dữ liệu không hợp lệ hoặc thiếu: ")


def test_ids_beyond_bigint_in_a_body_are_422(person) -> None:
    response = _api(person("lethuha")).post(
        "/outgoing", {"doc_type_id": 1, "subject": "Về việc", "signer_id": HUGE, "urgency": 10**9}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"signer_id", "urgency"}


def test_a_huge_page_number_on_a_web_list_shows_the_last_page(person) -> None:
    browser = _client()
    browser.force_login(person("lethuha"))
    for url in ("/van-ban-den/", "/van-ban-di/", "/van-ban-den/thong-bao/"):
        response = browser.get(url, {"page": HUGE})
        assert response.status_code == 200, url


def test_an_id_beyond_bigint_in_a_web_address_is_a_404_page(person) -> None:
    browser = _client()
    browser.force_login(person("lethuha"))
    for url in (f"/van-ban-den/{HUGE}/", f"/van-ban-di/{HUGE}/", f"/quan-tri/nguoi-dung/{HUGE}/"):
        assert browser.get(url).status_code == 404, url


def test_nul_in_the_session_cookie_is_400_before_the_session_is_read(demo) -> None:
    cookie = {"Cookie": "sessionid=abcdefgh\x00ijkl"}
    response = _client().get("/van-ban-den/", headers=cookie)
    assert response.status_code == 400
    assert response.cookies["sessionid"].value == ""  # the bad cookie is deleted
    assert_nul_refusal(_client().get("/api/v1/me", headers=cookie))


def test_numbers_beyond_bigint_in_a_web_list_filter_are_no_server_error(person) -> None:
    browser = _client()
    browser.force_login(person("tranthilan"))
    for url, params in (
        ("/van-ban-den/", {"doc_type": HUGE, "urgency": HUGE, "page": HUGE}),
        ("/quan-tri/nguoi-dung/", {"unit": HUGE, "page": HUGE}),
        ("/quan-tri/nguoi-dung/de-xuat-ten/", {"unit": HUGE, "full_name": "Lê Hà"}),
        ("/quan-tri/nhat-ky/", {"page": HUGE}),
    ):
        assert browser.get(url, params).status_code < 500, url
