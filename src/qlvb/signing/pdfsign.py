"""Signing PDF documents as NĐ 30/2020 requires — PAdES baseline signatures on pyHanko.

The outgoing flow for an electronic original (NĐ 30 Điều 15–17, TT 41/2017 case b):

1. :func:`pdf_sign_personal` — the signer's personal signature: a blue signature image between the
   title line and the name line. When it is the first signature it *certifies* the document with
   DocMDP "form filling and signing" and a FieldMDP lock on everything except the number and date
   fields it creates, so that step 2 and 3 are permitted changes;
2. :func:`pdf_write_number` — the clerk writes the number/notation and the issue date into those
   fields (an incremental update a validator reports as form filling);
3. :func:`pdf_sign_agency` — the agency signature: the red seal at its real size overlapping about a
   third of the signer's image on its left.

:func:`pdf_sign_attachment` signs a separate attachment or an electronic copy with no image and the
number/notation and signing time (ISO 8601, +07:00) at the top right of page 1.

Every signature is PAdES: B-B always, B-T when ``QLVB_TSA_URL`` is set, B-LT when the revocation data
(OCSP/CRL) could be fetched and embedded. RSA with SHA-256. A signed PDF is never rewritten: every
step appends an incremental update (``result.pdf`` starts with the input bytes).

These functions take and return bytes; they touch no database, so the outgoing flow calls them
inside its own services (permission check, audit) and the CLI calls them directly. The PAdES
signature they all make (and the two-step signature for a USB token) is in :mod:`qlvb.signing.pades`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from asn1crypto import x509
from django.utils.translation import gettext as _
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.form_tools import get_single_field_annot
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from . import layout as placement
from . import number_fields
from .certs import VN_TZ, describe
from .errors import ErrorCode
from .images import check_image
from .keys import SigningKey
from .pades import (
    PdfRefused,
    Placement,
    SignResult,
    existing_signatures,
    is_certified,
    pades_run,
    pades_sign,
    pdf_writer,
    text_style,
    writer_page_count,
    writer_page_size,
)

NUMBER_FIELD = number_fields.NUMBER_FIELD
DATE_FIELD = number_fields.DATE_FIELD
PERSONAL_PREFIX = "ChuKyCaNhan"
AGENCY_FIELD = "ChuKyCoQuan"
SEAL_DIAMETER_MM = 36.0  # the usual commune/district seal; configurable per agency


def _image_style(png: bytes) -> StaticStampStyle:
    image = Image.open(io.BytesIO(png))
    image.load()
    return StaticStampStyle(
        background=PdfImage(image),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def _add_text_field(writer: IncrementalPdfFileWriter, name: str, page: int, box: placement.Box) -> None:
    """An empty, visible text field to be filled later by the clerk (see :mod:`.number_fields`)."""
    number_fields.add_text_field(writer, name, page, box)


def _number_date_boxes(data: placement.PageText) -> dict[str, tuple[int, placement.Box]]:
    """Where the number and the date go on page 1: over the whole "Số: …/…" and "<place>, ngày … tháng
    … năm …" runs of the template, measured from its glyphs (see :mod:`.number_fields`)."""
    return number_fields.field_boxes(number_fields.find_placeholders(data.reader))


def pdf_sign_personal(
    *,
    pdf: bytes,
    key: SigningKey,
    pin: str,
    image_png: bytes,
    signer_name: str = "",
    placeholder: str = "",
    box: Placement | None = None,
    number_fields: bool = True,
    agency_field: bool = True,
    further_signers: Sequence[str] = (),
    seal_diameter_mm: float = SEAL_DIAMETER_MM,
    reason: str = "",
    location: str = "",
) -> SignResult:
    """The signer's personal signature. The image goes at ``box`` if given, else over the
    ``placeholder`` text, else between the title line and the line with ``signer_name`` (the
    certificate's common name when empty).

    ``further_signers``: names of the other personal signers (several signers sign one document);
    the first signature lays out their fields at their names, and their own ``pdf_sign_personal``
    signs into them. On a certified document without such a field, a new personal signature is
    refused (it would invalidate the certification)."""
    image = check_image(image_png, kind="signature")

    async def run() -> SignResult:
        writer = pdf_writer(pdf)
        first = not existing_signatures(writer)
        index = 1 + sum(1 for n in existing_signatures(writer) if n.startswith(PERSONAL_PREFIX))
        field_name = f"{PERSONAL_PREFIX}{index}"
        empty = {name for name, _v, _r in fields.enumerate_sig_fields(writer.prev, filled_status=False)}
        laid_out = field_name in empty  # by the first signature, for a further signer
        if not first and is_certified(writer) and not laid_out:
            # after a certification only existing fields may be signed: a new visible signature
            # field would make every earlier signature report a forbidden change
            raise PdfRefused(
                _(
                    "Văn bản đã được chứng thực bởi chữ ký đầu tiên; không thể thêm chữ ký cá nhân mới "
                    "(chỉ còn ghi số, ngày và ký số của cơ quan)."
                ),
                code=ErrorCode.CERTIFIED,
            )
        text = placement.PageText(pdf)
        to_create = _number_date_boxes(text) if (first and number_fields) else {}

        def locate(cert: x509.Certificate) -> Placement:
            # after the certificate check: an expired certificate is refused before any layout issue
            name = signer_name or describe(cert)["ten"]
            return box or _personal_box(text, name=name, placeholder=placeholder, ratio=image.ratio)

        def prepare(w: IncrementalPdfFileWriter, where: Placement) -> None:
            for fname, (page, fbox) in to_create.items():
                _add_text_field(w, fname, page, fbox)
            if first:
                # further signers (several signers, TT 41/2017 case c): their fields must exist
                # before the certification, at their names
                for number, other in enumerate(further_signers, start=2):
                    _page, ox1, oy1, ox2, oy2 = _personal_box(text, name=other, placeholder="", ratio=image.ratio)
                    fields.append_signature_field(
                        w,
                        fields.SigFieldSpec(
                            sig_field_name=f"{PERSONAL_PREFIX}{number}",
                            on_page=_page,
                            box=(round(ox1), round(oy1), round(ox2), round(oy2)),
                        ),
                    )
            if first and agency_field:
                # After a certification signature only existing fields may be filled or signed
                # (ISO 32000 DocMDP P=2), so the agency signature's field is laid out now: the
                # seal at its real size over the left third of the signature image.
                page, x1, y1, x2, y2 = where
                sx1, sy1, sx2, sy2 = placement.seal_box((x1, y1, x2, y2), seal_diameter_mm * placement.MM)
                fields.append_signature_field(
                    w,
                    fields.SigFieldSpec(
                        sig_field_name=AGENCY_FIELD, on_page=page, box=(round(sx1), round(sy1), round(sx2), round(sy2))
                    ),
                )

        return await pades_sign(
            pdf,
            key=key,
            pin=pin,
            field_name=field_name,
            box=None,
            locate=None if laid_out else locate,
            existing_field=laid_out,
            stamp_style=_image_style(image.data),
            certify=first,
            field_mdp=_lock_all_but_later_steps() if first else None,
            prepare=prepare,
            reason=reason or _("Ký duyệt văn bản"),
            location=location,
        )

    return pades_run(run())


def _lock_all_but_later_steps() -> fields.FieldMDPSpec:
    """FieldMDP of the first personal signature: every form field is locked except the number and
    date (the clerk fills them), the agency signature and further personal signatures."""
    open_fields = [NUMBER_FIELD, DATE_FIELD, AGENCY_FIELD] + [f"{PERSONAL_PREFIX}{i}" for i in range(2, 10)]
    return fields.FieldMDPSpec(fields.FieldMDPAction.EXCLUDE, fields=open_fields)


def _personal_box(pdf: placement.Document, *, name: str, placeholder: str, ratio: float) -> Placement:
    if placeholder:
        found = placement.find_text(pdf, placeholder)
        if found is None:
            raise PdfRefused(
                _("Không tìm thấy vị trí ký “%(text)s” trong văn bản.") % {"text": placeholder}, code=ErrorCode.NO_PLACE
            )
        line, x1, x2 = found
        centre = (x1 + x2) / 2
        height = 20 * placement.MM
        width = height * ratio
        y1 = line.y - height / 2 + line.size / 2
        return (line.page, centre - width / 2, y1, centre + width / 2, y1 + height)
    located = placement.signature_box_between(pdf, name, ratio)
    if located is None:
        raise PdfRefused(
            _("Không tìm thấy họ tên người ký “%(name)s” trong văn bản để đặt chữ ký; hãy chỉ định vị trí.")
            % {"name": name},
            code=ErrorCode.NO_PLACE,
        )
    page, (x1, y1, x2, y2) = located
    return (page, x1, y1, x2, y2)


def pdf_write_number(*, pdf: bytes, number: str, issue_date: date, place: str = "") -> bytes:
    """Write the number/notation and the issue date into the fields the personal signature left
    open — form filling, which the certification permits (see :mod:`.number_fields`)."""
    return number_fields.pdf_write_number(pdf=pdf, number=number, issue_date=issue_date, place=place)


def _personal_rect(writer: IncrementalPdfFileWriter) -> Placement | None:
    """Page and rectangle of the last personal signature."""
    found: tuple[str, Any] | None = None
    for name, _value, ref in fields.enumerate_sig_fields(writer.prev, filled_status=True):
        if name.startswith(PERSONAL_PREFIX):
            found = (name, ref)
    if found is None:
        return None
    annot = get_single_field_annot(found[1].get_object())
    rect = [float(v) for v in annot["/Rect"]]
    for page in range(writer_page_count(writer)):
        page_ref, _resources = writer.find_page_for_modification(page)
        annots = page_ref.get_object().get("/Annots")
        if annots is None:
            continue
        refs = {a.reference if hasattr(a, "reference") else a for a in annots.get_object()}
        annot_ref = found[1].reference if hasattr(found[1], "reference") else found[1]
        if annot_ref in refs:
            return (page, *rect)  # type: ignore[return-value]
    return (0, *rect)  # type: ignore[return-value]


def pdf_sign_agency(
    *,
    pdf: bytes,
    key: SigningKey,
    pin: str,
    seal_png: bytes,
    seal_diameter_mm: float = SEAL_DIAMETER_MM,
    box: Placement | None = None,
    reason: str = "",
    location: str = "",
) -> SignResult:
    """The agency signature with its seal image at real size, overlapping about one third of the
    personal signature image on its left (or at ``box``)."""
    image = check_image(seal_png, kind="seal")
    writer = pdf_writer(pdf)
    empty = [name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev, filled_status=False)]
    where = box
    if AGENCY_FIELD in empty:
        where = None  # laid out by the personal signature; sign into it
    elif where is None:
        personal = _personal_rect(writer)
        if personal is None:
            raise PdfRefused(
                _("Văn bản chưa có chữ ký của người có thẩm quyền; hãy chỉ định vị trí con dấu."),
                code=ErrorCode.NO_PERSONAL_SIGNATURE,
            )
        page, *rect = personal
        sx1, sy1, sx2, sy2 = placement.seal_box((rect[0], rect[1], rect[2], rect[3]), seal_diameter_mm * placement.MM)
        where = (page, sx1, sy1, sx2, sy2)
    return pades_run(
        pades_sign(
            pdf,
            key=key,
            pin=pin,
            field_name=AGENCY_FIELD,
            box=where,
            existing_field=where is None,
            stamp_style=_image_style(image.data),
            reason=reason or _("Phát hành văn bản"),
            location=location,
        )
    )


def vn_iso(moment: datetime) -> str:
    """``2026-03-05T14:30:15+07:00`` (Phụ lục I.II.8.b)."""
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def pdf_sign_attachment(
    *,
    pdf: bytes,
    key: SigningKey,
    pin: str,
    number: str,
    field_name: str = AGENCY_FIELD,
    reason: str = "",
    location: str = "",
) -> SignResult:
    """A separate attachment or an electronic copy: agency signature with no image; at the top right
    of page 1 the number/notation and the signing time (ISO 8601, +07:00), Liberation Serif (metric
    twin of Times New Roman) 10 pt, black."""
    writer = pdf_writer(pdf)
    page_w, page_h = writer_page_size(writer, 0)
    x1, y1, x2, y2 = placement.top_right_box(page_w, page_h, width=66 * placement.MM, height=11 * placement.MM)
    now = datetime.now(UTC)
    style = TextStampStyle(
        stamp_text="%(number)s\n%(signed_at)s",
        text_box_style=text_style(10),
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
    return pades_run(
        pades_sign(
            pdf,
            key=key,
            pin=pin,
            field_name=field_name,
            box=(0, x1, y1, x2, y2),
            stamp_style=style,
            text_params={"number": number, "signed_at": vn_iso(now)},
            reason=reason or _("Ký số tệp đính kèm"),
            location=location,
            now=now,
        )
    )
