"""GET /api/v1/openapi.json describes every endpoint, without signing in."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/token/revoke"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/directory/units"),
    ("post", "/api/v1/directory/units"),
    ("get", "/api/v1/directory/users"),
    ("post", "/api/v1/directory/users"),
    ("get", "/api/v1/directory/users/{user_id}"),
    ("get", "/api/v1/directory/username-proposal"),
    ("post", "/api/v1/directory/users/{user_id}/lock"),
    ("post", "/api/v1/directory/users/{user_id}/unlock"),
    ("post", "/api/v1/directory/users/{user_id}/roles"),
    ("delete", "/api/v1/directory/users/{user_id}/roles/{unit_id}/{role}"),
    ("post", "/api/v1/directory/me/password"),
}


def test_openapi_lists_the_endpoints() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "qlvb API"
    listed = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert listed >= EXPECTED
    bearer = [s for s in schema["components"]["securitySchemes"].values() if s.get("scheme") == "bearer"]
    assert bearer
    token_op = schema["paths"]["/api/v1/auth/token"]["post"]
    assert "security" not in token_op or token_op["security"] == []
    assert schema["paths"]["/api/v1/me"]["get"]["summary"] == "Người dùng hiện tại, đơn vị và vai trò"
