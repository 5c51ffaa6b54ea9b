"""Kept statements (core/statements.py): compiled once, they give what the queryset gives, for any values, on
SQLite and PostgreSQL; a builder that reads anything but its parameters is caught by the check mode."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.core.statements import KeptStatement
from qlvb.directory.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


def _agency_name(user: User) -> str:
    unit = user.unit
    assert unit is not None
    return unit.agency.name if unit.agency else unit.name


def test_model_rows_with_their_related_objects_as_the_queryset_gives_them(demo: None) -> None:
    kept: KeptStatement[User] = KeptStatement(
        "test.users_of_unit",
        lambda unit_id: User.objects.select_related("unit__agency").filter(unit_id=unit_id).order_by("username"),
        unit_id=int,
    )
    units = sorted({u.unit_id for u in User.objects.exclude(unit=None) if u.unit_id is not None})
    assert len(units) >= 2
    for unit_id in units:  # the same statement, other values: each time what the queryset gives
        expected = list(User.objects.select_related("unit__agency").filter(unit_id=unit_id).order_by("username"))
        with CaptureQueriesContext(connection) as captured:
            found = kept.fetch(unit_id=unit_id)
            agencies = [_agency_name(u) for u in found]  # no more queries
        assert [(u.pk, u.username, u.full_name, u.unit_id) for u in found] == [
            (u.pk, u.username, u.full_name, u.unit_id) for u in expected
        ]
        assert agencies == [_agency_name(u) for u in expected]
        assert len(captured.captured_queries) == 1
        assert all(u._state.adding is False and u._state.db == "default" for u in found)
    assert kept.fetch(unit_id=10**9) == []


def test_tuples_single_values_and_dictionaries(demo: None, person: Any) -> None:
    user = person("lethuha")
    tuples: KeptStatement[tuple[Any, ...]] = KeptStatement(
        "test.roles",
        lambda user_id: RoleAssignment.objects.filter(user_id=user_id).values_list("unit_id", "role"),
        user_id=int,
    )
    flat: KeptStatement[str] = KeptStatement(
        "test.role_names",
        lambda user_id: RoleAssignment.objects.filter(user_id=user_id).values_list("role", flat=True),
        user_id=int,
    )
    dicts: KeptStatement[dict[str, Any]] = KeptStatement(
        "test.role_dicts",
        lambda user_id: RoleAssignment.objects.filter(user_id=user_id).values("unit_id", "role"),
        user_id=int,
    )
    base = RoleAssignment.objects.filter(user_id=user.pk)
    assert tuples.fetch(user_id=user.pk) == list(base.values_list("unit_id", "role"))
    assert flat.fetch(user_id=user.pk) == list(base.values_list("role", flat=True)) != []
    assert dicts.fetch(user_id=user.pk) == list(base.values("unit_id", "role"))
    assert flat.first(user_id=0) is None


def test_moments_and_days_are_bound_as_the_backend_binds_them(demo: None, person: Any) -> None:
    """A session's deadline compared with a moment, a user's join date with a day: the rows on either side of
    the value, on both databases (SQLite keeps moments as text in UTC)."""
    kept: KeptStatement[str] = KeptStatement(
        "test.sessions_alive",
        lambda now: Session.objects.filter(expire_date__gt=now).order_by("session_key").values_list("pk", flat=True),
        now=dt.datetime,
    )
    noon = dt.datetime(2026, 12, 4, 5, 0, tzinfo=dt.UTC)  # Vietnam's noon
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=noon - dt.timedelta(seconds=1))
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=noon + dt.timedelta(seconds=1))
    assert kept.fetch(now=noon) == ["b" * 32]
    assert kept.fetch(now=noon - dt.timedelta(seconds=2)) == ["a" * 32, "b" * 32]

    joined: KeptStatement[int] = KeptStatement(
        "test.joined_since",
        lambda day: User.objects.filter(date_joined__date__gte=day).values_list("pk", flat=True),
        day=dt.date,
    )
    assert sorted(joined.fetch(day=dt.date(1990, 1, 1))) == sorted(User.objects.values_list("pk", flat=True))
    assert joined.fetch(day=timezone.localdate() + dt.timedelta(days=2)) == []
    assert person("lethuha").pk in joined.fetch(day=timezone.localdate())


def test_the_check_mode_catches_a_builder_that_reads_more_than_its_parameters(settings: Any, demo: None) -> None:
    """The builder below decides its SQL from a value outside its parameters (a role kept in a list): the
    statement compiled with one value would be run for another. The check compiles afresh and refuses."""
    assert settings.QLVB_STATEMENTS_CHECK  # on in the tests (conftest.py)
    roles = ["clerk"]
    kept: KeptStatement[int] = KeptStatement(
        "test.frozen_role",
        lambda user_id: RoleAssignment.objects.filter(Q(user_id=user_id) & Q(role__in=list(roles))).values_list(
            "pk", flat=True
        ),
        user_id=int,
    )
    kept.fetch(user_id=1)
    roles.append("leader")
    with pytest.raises(AssertionError, match="depends on more than its parameters"):
        kept.fetch(user_id=1)


def test_a_parameter_that_is_not_a_plain_value_in_the_sql_is_refused(demo: None) -> None:
    """``icontains`` turns the value into ``%value%``: the statement could not bind it, and says so."""
    kept: KeptStatement[int] = KeptStatement(
        "test.contains",
        lambda name: User.objects.filter(full_name__icontains=name).values_list("pk", flat=True),
        name=str,
    )
    with pytest.raises(ValueError, match="not plain values"):
        kept.fetch(name="Hà")
    with pytest.raises(TypeError, match="parameters"):
        kept.fetch(other="Hà")


def test_prefetching_is_refused(demo: None) -> None:
    kept: KeptStatement[User] = KeptStatement(
        "test.prefetch",
        lambda user_id: User.objects.filter(pk=user_id).prefetch_related("role_assignments"),
        user_id=int,
    )
    with pytest.raises(ValueError, match="one statement"):
        kept.fetch(user_id=1)
