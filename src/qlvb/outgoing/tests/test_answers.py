"""An outgoing document that answers an incoming one: issuing it records the answer on the incoming
document (a DocumentEvent — the workflows meet in documents), and the incoming follow-up register
(Sổ theo dõi giải quyết văn bản đến, Phụ lục IV) shows its number in column 6."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.incoming.handling import Target, incoming_route
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.reports import followup_rows
from qlvb.incoming.tests.conftest import make_data

pytestmark = pytest.mark.django_db


def test_issuing_the_answer_fills_column_6_of_the_incoming_followup_register(issued, person, ubnd):
    asked = incoming_receive(
        actor=person("lethuha"),
        agency=ubnd,
        channel="email",
        data=make_data(code_number="45", subject="Về việc báo cáo tiêm chủng"),
    ).document
    # the clerk sends it straight to the officer who will draft the answer (she must see it to answer it)
    incoming_route(actor=person("lethuha"), document=asked, targets=[Target(role="lead", user=person("dothanhhuong"))])
    today = timezone.localdate()
    window = (today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    assert followup_rows(ubnd, *window)[0][5] == ""  # nothing answered yet

    answer = issued(answers=asked)

    event = asked.events.get(action="answered")
    assert event.data["notation"] == answer.document.number_notation
    assert [row[5] for row in followup_rows(ubnd, *window) if row[0] == asked.arrival_number] == [
        answer.document.number_notation
    ]


def test_a_draft_that_answers_nothing_records_nothing_elsewhere(issued, person, ubnd):
    asked = incoming_receive(actor=person("lethuha"), agency=ubnd, channel="email", data=make_data()).document
    issued()
    assert not asked.events.filter(action="answered").exists()
