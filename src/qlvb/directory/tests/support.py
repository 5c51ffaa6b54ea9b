"""Helpers for the directory and API tests: another agency with its own administrator, bearer tokens,
JSON calls."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from qlvb.directory.models import Unit, User
from qlvb.directory.services import NewUser, role_grant, unit_create, user_create
from qlvb.directory.tokens import token_issue

PASSWORD = "LienMinh@2025"


def other_agency() -> tuple[Unit, User]:
    """UBND xã Hòa Bình — another agency of the deployment — and its administrator."""
    agency = Unit.objects.filter(username_prefix="ubhoabinh").first()
    if agency is None:
        agency = unit_create(
            actor=None,
            kind="agency",
            name="Ủy ban nhân dân xã Hòa Bình",
            short_name="UBND",
            organ_id="000.00.32.H42",
            username_prefix="ubhoabinh",
        )
    admin = User.objects.filter(username="ubhoabinh_phamvanquan").first()
    if admin is None:
        admin = user_create(
            actor=None, data=NewUser(full_name="Phạm Văn Quân", unit=agency, position="Chuyên viên", password=PASSWORD)
        )
        role_grant(actor=None, user=admin, role="admin", unit=agency)
    return agency, admin


def unit(short_name: str, prefix: str = "ublienminh") -> Unit:
    """A demo unit by short name inside the agency of ``prefix``."""
    agency = Unit.objects.get(username_prefix=prefix)
    return agency if agency.short_name == short_name else Unit.objects.get(agency=agency, short_name=short_name)


class Api:
    """Calls /api/v1 with a person's bearer token (as the mobile app does)."""

    def __init__(self, user: User | None = None, token: str | None = None) -> None:
        self.client = Client()
        self.token = token or (token_issue(user=user) if user is not None else None)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def post(self, path: str, body: Any = None, *, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(f"/api/v1{path}", data, content_type="application/json", headers=self._headers())

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self._headers())
