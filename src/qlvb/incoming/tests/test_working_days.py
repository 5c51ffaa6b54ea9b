"""Điều 4.2: a document received and not registered by the end of the next working day is late; the
weekend, the configured public holidays (QLVB_PUBLIC_HOLIDAYS) and make-up working days count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.incoming import conf
from qlvb.incoming.receiving import is_registration_late, registration_deadline
from qlvb.incoming.services import incoming_receive

from .conftest import make_data

THU_APR_30 = dt.date(2026, 4, 30)  # Giải phóng miền Nam is 30/4, Quốc tế Lao động 1/5 (a Friday in 2026)


def test_weekend_only_by_default(settings):
    settings.QLVB_PUBLIC_HOLIDAYS = []
    assert registration_deadline(dt.date(2026, 3, 6)) == dt.date(2026, 3, 9)  # Friday → Monday
    assert registration_deadline(dt.date(2026, 4, 29)) == THU_APR_30


def test_public_holidays_from_the_settings(settings):
    settings.QLVB_PUBLIC_HOLIDAYS = [dt.date(2026, 4, 30), "2026-05-01"]
    # received Wednesday 29/4: Thursday 30/4 and Friday 1/5 are holidays, then the weekend → Monday 4/5
    assert registration_deadline(dt.date(2026, 4, 29)) == dt.date(2026, 5, 4)


def test_public_holidays_from_the_environment(settings, monkeypatch):
    settings.QLVB_PUBLIC_HOLIDAYS = None
    monkeypatch.setenv("QLVB_PUBLIC_HOLIDAYS", "30/04/2026, 2026-05-01")
    assert conf.public_holidays() == {dt.date(2026, 4, 30), dt.date(2026, 5, 1)}
    monkeypatch.setenv("QLVB_PUBLIC_HOLIDAYS", "30-04-2026")
    with pytest.raises(ValueError, match="yyyy-mm-dd"):
        conf.public_holidays()


def test_make_up_working_saturday(settings):
    settings.QLVB_PUBLIC_HOLIDAYS = ["2026-05-01"]
    settings.QLVB_EXTRA_WORKING_DAYS = ["2026-05-02"]  # Saturday made a working day
    assert registration_deadline(THU_APR_30) == dt.date(2026, 5, 2)


def test_the_late_flag_uses_the_holidays(settings, person, ubnd):
    settings.QLVB_PUBLIC_HOLIDAYS = ["2026-04-30", "2026-05-01"]
    received_at = dt.datetime(2026, 4, 29, 15, 0, tzinfo=timezone.get_current_timezone())
    doc = incoming_receive(
        actor=None, agency=ubnd, channel="axis", data=make_data(), register=False, received_at=received_at
    ).document
    assert not is_registration_late(doc, today=dt.date(2026, 5, 4))
    assert is_registration_late(doc, today=dt.date(2026, 5, 5))
