"""Kept statements (core/statements.py): compiled once, they give what the queryset gives, for any values, on
SQLite and PostgreSQL; a builder that reads anything but its parameters is caught by the check mode."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.core.statements import Ids, KeptPages, KeptStatement, Shape, Words
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


def test_lists_of_ids_and_shapes_one_statement_per_shape(demo: None) -> None:
    """Ids of any number (none: no query, as the queryset asks none), duplicates dropped as Django drops them,
    an order chosen by a shape value: each time what the queryset gives, one compiled statement per shape."""

    def build(unit_ids: tuple[int, ...], order: str) -> Any:
        return RoleAssignment.objects.filter(unit_id__in=unit_ids).order_by(order, "pk").values_list("pk", flat=True)

    kept: KeptStatement[int] = KeptStatement("test.roles_in_units", build, unit_ids=Ids, order=Shape)
    units = sorted(set(RoleAssignment.objects.values_list("unit_id", flat=True)))
    assert len(units) >= 3
    for order in ("role", "-user_id"):
        for chosen in ([], units[:1], units[1:3], [units[2], units[0], units[2]], units):
            with CaptureQueriesContext(connection) as captured:
                found = kept.fetch(unit_ids=chosen, order=order)
            assert found == list(build(tuple(chosen), order))
            assert len(captured.captured_queries) == (1 if chosen else 0)
    # shapes: (order, length) — lengths 1, 2 (twice: the duplicate dropped), len(units); 0 keeps "empty"
    assert len(kept._compiled) == 2 * len({0, 1, 2, len(units)})


def test_words_are_bound_as_contains_binds_them(demo: None, person: Any) -> None:
    """Each word a ``%word%`` pattern; LIKE's own characters (``%``, ``_``) are looked for as themselves."""
    user = person("lethuha")
    user.full_name = "Lê Thu_Hà 100%"
    user.save(update_fields=["full_name"])

    def build(words: tuple[str, ...]) -> Any:
        query = User.objects.order_by("pk")
        for word in words:
            query = query.filter(full_name__contains=word)
        return query.values_list("username", flat=True)

    kept: KeptStatement[str] = KeptStatement("test.names_holding", build, words=Words)
    for words in (["Thu_Hà"], ["100%"], ["Thu", "Hà"], ["u_H", "0%"], ["Thu%Hà"], ["_"], []):
        assert kept.fetch(words=words) == list(build(tuple(words))), words
    assert kept.fetch(words=["Thu_Hà", "100%"]) == [user.username]
    assert kept.fetch(words=["Thu%Hà"]) == []


def test_a_parameter_a_shape_does_not_use_is_allowed(demo: None, person: Any) -> None:
    kept: KeptStatement[str] = KeptStatement(
        "test.maybe_by_id",
        lambda user_id, by_id: (
            (User.objects.filter(pk=user_id) if by_id else User.objects.all())
            .order_by("pk")
            .values_list("username", flat=True)[:1]
        ),
        user_id=int,
        by_id=Shape,
    )
    user = person("lethuha")
    assert kept.fetch(user_id=user.pk, by_id=True) == [user.username]
    assert kept.fetch(user_id=user.pk, by_id=False) == [User.objects.order_by("pk").first().username]  # type: ignore[union-attr]


def test_pages_for_a_paginator(demo: None) -> None:
    """A kept statement paged as Django's Paginator pages a queryset: the same pages, the count given or counted."""
    from django.core.paginator import Paginator

    def build(offset: int, limit: int) -> Any:
        return User.objects.order_by("username").values_list("username", flat=True)[offset : offset + limit]

    kept: KeptStatement[str] = KeptStatement("test.users_page", build, offset=Shape, limit=Shape)
    names = list(User.objects.order_by("username").values_list("username", flat=True))
    assert len(names) >= 5
    counted: list[int] = []

    def count() -> int:
        counted.append(1)
        return len(names)

    pages: Paginator[str] = Paginator(cast(Any, KeptPages(kept, {}, count=None, counted=count)), 2)
    expected = Paginator(names, 2)
    assert pages.num_pages == expected.num_pages
    for number in expected.page_range:
        assert list(pages.page(number)) == list(expected.page(number))
    assert counted == [1]  # counted once
    assert Paginator(cast(Any, KeptPages(kept, {}, count=3, counted=count)), 2).num_pages == 2
