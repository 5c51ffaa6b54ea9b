"""``counts_invalidation.document_people``: who must see new counts after a write to a document (issue 17). One
SQL statement since session 18 (it runs at every save of the document's rows); these are the people the
module's rule names, read from the rows a real flow writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from qlvb.directory.delegation import DelegationInput, delegation_grant
from qlvb.directory.models import RoleAssignment, User
from qlvb.incoming.receiving import incoming_receive, incoming_register
from qlvb.incoming.services import Target, incoming_direct, incoming_submit
from qlvb.incoming.tests.conftest import make_data
from qlvb.reports.counts_invalidation import document_people

pytestmark = pytest.mark.django_db(transaction=False)


def agency_wide(agency_id: int) -> set[int]:
    """The agency's clerks and leaders: on every document of it."""
    return set(
        RoleAssignment.objects.filter(unit_id=agency_id, role__in=("clerk", "leader")).values_list("user_id", flat=True)
    )


def test_an_incoming_document_names_its_agency_its_leader_its_departments_and_delegates(
    person: Callable[[str], User], ubnd: Any, dept: Any
) -> None:
    ha, hung, nam, mai, trang = (
        person(p) for p in ("lethuha", "nguyenvanhung", "hoangvannam", "phamthimai", "ngothuytrang")
    )
    doc = incoming_receive(actor=ha, agency=ubnd, channel="email", data=make_data(), register=False).document
    wide = agency_wide(ubnd.pk)
    assert {ha.pk, hung.pk, mai.pk} <= wide
    assert document_people(doc.pk) == wide  # waiting for the clerk: the agency's clerks and leaders

    incoming_register(actor=ha, document=doc)
    incoming_submit(actor=ha, document=doc, leader=hung)
    incoming_direct(
        actor=hung, document=doc, directive="VHXH chủ trì", targets=[Target(role="lead", unit=dept("VHXH"))]
    )
    people = document_people(doc.pk)
    assert nam.pk in people  # the leader of the department it was given to
    assert trang.pk not in people  # an officer of another department, on nothing of it
    assert people == wide | {hung.pk, nam.pk}

    today = timezone.localdate()
    delegation_grant(
        actor=hung,
        data=DelegationInput(
            grantor=hung,
            delegate=trang,
            kind="KT.",
            scopes=["sign"],
            starts_on=today,
            ends_on=today + dt.timedelta(days=2),
        ),
    )
    assert document_people(doc.pk) == wide | {hung.pk, nam.pk, trang.pk}  # who acts for the leader sees his boxes
    assert document_people(10**9) == set()  # no such document: nobody
