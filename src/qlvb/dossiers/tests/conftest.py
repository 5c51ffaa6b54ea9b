"""Fixtures of the dossiers flow: the UBND agency, its archivist, and incoming documents handled by an officer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from qlvb.directory.models import Unit, User
from qlvb.directory.services import role_grant
from qlvb.documents.models import Document
from qlvb.dossiers import services
from qlvb.dossiers.models import Dossier
from qlvb.incoming.assigning import Target
from qlvb.incoming.directing import incoming_route
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data


@pytest.fixture
def ubnd(demo: None) -> Unit:
    return Unit.objects.get(short_name="UBND", kind="agency")


@pytest.fixture
def tyt(demo: None) -> Unit:
    return Unit.objects.get(short_name="TYT", kind="agency")


@pytest.fixture
def archivist(person: Callable[[str], User], ubnd: Unit) -> User:
    """Trần Thị Lan (KT) made the archivist (lưu trữ viên) of the UBND."""
    user = person("tranthilan2")
    role_grant(actor=None, user=user, role="archivist", unit=ubnd)
    user.roles_forget()
    return user


@pytest.fixture
def handled(person: Callable[[str], User], ubnd: Unit) -> Callable[..., Document]:
    """``handled(**fields)`` → an incoming document received by the clerk and routed to Đỗ Thanh Hương to lead."""

    def run(to: str = "dothanhhuong", **fields: Any) -> Document:
        clerk = person("lethuha")
        doc = incoming_receive(actor=clerk, agency=ubnd, channel="email", data=make_data(**fields)).document
        incoming_route(actor=clerk, document=doc, targets=[Target(role="lead", user=person(to))])
        doc.refresh_from_db()
        return doc

    return run


@pytest.fixture
def free_dossier(person: Callable[[str], User]) -> Callable[..., Dossier]:
    """``free_dossier(notation=..., by=...)`` → a dossier opened outside the list, started on 02/01/2026."""

    def run(notation: str = "05.VX", by: str = "dothanhhuong", **extra: Any) -> Dossier:
        return services.dossier_open(
            actor=person(by),
            title=extra.pop("title", "Hồ sơ tiêm chủng mở rộng năm 2026"),
            notation=notation,
            retention_years=extra.pop("retention_years", 10),
            start_date=extra.pop("start_date", dt.date(2026, 1, 2)),
            **extra,
        )

    return run
