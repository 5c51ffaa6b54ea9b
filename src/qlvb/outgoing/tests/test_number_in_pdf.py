"""Issue 8: a clerk numbers a công văn drafted on an ordinary LibreOffice template (Phụ lục III header
as a two-column table, "Số:      /UBND-VHXH", "Liên Minh, ngày      tháng      năm 2026") through the
outgoing services — upload, review, sign, number, agency signature — and the issued PDF shows "Số:
01/UBND-VHXH" and today's date in place of the blanks, nothing of the template showing through, both
signatures valid. The proof on the rendered page is the signing tests' (qlvb/signing/tests/pages.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qlvb.outgoing import numbering, services
from qlvb.outgoing.models import Outgoing
from qlvb.outgoing.tests.conftest import ALL_OK, PIN, upload
from qlvb.signing import number_fields
from qlvb.signing.tests import pages, templates
from qlvb.signing.verify import verify_pdf

pytestmark = pytest.mark.django_db


def _read(stored) -> bytes:
    from qlvb.files.storage import open_verified

    with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as handle:
        return handle.read()


def test_issued_pdf_reads_the_number_and_date_instead_of_the_blanks(draft, person, profiles, ubnd, tmp_path):
    template, ext = templates.TEMPLATES["odt-spaces"]
    outgoing = draft()
    huong, clerk = outgoing.drafter, person("lethuha")
    version = services.version_upload(
        actor=huong, outgoing=outgoing, stored_file=upload(huong, templates.odt(template), "du-thao.odt")
    )
    services.version_convert(version_id=version.pk)  # what the Celery task does after the commit
    services.outgoing_submit(actor=huong, outgoing=outgoing)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
    services.outgoing_format_check(actor=clerk, outgoing=outgoing, checks=ALL_OK)
    outgoing = services.outgoing_sign(
        actor=person("nguyenvanhung"), outgoing=Outgoing.objects.get(pk=outgoing.pk), pin=PIN
    )
    services.outgoing_number(actor=clerk, outgoing=outgoing)
    services.outgoing_sign_agency(actor=clerk, outgoing=outgoing, pin=PIN)
    outgoing = Outgoing.objects.select_related("approved_version__pdf__blob", "signed_pdf__blob").get(pk=outgoing.pk)

    assert outgoing.approved_version is not None
    approved, issued = _read(outgoing.approved_version.pdf), _read(outgoing.signed_pdf)
    line = numbering.date_line(numbering.place_name(ubnd), timezone.localdate())
    assert outgoing.document.number_notation == "01/UBND-VHXH"
    values = pages.field_values(issued)
    assert values[number_fields.NUMBER_FIELD] == "Số: 01/UBND-VHXH"
    assert values[number_fields.DATE_FIELD] == line
    assert [s["verdict"] for s in verify_pdf(issued)["signatures"]] == ["valid", "valid"]
    pages.assert_replaced(
        approved,
        issued,
        typed=(template.number, template.date),
        expected=("Số: 01/UBND-VHXH", line),
        folder=tmp_path,
        name=f"outgoing-{ext}",
    )
