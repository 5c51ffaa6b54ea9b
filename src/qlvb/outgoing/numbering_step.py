"""Cấp số (NĐ 30 Điều 15): the clerk gives the number and writes it into the signed PDF."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.documents.events import event_record
from qlvb.documents.models import (
    Direction,
)
from qlvb.documents.numbering import register_for

from . import numbering
from .draft_state import _intake_bytes, _locked, _stored_bytes
from .models import (
    Outgoing,
    State,
)
from .preconditions import outgoing_number_check


@transaction.atomic
def outgoing_number(*, actor: Any, outgoing: Outgoing) -> Outgoing:
    """The clerk gives the number from the agency's outgoing series for the year and writes number,
    notation and the place-and-date line into the signed PDF (form filling: the personal signature
    stays valid). The document identifier follows the agency's template."""
    agency = outgoing.document.agency
    outgoing = _locked(outgoing)
    outgoing_number_check(actor, outgoing)
    assert outgoing.signed_pdf is not None
    from qlvb.signing.services import pdf_write_number

    document = outgoing.document
    today = timezone.localdate()
    series = numbering.series_for(agency=agency, doc_type=document.doc_type)
    number = numbering.number_take(series, today.year)
    code_number = numbering.number_text(number)
    notation = numbering.notation_for(agency=agency, doc_type=document.doc_type, drafting_unit=outgoing.drafting_unit)
    place = numbering.place_name(agency)
    # The fields cover the draft's whole "Số: …/…" and "<Địa danh>, ngày … tháng … năm …" runs and are
    # written in full: the draft's own place name is kept (the signer approved it); the agency's place
    # name is used only when the draft has none.
    pdf = pdf_write_number(
        pdf=_stored_bytes(outgoing.signed_pdf), number=f"{code_number}/{notation}", issue_date=today, place=place
    )
    stored = _intake_bytes(actor=actor, data=pdf, name=f"{code_number}-{notation}.pdf")
    document.code_number, document.code_notation, document.issued_date = code_number, notation, today
    document.year = today.year
    document.register = register_for(agency=agency, direction=Direction.OUTGOING, year=today.year)
    document.registered_at = timezone.now()
    document.document_identifier = numbering.identifier_for(
        agency=agency, issued=today, number=code_number, notation=notation
    )
    document.save()
    outgoing.series, outgoing.year, outgoing.number = series, today.year, number
    outgoing.numbered_at, outgoing.signed_pdf, outgoing.state = timezone.now(), stored, State.NUMBERED
    outgoing.save(update_fields=["series", "year", "number", "numbered_at", "signed_pdf", "state"])
    event_record(
        document,
        actor=actor,
        action="numbered",
        text=f"Số {document.number_notation}, {numbering.date_line(place, today)}.",
        data={"number": number, "notation": notation, "series": series.pk, "identifier": document.document_identifier},
    )
    audit.record(
        "outgoing.numbered",
        actor=actor,
        obj=document,
        data={"number_notation": document.number_notation, "identifier": document.document_identifier},
    )
    return outgoing
