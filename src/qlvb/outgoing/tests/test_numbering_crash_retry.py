"""Numbering in two short transactions (issue 10): the number is given and recorded in the first, the PDF
written with no lock held, then recorded in the second. A crash between the two leaves the number with the
document (state ``numbering``, shown on the page with the retry); the retry writes that same number and
date — never a new number, never a gap. A PDF that cannot take a number is refused before one is given."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from qlvb.core.errors import Conflict
from qlvb.files.models import StoredFile
from qlvb.outgoing import numbering, services
from qlvb.outgoing.errors import ErrorCode
from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.tests.conftest import signed_documents
from qlvb.signing import number_fields
from qlvb.signing.pades import PdfRefused
from qlvb.signing.tests import pages

pytestmark = pytest.mark.django_db


class CrashError(Exception):
    """The process dying while the numbered PDF is being stored."""


def _read(stored: StoredFile | None) -> bytes:
    from qlvb.files.storage import open_verified

    assert stored is not None
    with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as handle:
        return handle.read()


def _crash_when_stored(prefix: str):
    def crash(sender, instance, created, **kwargs):
        if created and instance.name.startswith(prefix):
            raise CrashError

    return crash


def test_a_crash_between_the_transactions_keeps_the_number_and_the_retry_writes_it(signed, person, page_as):
    clerk = person("lethuha")
    outgoing = signed()
    personal = outgoing.signed_pdf
    crash = _crash_when_stored("01-")
    post_save.connect(crash, sender=StoredFile, weak=False)
    try:
        with pytest.raises(CrashError):
            services.outgoing_number(actor=clerk, outgoing=outgoing)
    finally:
        post_save.disconnect(crash, sender=StoredFile)

    outgoing = Outgoing.objects.select_related("document").get(pk=outgoing.pk)
    assert outgoing.state == State.NUMBERING and outgoing.number == 1  # the number belongs to the document
    assert outgoing.document.number_notation == "01/UBND-VHXH"
    assert outgoing.signed_pdf == personal  # still the signer's PDF, its number field empty
    assert pages.field_values(_read(outgoing.signed_pdf))[number_fields.NUMBER_FIELD] == "None"
    issued_date = outgoing.document.issued_date
    assert issued_date is not None

    page = page_as(clerk).get(reverse("outgoing:detail", args=[outgoing.pk])).content.decode()
    assert 'data-qlvb="numbering-pending"' in page and "01/UBND-VHXH" in page
    assert "Ghi lại số vào bản PDF" in page  # the retry, offered by the same action's precondition

    (other,) = signed_documents(_read(personal), 1)  # another clerk numbers meanwhile: the next number
    assert services.outgoing_number(actor=clerk, outgoing=Outgoing.objects.get(pk=other)).number == 2

    services.outgoing_number(actor=clerk, outgoing=outgoing)  # the retry
    outgoing = Outgoing.objects.select_related("document", "signed_pdf__blob").get(pk=outgoing.pk)
    assert outgoing.state == State.NUMBERED and outgoing.number == 1
    assert outgoing.document.number_notation == "01/UBND-VHXH" and outgoing.document.issued_date == issued_date
    values = pages.field_values(_read(outgoing.signed_pdf))
    assert values[number_fields.NUMBER_FIELD] == "Số: 01/UBND-VHXH"
    assert values[number_fields.DATE_FIELD] == numbering.date_line("Liên Minh", issued_date)
    assert outgoing.document.events.filter(action="numbered").count() == 1
    with pytest.raises(Conflict) as refused:
        services.outgoing_number(actor=clerk, outgoing=outgoing)
    assert refused.value.code == ErrorCode.ALREADY_NUMBERED
    series = numbering.series_for(agency=outgoing.document.agency, doc_type=outgoing.document.doc_type)
    with transaction.atomic():
        assert numbering.number_take(series, issued_date.year) == 3  # 1 and 2 given once each, no gap


def test_a_pdf_that_cannot_take_a_number_is_refused_before_one_is_given(to_sign, person, ubnd):
    outgoing = to_sign()
    assert outgoing.approved_version is not None
    Outgoing.objects.filter(pk=outgoing.pk).update(state=State.SIGNED, signed_pdf=outgoing.approved_version.pdf)
    with pytest.raises(PdfRefused):  # the unsigned conversion has no number and date fields
        services.outgoing_number(actor=person("lethuha"), outgoing=outgoing)
    outgoing = Outgoing.objects.get(pk=outgoing.pk)
    assert outgoing.state == State.SIGNED and outgoing.number is None
    series = numbering.series_for(agency=ubnd, doc_type=outgoing.document.doc_type)
    with transaction.atomic():
        assert numbering.number_take(series, timezone.localdate().year) == 1
