"""``counts_invalidation.document_people``: who must see new counts after a write to a document (issue 17). One
SQL statement since session 18 (it runs at every save of the document's rows); these are the people the
module's rule names, read from the rows a real flow writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qlvb.directory.models import RoleAssignment, User
from qlvb.reports.counts_invalidation import document_people

pytestmark = pytest.mark.django_db(transaction=False)


def _agency_wide(agency_id: int) -> set[int]:
    return set(
        RoleAssignment.objects.filter(unit_id=agency_id, role__in=("clerk", "leader")).values_list("user_id", flat=True)
    )


def test_an_outgoing_document_names_its_drafter_signer_and_chain(
    draft: Any, with_version: Any, person: Callable[[str], User]
) -> None:
    from qlvb.outgoing import services

    huong, nam, hung = (person(p) for p in ("dothanhhuong", "hoangvannam", "nguyenvanhung"))
    outgoing = with_version(draft())
    wide = _agency_wide(outgoing.document.agency_id)
    assert document_people(outgoing.pk) == wide | {huong.pk, hung.pk}
    services.outgoing_submit(actor=huong, outgoing=outgoing)
    assert document_people(outgoing.pk) == wide | {huong.pk, hung.pk, nam.pk}  # the reviewer its chain waits for
