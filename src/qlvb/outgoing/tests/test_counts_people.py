"""``counts_invalidation.document_people`` on an outgoing document (the incoming side and the rule:
``incoming/tests/test_counts_people.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qlvb.directory.models import User
from qlvb.incoming.tests.test_counts_people import agency_wide
from qlvb.reports.counts_invalidation import document_people

pytestmark = pytest.mark.django_db(transaction=False)


def test_an_outgoing_document_names_its_drafter_signer_and_chain(
    draft: Any, with_version: Any, person: Callable[[str], User]
) -> None:
    from qlvb.outgoing import services

    huong, nam, hung = (person(p) for p in ("dothanhhuong", "hoangvannam", "nguyenvanhung"))
    outgoing = with_version(draft())
    wide = agency_wide(outgoing.document.agency_id)
    assert document_people(outgoing.pk) == wide | {huong.pk, hung.pk}
    services.outgoing_submit(actor=huong, outgoing=outgoing)
    assert document_people(outgoing.pk) == wide | {huong.pk, hung.pk, nam.pk}  # the reviewer its chain waits for
