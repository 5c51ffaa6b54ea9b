"""Every API error is JSON with a Vietnamese ``detail``: malformed JSON, missing fields, no token,
unknown paths."""

from __future__ import annotations

import pytest

from qlvb.directory.models import User
from qlvb.directory.tests.support import Api, unit

pytestmark = pytest.mark.django_db

MALFORMED = {"detail": "Dữ liệu gửi lên không phải JSON hợp lệ.", "code": "malformed_json"}


@pytest.mark.parametrize("raw", ['{"username": "a", "password": ', "không phải json", "{'username': 'a'}", "["])
def test_malformed_json_to_the_token_endpoint_is_400(raw: str) -> None:
    response = Api().post("/auth/token", raw=raw)
    assert response.status_code == 400
    assert response.json()["detail"] == "Dữ liệu gửi lên không phải JSON hợp lệ."


def test_malformed_json_to_an_authenticated_endpoint_is_400_and_stores_nothing(person) -> None:
    before = User.objects.count()
    response = Api(person("tranthilan")).post("/directory/users", raw='{"full_name": "Nguyễn Văn A", "unit": ')
    assert response.status_code == 400
    assert response.json() == MALFORMED
    assert User.objects.count() == before


def test_missing_field_is_422_naming_it() -> None:
    response = Api().post("/auth/token", {"username": "ublienminh_lethuha"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Dữ liệu không hợp lệ hoặc thiếu: password."
    assert body["errors"] == [{"field": "password", "error": "missing"}]


def test_wrong_type_is_422(person) -> None:
    response = Api(person("tranthilan")).post("/directory/users", {"full_name": "Nguyễn Văn A", "unit": "văn phòng"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Dữ liệu không hợp lệ hoặc thiếu: unit")


def test_missing_query_parameter_is_422(person) -> None:
    response = Api(person("tranthilan")).get("/directory/username-proposal", unit=unit("VP").pk)
    assert response.status_code == 422
    assert "full_name" in response.json()["detail"]


def test_no_token_is_401_in_vietnamese() -> None:
    for response in (Api().get("/me"), Api().get("/directory/users"), Api().post("/directory/users", {})):
        assert response.status_code == 401
        assert response.json()["detail"] == "Chưa đăng nhập hoặc mã truy cập không hợp lệ."


def test_unknown_object_is_404_in_vietnamese(person) -> None:
    response = Api(person("tranthilan")).get("/directory/users/999999")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy người dùng hoặc bạn không có quyền xem."


def test_wrong_method_is_405(person) -> None:
    response = Api(person("tranthilan")).delete("/me")
    assert response.status_code == 405  # django-ninja answers this one itself, in plain text


@pytest.mark.parametrize("path", ["/nothing-here", "/incoming/abc", "/files/1x", "/incoming/1/x.%0Apdf"])
def test_unknown_api_path_is_a_json_404_in_vietnamese(person, path: str) -> None:
    api = Api(person("lethuha"))
    api.client.handler.enforce_csrf_checks = True
    for response in (api.get(path), api.post(path, {})):
        assert response.status_code == 404
        assert response.json() == {"detail": "Không có đường dẫn API này.", "code": "not_found"}
