"""GET /api/v1/openapi.json describes every endpoint, without signing in."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_lists_the_endpoints() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "qlvb API"
    # every route is checked against the routers in test_every_route_is_described_and_declares_its_error_answers
    bearer = [s for s in schema["components"]["securitySchemes"].values() if s.get("scheme") == "bearer"]
    assert bearer
    token_op = schema["paths"]["/api/v1/auth/token"]["post"]
    assert "security" not in token_op or token_op["security"] == []
    assert schema["paths"]["/api/v1/me"]["get"]["summary"] == "Người dùng hiện tại, đơn vị và vai trò"


ERRORS = {"400", "401", "403", "404", "422"}


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [(method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def _routes() -> set[tuple[str, str]]:
    """Every (method, path) the API serves, read from its routers rather than from the schema."""
    from qlvb.api.urls import api

    found = set()
    for bound in api._get_bound_routers():
        for path, path_view in bound.template.path_operations.items():
            full = "/api/v1/" + "/".join(p.strip("/") for p in (bound.prefix, path) if p.strip("/"))
            full = re.sub(r"\{\w+:(\w+)\}", r"{\1}", full)
            for operation in path_view.operations:
                found |= {(m.lower(), full) for m in operation.methods}
    return found


def test_every_route_is_described_and_declares_its_error_answers() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operations = _operations(schema)
    assert {(method, path.rstrip("/")) for method, path, _ in operations} == _routes()
    assert len(operations) >= 81
    error_schema = schema["components"]["schemas"]["ErrorOut"]
    assert error_schema["required"] == ["detail"]
    for method, path, op in operations:
        responses = op["responses"]
        assert set(responses) >= ERRORS, (method, path, sorted(responses))
        for status in ERRORS:
            body = responses[status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
            assert responses[status]["description"]
        if "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
            assert {"413", "415"} <= set(responses), (method, path)
    token_op = schema["paths"]["/api/v1/auth/token"]["post"]
    assert "429" in token_op["responses"]


def test_operation_ids_are_unique() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    ids = [op["operationId"] for _, _, op in _operations(schema)]
    assert len(ids) == len(set(ids))


def test_no_two_different_schemas_share_a_name() -> None:
    """Ninja files schemas by class name; the API's schema builder refuses a second, different one."""
    from ninja import Router, Schema

    from qlvb.api.urls import Api

    schema = Client().get("/api/v1/openapi.json").json()
    names = schema["components"]["schemas"]
    assert {"UnitOut", "MeUnitOut", "SubmitIn", "DraftSubmitIn"} <= set(names)
    assert "organ_id_warning" in names["UnitOut"]["properties"]  # the directory's, not /me's
    assert "leader_id" in names["SubmitIn"]["properties"]  # incoming's, not outgoing's

    def router_with(model: type) -> Router:
        router = Router()

        def view(request, payload) -> None:
            return None

        view.__annotations__ = {"payload": model, "return": None}
        router.post("/x")(view)
        return router

    class Twin(Schema):
        a: int

    first = Twin
    second = type("Twin", (Schema,), {"__annotations__": {"b": str}})
    clash = Api(urls_namespace="clash")
    clash.add_router("/one", router_with(first))
    clash.add_router("/two", router_with(second))
    with pytest.raises(TypeError, match="Twin"):
        clash.get_openapi_schema(path_prefix="/")
