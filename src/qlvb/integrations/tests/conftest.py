"""Fixtures of the connected systems: the one-stop desk of UBND xã Liên Minh registered by the
administrator (owner unit: Văn hóa - Xã hội), its code tables, and a test client that takes an OAuth2
token and calls as a mapped person. Drafts and signatures come from the outgoing flow's fixtures."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.test import Client

from qlvb.directory.models import Unit, User
from qlvb.integrations.accounts import Issued, system_register
from qlvb.integrations.mapping import code_map
from qlvb.integrations.models import CodeKind, Scope
from qlvb.outgoing.tests.conftest import (  # noqa: F401  (fixtures of the outgoing flow and its test PKI)
    agency_key,
    committed,
    cong_van,
    cong_van_docx,
    eager,
    pki,
    profiles,
    seal_image,
    signature_image,
    signing_settings,
    tyt,
    ubnd,
)

ALL_SCOPES = [Scope.SUBMIT_DRAFTS, Scope.READ_ISSUED, Scope.REGISTER_INCOMING]


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Any) -> None:
    settings.FILES_DIR = tmp_path / "files"


def unit(short: str) -> Unit:
    return Unit.objects.get(short_name=short, agency__short_name="UBND")


@pytest.fixture
def one_stop(person: Callable[[str], User], cong_van: Any, tyt: Unit) -> Issued:  # noqa: F811
    """ "Một cửa" of the agency, owned by Văn hóa - Xã hội, with its codes: U01 Đỗ Thanh Hương (drafter),
    U09 Nguyễn Văn Hùng (signer), U02 Trần Thị Lan2 of Kinh tế (outside the unit), CV → Công văn,
    TYT → Trạm Y tế."""
    admin = person("tranthilan")
    issued = system_register(actor=admin, name="Một cửa", owner_unit=unit("VHXH"), scopes=list(ALL_SCOPES))
    system = issued.system
    code_map(actor=admin, system=system, kind=CodeKind.USER, code="U01", user=person("dothanhhuong"))
    code_map(actor=admin, system=system, kind=CodeKind.USER, code="U09", user=person("nguyenvanhung"))
    code_map(actor=admin, system=system, kind=CodeKind.USER, code="U02", user=person("tranthilan2"))
    code_map(actor=admin, system=system, kind=CodeKind.DOC_TYPE, code="CV", doc_type=cong_van)
    code_map(actor=admin, system=system, kind=CodeKind.UNIT, code="TYT", unit=tyt)
    return issued


@pytest.fixture
def desk(person: Callable[[str], User], cong_van: Any) -> Issued:  # noqa: F811
    """The office's receiving desk (owner: Văn phòng), allowed only to hand over incoming documents; V01 is
    the clerk Lê Thu Hà."""
    admin = person("tranthilan")
    issued = system_register(
        actor=admin, name="Tiếp nhận hồ sơ", owner_unit=unit("VP"), scopes=[Scope.REGISTER_INCOMING]
    )
    code_map(actor=admin, system=issued.system, kind=CodeKind.USER, code="V01", user=person("lethuha"))
    code_map(actor=admin, system=issued.system, kind=CodeKind.DOC_TYPE, code="CV", doc_type=cong_van)
    return issued


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_of(issued: Issued) -> str:
    answer = Client().post(
        "/api/integration/v1/oauth/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(issued.system.client_id, issued.secret)},
    )
    assert answer.status_code == 200, answer.content
    return str(answer.json()["access_token"])


class SystemClient(Client):
    """A test client that, like the example client, sends a fresh ``X-Qlvb-Timestamp`` and ``X-Qlvb-Nonce``
    with every write call (the replay protection, ``integrations/replay.py``)."""

    def generic(
        self, method: str, path: Any, *args: Any, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> Any:
        sent = dict(headers or {})
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            sent.setdefault("X-Qlvb-Timestamp", str(int(time.time())))
            sent.setdefault("X-Qlvb-Nonce", uuid.uuid4().hex)
        return super().generic(method, path, *args, headers=sent, **kwargs)


@pytest.fixture
def system_client() -> Callable[..., Client]:
    """``system_client(issued, "U01")`` → a client calling as the system on behalf of its user ``U01``."""

    def make(issued: Issued, code: str) -> Client:
        return SystemClient(headers={"Authorization": f"Bearer {token_of(issued)}", "X-Acting-User": code})

    return make
