"""Fixtures of the search tests: documents received by the UBND clerk, routed to a department."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.services import Target, assignment_assign, incoming_direct
from qlvb.incoming.tests.conftest import make_data


@pytest.fixture
def ubnd(demo: None) -> Unit:
    return Unit.objects.get(short_name="UBND", kind="agency")


@pytest.fixture
def receive(person: Callable[[str], User], ubnd: Unit) -> Callable[..., Document]:
    """``receive(**fields)`` → a document registered by the UBND clerk Lê Thu Hà (not routed yet)."""

    def run(**fields: Any) -> Document:
        return incoming_receive(
            actor=person("lethuha"), agency=ubnd, channel="email", data=make_data(**fields), confirm_duplicate=True
        ).document

    return run


@pytest.fixture
def route_to_huong(person: Callable[[str], User], ubnd: Unit) -> Callable[[Document], Document]:
    """Direct a document to the VHXH department and assign it to its officer Đỗ Thanh Hương."""

    def run(document: Document) -> Document:
        vhxh = Unit.objects.get(short_name="VHXH", agency=ubnd)
        (lead,) = incoming_direct(
            actor=person("nguyenvanhung"), document=document, directive="", targets=[Target(role="lead", unit=vhxh)]
        )
        assignment_assign(
            actor=person("hoangvannam"), assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
        )
        return document

    return run
