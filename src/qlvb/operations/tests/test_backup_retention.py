"""The retention of daily backups (issue 15): 7 daily, 4 weekly, 12 monthly, the newest always."""

from __future__ import annotations

import datetime as dt

from qlvb.operations.backup_retention import backups_to_keep


def _name(when: dt.datetime) -> str:
    return "qlvb-" + when.strftime("%Y%m%dT%H%M%SZ")


def test_a_year_of_daily_backups_keeps_the_policy_s_set() -> None:
    start = dt.datetime(2026, 1, 1, 19, 15, tzinfo=dt.UTC)
    names = [_name(start + dt.timedelta(days=day)) for day in range(365)]
    kept = backups_to_keep(names)
    newest = start + dt.timedelta(days=364)  # 2026-12-31, a Thursday
    assert _name(newest) in kept
    for day in range(7):  # the last seven days
        assert _name(newest - dt.timedelta(days=day)) in kept
    assert _name(newest - dt.timedelta(days=7)) not in kept or (newest - dt.timedelta(days=7)).isoweekday() == 7
    # the last day of each of the 12 months
    month_ends = {(n[5:11]) for n in kept}
    assert len(month_ends) == 12
    assert _name(dt.datetime(2026, 1, 31, 19, 15, tzinfo=dt.UTC)) in kept
    assert _name(dt.datetime(2026, 1, 30, 19, 15, tzinfo=dt.UTC)) not in kept
    assert 7 <= len(kept) <= 7 + 4 + 12


def test_two_backups_on_one_day_keep_the_newer() -> None:
    names = ["qlvb-20261201T010000Z", "qlvb-20261201T190000Z"]
    assert backups_to_keep(names) == {"qlvb-20261201T190000Z"}


def test_names_that_are_not_backups_are_never_kept_nor_counted() -> None:
    assert backups_to_keep(["notes", "qlvb-garbage", "qlvb-20261201T010000Z"]) == {"qlvb-20261201T010000Z"}
