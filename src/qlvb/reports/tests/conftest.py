"""Fixtures for the reports: documents taken through the real incoming flow (received, submitted, directed
to a department, assigned to an officer, completed), tasks as the direction app makes them (assignments
without a document), and ``age`` which moves a deadline into the past as the calendar would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentRole
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document, DocumentType
from qlvb.incoming.services import (
    IncomingData,
    Target,
    assignment_assign,
    assignment_complete,
    incoming_direct,
    incoming_receive,
    incoming_submit,
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def ubnd(demo: None) -> Unit:
    return Unit.objects.get(short_name="UBND", kind="agency")


@pytest.fixture
def tyt(demo: None) -> Unit:
    return Unit.objects.get(short_name="TYT", kind="agency")


@pytest.fixture
def dept(ubnd: Unit) -> Callable[[str], Unit]:
    return lambda short: Unit.objects.get(short_name=short, agency=ubnd)


@dataclass
class Work:
    document: Document
    lead: Assignment  # the department's row (top level)
    mine: Assignment  # the officer's row under it


def _data(subject: str, channel_number: int) -> IncomingData:
    return IncomingData(
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=subject,
        organ_name="Ủy ban nhân dân huyện Mê Linh",
        code_number=str(channel_number),
        code_notation="UBND-VX",
        issued_date=dt.date(2026, 3, 2),
        signer_position="Chủ tịch",
        signer_name="Nguyễn Văn An",
    )


@pytest.fixture
def handle(person: Callable[[str], User], dept: Callable[[str], Unit], ubnd: Unit) -> Callable[..., Work]:
    """``handle("subject", unit="VHXH", officer="dothanhhuong", days=10, channel="email")`` → a document
    received and registered by the clerk, directed by the Chủ tịch to the department (lead, due in
    ``days``) and passed by the department leader to the officer."""
    counter = iter(range(100, 10_000))

    def run(
        subject: str, *, unit: str = "VHXH", officer: str = "dothanhhuong", days: int = 10, channel: str = "email"
    ) -> Work:
        ha, hung = person("lethuha"), person("nguyenvanhung")
        head = person("hoangvannam" if unit == "VHXH" else "vuquanghuy")
        due = timezone.localdate() + dt.timedelta(days=days)
        doc = incoming_receive(actor=ha, agency=ubnd, channel=channel, data=_data(subject, next(counter))).document
        incoming_submit(actor=ha, document=doc, leader=hung)
        (lead,) = incoming_direct(
            actor=hung, document=doc, directive=f"{unit} chủ trì", targets=[Target(role="lead", unit=dept(unit))]
        )
        lead.due_date = due
        Assignment.objects.filter(pk=lead.pk).update(due_date=due)
        (mine,) = assignment_assign(actor=head, assignment=lead, targets=[Target(role="lead", user=person(officer))])
        return Work(doc, lead, mine)

    return run


@pytest.fixture
def finish(person: Callable[[str], User]) -> Callable[[Work], None]:
    """The officer reports his result (the department's row is done with it)."""

    def run(work: Work) -> None:
        assert work.mine.user is not None
        assignment_complete(actor=work.mine.user, assignment=work.mine, result="Đã xử lý xong")

    return run


def age(*rows: Assignment, days: int) -> None:
    """The deadline of ``rows`` moves ``days`` into the past (as if that many days had gone by)."""
    due = timezone.localdate() - dt.timedelta(days=days)
    Assignment.objects.filter(pk__in=[r.pk for r in rows]).update(due_date=due)


@pytest.fixture
def task(person: Callable[[str], User], dept: Callable[[str], Unit], ubnd: Unit) -> Callable[..., Assignment]:
    """A task of the direction app as it stores it: an assignment without a document."""

    def run(*, officer: str = "dothanhhuong", unit: str = "VHXH", days: int = 5, **extra: Any) -> Assignment:
        return Assignment.objects.create(
            document=None,
            agency=ubnd,
            role=AssignmentRole.LEAD,
            unit=dept(unit),
            user=person(officer),
            assigned_by=person("nguyenvanhung"),
            assigned_at=timezone.now(),
            directive=extra.pop("directive", "Báo cáo tình hình tiêm chủng tháng"),
            due_date=timezone.localdate() + dt.timedelta(days=days),
            **extra,
        )

    return run
