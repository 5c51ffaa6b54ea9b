"""``documents.visibility.documents_visible_sql``: each direction's rule compiled once per the rule's key (the
incoming viewer; the person and the day for outgoing) and written into the search page's statements. The kept
SQL gives the documents the rule gives, for people whose units and assignments differ; a person given a new
role gets a new statement at his next request, never the one kept for what he was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from qlvb.directory.models import RoleAssignment, Unit, User
from qlvb.documents.models import Direction, Document
from qlvb.documents.visibility import documents_visible_sql, documents_visible_to
from qlvb.incoming.tests.test_box_rows import PEOPLE, documents  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _ids(kept: tuple[str, tuple[Any, ...]] | None) -> set[int]:
    if kept is None:
        return set()
    sql, params = kept
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("name", PEOPLE)
def test_the_kept_rule_gives_the_documents_the_rule_gives(
    documents: None,  # noqa: F811
    person: Callable[[str], User],
    name: str,
) -> None:
    actor = person(name)
    seen = 0
    for direction in Direction.values:
        expected = set(documents_visible_to(actor, direction).values_list("pk", flat=True))
        kept = documents_visible_sql(actor, direction)
        assert _ids(kept) == expected, direction
        again = documents_visible_sql(User.objects.get(pk=actor.pk), direction)  # the next request
        assert again == kept and _ids(again) == expected, direction
        seen += len(expected)
    assert name != "lethuha" or seen == Document.objects.filter(direction=Direction.INCOMING).count() > 0


def test_agencies_left_out(documents: None, person: Callable[[str], User], ubnd: Unit) -> None:  # noqa: F811
    """``outside``: only the documents of other agencies (the search's walk beyond the clerk's own)."""
    clerk = person("lethuha")
    assert _ids(documents_visible_sql(clerk, Direction.INCOMING))
    assert _ids(documents_visible_sql(clerk, Direction.INCOMING, outside=(ubnd.pk,))) == set()


def test_a_new_role_is_seen_at_the_next_request(
    documents: None,  # noqa: F811
    person: Callable[[str], User],
    ubnd: Unit,
) -> None:
    """The officer sees the two documents assigned to him; made the agency's clerk, every incoming document of
    the agency at his next request (his key changed); the role taken away, the two again."""
    officer = person("dothanhhuong")
    before = _ids(documents_visible_sql(officer, Direction.INCOMING))
    assert len(before) == 2
    role = RoleAssignment.objects.create(user=officer, unit=ubnd, role="clerk")
    clerk_now = User.objects.get(pk=officer.pk)
    everything = set(Document.objects.filter(direction=Direction.INCOMING, agency=ubnd).values_list("pk", flat=True))
    assert _ids(documents_visible_sql(clerk_now, Direction.INCOMING)) == everything != before
    role.delete()
    assert _ids(documents_visible_sql(User.objects.get(pk=officer.pk), Direction.INCOMING)) == before


def test_an_inactive_person_sees_nothing(documents: None, person: Callable[[str], User]) -> None:  # noqa: F811
    clerk = person("lethuha")
    assert _ids(documents_visible_sql(clerk, Direction.INCOMING))
    clerk.is_active = False
    assert all(documents_visible_sql(clerk, direction) is None for direction in Direction.values)
