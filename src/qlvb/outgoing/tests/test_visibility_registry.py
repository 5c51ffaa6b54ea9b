"""The replacement for outgoing's old import of incoming: outgoing asks ``qlvb.documents.visibility``
whether the drafter may see the incoming document the draft answers, and the rule it gets is incoming's
own. (The import rules themselves are checked by ``core/tests/test_layers.py``.)"""

from __future__ import annotations

import pytest

from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.documents.models import Direction
from qlvb.documents.visibility import document_visible_get, documents_visible_to
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.selectors import documents_visible_to as incoming_rule
from qlvb.incoming.tests.conftest import make_data


@pytest.mark.django_db
def test_incoming_registers_its_own_rule(person):
    clerk = person("lethuha")
    assert str(documents_visible_to(clerk, Direction.INCOMING).query) == str(incoming_rule(clerk).query)


@pytest.mark.django_db
def test_a_direction_nobody_registered_shows_nothing(person):
    assert not documents_visible_to(person("lethuha"), Direction.INTERNAL).exists()


@pytest.mark.django_db
def test_a_drafter_cannot_answer_an_incoming_document_she_may_not_see(draft, person, ubnd):
    asked = incoming_receive(actor=person("lethuha"), agency=ubnd, channel="email", data=make_data()).document
    drafter = person("dothanhhuong")  # nothing routed to her yet
    with pytest.raises(NotFound):
        document_visible_get(drafter, Direction.INCOMING, asked.pk)
    with pytest.raises(ValidationFailed, match="Không tìm thấy văn bản đến được trả lời"):
        draft(answers=asked)
    # the agency's clerk sees it, and a draft of hers may answer it
    assert document_visible_get(person("lethuha"), Direction.INCOMING, asked.pk) == asked
