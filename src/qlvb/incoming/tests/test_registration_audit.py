"""Registering an incoming document writes an audit entry, like every other act."""

from __future__ import annotations

import pytest

from qlvb.core import audit
from qlvb.core.models import AuditEntry
from qlvb.incoming.receiving import incoming_receive

from .conftest import make_data


@pytest.mark.django_db
def test_registration_is_audited(person, ubnd):
    clerk = person("lethuha")
    document = incoming_receive(actor=clerk, agency=ubnd, channel="email", data=make_data()).document
    entry = AuditEntry.objects.get(action="incoming.registered", object_id=str(document.pk))
    assert entry.actor_id == clerk.pk
    assert entry.data == {"arrival_number": document.arrival_number}
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_a_document_left_waiting_is_not_yet_audited_as_registered(ubnd):
    document = incoming_receive(actor=None, agency=ubnd, channel="email", data=make_data(), register=False).document
    assert not AuditEntry.objects.filter(action="incoming.registered", object_id=str(document.pk)).exists()
