"""Cấp số (NĐ 30 Điều 15): the clerk gives the number and writes it into the signed PDF.

The series counter is a row lock shared by every clerk of the agency, so the slow part — writing number,
notation and date into the signed PDF and storing it — is done *before* the transaction, with the number
the series will give next (:func:`.numbering.number_peek`). The transaction then only confirms that number
under the lock (:func:`.numbering.number_claim`) and records it with that PDF. When another numbering took
the number meanwhile, the PDF is written again with the next one, under the lock as before, so a busy series
still ends and wastes at most one PDF per document. A crash leaves either nothing numbered (a PDF written ahead stays an
unused stored file, attached to nothing) or the number and its PDF, committed together: never a number
without its PDF, never one number in two documents' PDFs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict
from qlvb.core.locks import row_locked
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import Direction
from qlvb.documents.numbering import register_for
from qlvb.files.models import StoredFile

from . import numbering
from .draft_state import _intake_bytes, _stored_bytes
from .models import NumberSeries, Outgoing, State
from .preconditions import outgoing_number_check

# Rounds that write the PDF outside the lock before the last one writes it under the lock. One: when two
# clerks number in the same series at the same moment, the loser writes its PDF again under the lock
# rather than racing again (a second race would mostly be lost too, at the cost of one more PDF each).
OPTIMISTIC_ROUNDS = 1


@dataclass(frozen=True)
class _Numbering:
    """What the number depends on besides the number itself (read once, before the rounds)."""

    agency: Unit
    series: NumberSeries
    notation: str
    place: str
    signed: bytes
    signed_id: int


def outgoing_number(*, actor: User, outgoing: Outgoing) -> Outgoing:
    """The clerk gives the number from the agency's outgoing series for the year and writes number,
    notation and the place-and-date line into the signed PDF (form filling: the personal signature
    stays valid). The document identifier follows the agency's template."""
    outgoing = Outgoing.objects.select_related("document__agency", "signed_pdf__blob").get(pk=outgoing.pk)
    outgoing_number_check(actor, outgoing)
    assert outgoing.signed_pdf is not None
    document, agency = outgoing.document, outgoing.document.agency
    plan = _Numbering(
        agency=agency,
        series=numbering.series_for(agency=agency, doc_type=document.doc_type),
        notation=numbering.notation_for(
            agency=agency, doc_type=document.doc_type, drafting_unit=outgoing.drafting_unit
        ),
        place=numbering.place_name(agency),
        signed=_stored_bytes(outgoing.signed_pdf),
        signed_id=outgoing.signed_pdf.pk,
    )
    for _round in range(OPTIMISTIC_ROUNDS):
        today = timezone.localdate()
        number = numbering.number_peek(plan.series, today.year)
        stored = _numbered_pdf(actor, plan, number, today)  # the slow part, no lock held
        with transaction.atomic():
            locked = _relocked(actor, outgoing, plan)
            if today == timezone.localdate() and numbering.number_claim(plan.series, today.year, number):
                return _numbered_record(actor, locked, plan, number, today, stored)
    with transaction.atomic():  # a busy series: the last round writes the PDF under the lock
        locked = _relocked(actor, outgoing, plan)
        today = timezone.localdate()
        number = numbering.number_take(plan.series, today.year)
        return _numbered_record(actor, locked, plan, number, today, _numbered_pdf(actor, plan, number, today))


def _relocked(actor: User, outgoing: Outgoing, plan: _Numbering) -> Outgoing:
    """The document under its row lock, its precondition checked again, signed by the PDF numbered ahead."""
    locked = row_locked(outgoing, related=("document",))
    outgoing_number_check(actor, locked)
    if locked.signed_pdf_id != plan.signed_id:
        raise Conflict("Bản đã ký của văn bản vừa thay đổi; hãy cấp số lại.")
    return locked


def _numbered_pdf(actor: User, plan: _Numbering, number: int, today: dt.date) -> StoredFile:
    from qlvb.signing.pdfsign import pdf_write_number

    code_number = numbering.number_text(number)
    # The fields cover the draft's whole "Số: …/…" and "<Địa danh>, ngày … tháng … năm …" runs and are
    # written in full: the draft's own place name is kept (the signer approved it); the agency's place
    # name is used only when the draft has none.
    pdf = pdf_write_number(pdf=plan.signed, number=f"{code_number}/{plan.notation}", issue_date=today, place=plan.place)
    return _intake_bytes(actor=actor, data=pdf, name=f"{code_number}-{plan.notation}.pdf")


def _numbered_record(
    actor: User, outgoing: Outgoing, plan: _Numbering, number: int, today: dt.date, stored: StoredFile
) -> Outgoing:
    agency, notation = plan.agency, plan.notation
    code_number = numbering.number_text(number)
    document = outgoing.document
    document.code_number, document.code_notation, document.issued_date = code_number, notation, today
    document.year = today.year
    document.register = register_for(agency=agency, direction=Direction.OUTGOING, year=today.year)
    document.registered_at = timezone.now()
    document.document_identifier = numbering.identifier_for(
        agency=agency, issued=today, number=code_number, notation=notation
    )
    document.save()
    outgoing.series, outgoing.year, outgoing.number = plan.series, today.year, number
    outgoing.numbered_at, outgoing.signed_pdf, outgoing.state = timezone.now(), stored, State.NUMBERED
    outgoing.save(update_fields=["series", "year", "number", "numbered_at", "signed_pdf", "state"])
    event_record(
        document,
        actor=actor,
        action="numbered",
        text=f"Số {document.number_notation}, {numbering.date_line(plan.place, today)}.",
        data={
            "number": number,
            "notation": notation,
            "series": plan.series.pk,
            "identifier": document.document_identifier,
        },
    )
    audit.record(
        "outgoing.numbered",
        actor=actor,
        obj=document,
        data={"number_notation": document.number_notation, "identifier": document.document_identifier},
    )
    return outgoing
