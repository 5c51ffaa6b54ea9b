"""Cấp số (NĐ 30 Điều 15): the clerk gives the number and writes it into the signed PDF.

The series counter is a row lock shared by every clerk of the agency, so the numbering is split in two
short transactions around the slow part (writing number, notation and date into the signed PDF and
storing it), which runs with no lock held:

1. :func:`_number_give` — under the document's row lock and, for a few statements, the counter's: the
   number is taken (:func:`.numbering.number_take`) and recorded on the document with its notation, issue
   date and identifier, state ``numbering`` ("numbered, PDF being written"), the ``numbered`` event and
   the audit entry. Committed: from now on the number belongs to this document — never given again, never
   a gap.
2. the PDF is written with that number and date (no lock);
3. :func:`_numbered_pdf_record` — under the document's row lock only: the numbered PDF replaces the
   personally signed one, state ``numbered``.

A crash between 1 and 3 leaves a numbered document without its numbered PDF (state ``numbering``): the page
says so and offers the same action again, which skips step 1 and writes the PDF with the number already
recorded (same number, same date). Two clerks numbering in one series never write a PDF twice: each has
its own number before writing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict
from qlvb.core.locks import row_locked
from qlvb.directory.models import User
from qlvb.documents.events import event_record
from qlvb.documents.models import Direction
from qlvb.documents.numbering import register_for
from qlvb.files.models import StoredFile

from . import numbering
from .draft_state import _intake_bytes, _stored_bytes
from .models import Outgoing, State
from .preconditions import outgoing_number_check


def outgoing_number(*, actor: User, outgoing: Outgoing) -> Outgoing:
    """The clerk gives the number from the agency's outgoing series for the year and writes number,
    notation and the place-and-date line into the signed PDF (form filling: the personal signature
    stays valid). The document identifier follows the agency's template.

    On a document already given its number whose PDF was not written (state ``numbering``: a crash, an
    error while storing the PDF), the same call writes the PDF with that number and date."""
    from qlvb.signing.number_fields import pdf_number_fields_check

    outgoing = Outgoing.objects.select_related("document__agency", "signed_pdf__blob").get(pk=outgoing.pk)
    outgoing_number_check(actor, outgoing)  # refuse at once, before any lock
    assert outgoing.signed_pdf is not None
    signed = _stored_bytes(outgoing.signed_pdf)
    if outgoing.state != State.NUMBERING:
        pdf_number_fields_check(signed)  # a PDF that cannot take a number is refused before one is given
        outgoing = _number_give(actor, outgoing)
    stored = _numbered_pdf(actor, outgoing, signed)  # the slow part, no lock held
    return _numbered_pdf_record(actor, outgoing, stored)


@transaction.atomic
def _number_give(actor: User, outgoing: Outgoing) -> Outgoing:
    """Transaction 1: the number taken and recorded on the document (state ``numbering``). The counter's
    row lock is taken last, so it is held only for the few writes that follow."""
    locked = row_locked(outgoing, related=("document__agency",))
    outgoing_number_check(actor, locked)
    if locked.signed_pdf_id != outgoing.signed_pdf_id:
        raise Conflict("Bản đã ký của văn bản vừa thay đổi; hãy cấp số lại.")
    if locked.state == State.NUMBERING:  # another request gave the number meanwhile: write its PDF
        return locked
    document, agency = locked.document, locked.document.agency
    today = timezone.localdate()
    series = numbering.series_for(agency=agency, doc_type=document.doc_type)
    notation = numbering.notation_for(agency=agency, doc_type=document.doc_type, drafting_unit=locked.drafting_unit)
    place = numbering.place_name(agency)
    register = register_for(agency=agency, direction=Direction.OUTGOING, year=today.year)

    number = numbering.number_take(series, today.year)  # the series row lock, until the commit
    code_number = numbering.number_text(number)
    document.code_number, document.code_notation, document.issued_date = code_number, notation, today
    document.year, document.register, document.registered_at = today.year, register, timezone.now()
    document.document_identifier = numbering.identifier_for(
        agency=agency, issued=today, number=code_number, notation=notation
    )
    document.save()
    locked.series, locked.year, locked.number = series, today.year, number
    locked.numbered_at, locked.state = timezone.now(), State.NUMBERING
    locked.save(update_fields=["series", "year", "number", "numbered_at", "state"])
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
    return locked


def _numbered_pdf(actor: User, outgoing: Outgoing, signed: bytes) -> StoredFile:
    """The personally signed PDF with the recorded number, notation and issue date written into its
    fields, stored. Reads only what step 1 committed, so a retry writes the same number and date."""
    from qlvb.signing.pdfsign import pdf_write_number

    document = outgoing.document
    assert document.issued_date is not None
    # The fields cover the draft's whole "Số: …/…" and "<Địa danh>, ngày … tháng … năm …" runs and are
    # written in full: the draft's own place name is kept (the signer approved it); the agency's place
    # name is used only when the draft has none.
    pdf = pdf_write_number(
        pdf=signed,
        number=document.number_notation,
        issue_date=document.issued_date,
        place=numbering.place_name(document.agency),
    )
    return _intake_bytes(actor=actor, data=pdf, name=f"{document.code_number}-{document.code_notation}.pdf")


@transaction.atomic
def _numbered_pdf_record(actor: User, outgoing: Outgoing, stored: StoredFile) -> Outgoing:
    """Transaction 2: the numbered PDF replaces the personally signed one (document row lock only)."""
    locked = row_locked(outgoing, related=("document",))
    if locked.number == outgoing.number and locked.state != State.NUMBERING:
        return locked  # another request wrote it meanwhile (a retry racing the first write): done once
    if locked.state != State.NUMBERING or locked.signed_pdf_id != outgoing.signed_pdf_id:
        raise Conflict("Văn bản vừa thay đổi trong khi ghi số vào bản PDF; hãy tải lại trang.")
    locked.signed_pdf, locked.state = stored, State.NUMBERED
    locked.save(update_fields=["signed_pdf", "state"])
    return locked
