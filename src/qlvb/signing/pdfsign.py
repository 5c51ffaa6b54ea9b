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
inside its own services (permission check, audit) and the CLI calls them directly.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from asn1crypto import x509
from django.utils.translation import gettext as _
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.form_tools import get_single_field_annot
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from qlvb.core.coroutines import run_sync
from qlvb.core.errors import DomainError

from . import conf, number_fields
from . import layout as placement
from .certs import VN_TZ, check_signer_certificate, describe
from .images import check_image
from .keys import PluginKey, SigningKey, SigningRefused

T = TypeVar("T")
logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting chatter

NUMBER_FIELD = number_fields.NUMBER_FIELD
DATE_FIELD = number_fields.DATE_FIELD
PERSONAL_PREFIX = "ChuKyCaNhan"
AGENCY_FIELD = "ChuKyCoQuan"
SEAL_DIAMETER_MM = 36.0  # the usual commune/district seal; configurable per agency

Placement = tuple[int, float, float, float, float]  # page (0-based), x1, y1, x2, y2 in points


class PdfRefused(DomainError):  # noqa: N818 (named like core.errors)
    status_code = 422


@dataclass(frozen=True)
class PendingSignature:
    """A signature prepared for a key the server does not hold (:class:`~qlvb.signing.keys.PluginKey`):
    the document with its signature placeholder, the byte-range digest, and the CMS signed attributes
    whose SHA-256 ``hash`` the token must sign. Everything is bytes/ints, so it can be stored between
    the two requests (``plugin.PluginSigning``)."""

    output: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attrs: bytes  # DER of the CMS SignedAttributes
    certificate: bytes  # DER
    chain: tuple[bytes, ...] = ()

    @property
    def hash(self) -> bytes:
        return hashlib.sha256(self.signed_attrs).digest()


@dataclass(frozen=True)
class SignResult:
    pdf: bytes
    level: str  # "B-B", "B-T", "B-LT"
    field_name: str
    signing_time: datetime
    signer: dict[str, str] = field(default_factory=dict)
    pending: PendingSignature | None = None  # a PluginKey: pdf is empty until pdf_finish_signature


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return run_sync(coro)


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise PdfRefused(_("Tệp không phải là PDF."), code="not_pdf")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise PdfRefused(_("Tệp PDF bị hỏng hoặc không đọc được."), code="bad_pdf") from exc
    if writer.prev.encrypted:
        raise PdfRefused(_("Tệp PDF được mã hóa; hãy gỡ mật khẩu trước khi ký."), code="encrypted")
    return writer


def _font(size: float) -> TextBoxStyle:
    return TextBoxStyle(font=GlyphAccumulatorFactory(conf.font_path()), font_size=int(size), border_width=0)


def _existing_signatures(writer: IncrementalPdfFileWriter) -> list[str]:
    return [name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev, filled_status=True)]


def _certified(writer: IncrementalPdfFileWriter) -> bool:
    perms = writer.prev.root.get("/Perms")
    return perms is not None and "/DocMDP" in perms.get_object()


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def _page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float]:
    page_ref, _resources = writer.find_page_for_modification(page)
    box = page_ref.get_object()
    mediabox = box.get("/MediaBox") or box["/Parent"].get_object().get("/MediaBox")
    x1, y1, x2, y2 = (float(v) for v in mediabox)
    return x2 - x1, y2 - y1


def _revinfo_count(data: bytes) -> int:
    """OCSP responses + CRLs in the document security store."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if "/DSS" not in reader.root:
        return 0
    dss = reader.root["/DSS"]
    return len(dss.get("/OCSPs", [])) + len(dss.get("/CRLs", []))


def _level(before: bytes, after: bytes, timestamped: bool) -> str:
    """B-LT when this signature added revocation data (and has a timestamp), B-T with a timestamp
    only, else B-B."""
    if timestamped and _revinfo_count(after) > _revinfo_count(before):
        return "B-LT"
    return "B-T" if timestamped else "B-B"


async def _chain_of(signer: signers.Signer) -> list[x509.Certificate]:
    registry = getattr(signer, "cert_registry", None)
    return list(registry) if registry is not None else []


async def _sign(
    data: bytes,
    *,
    key: SigningKey,
    pin: str,
    field_name: str,
    box: Placement | None,
    stamp_style: Any,
    certify: bool = False,
    field_mdp: fields.FieldMDPSpec | None = None,
    text_params: dict[str, str] | None = None,
    prepare: Callable[[IncrementalPdfFileWriter, Placement], None] | None = None,
    locate: Callable[[x509.Certificate], Placement] | None = None,
    reason: str = "",
    location: str = "",
    now: datetime | None = None,
    existing_field: bool = False,
) -> SignResult:
    writer = _writer(data)
    if field_name in _existing_signatures(writer):  # signed already (empty fields are fine)
        raise PdfRefused(_("Văn bản đã có chữ ký “%(name)s”.") % {"name": field_name}, code="already_signed")
    async with key.open(pin) as signer:
        assert signer.signing_cert is not None
        chain = await _chain_of(signer)
        online = conf.signing_fetch()
        context = await check_signer_certificate(signer.signing_cert, chain, now=now, fetch=online)
        if locate is not None:
            box = locate(signer.signing_cert)
        if prepare is not None and box is not None:
            prepare(writer, box)
        tsa = conf.tsa_url()
        timestamper = HTTPTimeStamper(tsa, timeout=conf.fetch_timeout()) if tsa else None
        meta = PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=certify,
            docmdp_permissions=fields.MDPPerm.FILL_FORMS,
            embed_validation_info=online,
            validation_context=context,
            reason=reason or None,
            location=location or None,
        )
        spec: fields.SigFieldSpec | None = None
        if existing_field:
            spec = None
        elif box is not None:
            page, x1, y1, x2, y2 = box
            spec = fields.SigFieldSpec(
                sig_field_name=field_name,
                on_page=page,
                box=(round(x1), round(y1), round(x2), round(y2)),
                field_mdp_spec=field_mdp,
            )
        else:
            spec = fields.SigFieldSpec(sig_field_name=field_name, field_mdp_spec=field_mdp)
        pdf_signer = PdfSigner(meta, signer, timestamper=timestamper, stamp_style=stamp_style, new_field_spec=spec)
        out = io.BytesIO()
        signing_time = datetime.now(UTC)
        if isinstance(key, PluginKey):
            return await _prepare_external(pdf_signer, writer, signer, key, field_name, text_params, signing_time)
        try:
            await pdf_signer.async_sign_pdf(writer, appearance_text_params=text_params or {}, output=out)
        except DomainError:
            raise
        except Exception as exc:
            raise SigningRefused(
                _("Không ký được văn bản: %(reason)s") % {"reason": str(exc) or type(exc).__name__},
                code="sign_failed",
            ) from exc
        result = out.getvalue()
        assert result.startswith(data), "a signature must be an incremental update"
        return SignResult(
            pdf=result,
            level=_level(data, result, timestamped=timestamper is not None),
            field_name=field_name,
            signing_time=signing_time.astimezone(VN_TZ),
            signer=describe(signer.signing_cert),
        )


async def _prepare_external(
    pdf_signer: PdfSigner,
    writer: IncrementalPdfFileWriter,
    signer: Any,
    key: PluginKey,
    field_name: str,
    text_params: dict[str, str] | None,
    signing_time: datetime,
) -> SignResult:
    """pyHanko's interrupted signing, first half: the placeholder, the byte-range digest and the signed
    attributes (the hash of which the USB token signs)."""
    out = io.BytesIO()
    try:
        prep, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, appearance_text_params=text_params or {}, output=out
        )
        attrs = await signer.signed_attrs(prep.document_digest, "sha256", use_pades=True)
    except DomainError:
        raise
    except Exception as exc:
        raise SigningRefused(
            _("Không chuẩn bị được chữ ký: %(reason)s") % {"reason": str(exc) or type(exc).__name__}, code="sign_failed"
        ) from exc
    output.seek(0)
    pending = PendingSignature(
        output=output.read(),
        document_digest=prep.document_digest,
        reserved_start=prep.reserved_region_start,
        reserved_end=prep.reserved_region_end,
        signed_attrs=attrs.dump(),
        certificate=key.certificate.dump(),
        chain=tuple(c.dump() for c in key.chain),
    )
    return SignResult(
        pdf=b"",
        level="",
        field_name=field_name,
        signing_time=signing_time.astimezone(VN_TZ),
        signer=describe(key.certificate),
        pending=pending,
    )


def pdf_finish_signature(*, pending: PendingSignature, signature: bytes) -> SignResult:
    """Second half: put the token's ``signature`` (RSASSA-PKCS1-v1_5 over the SHA-256 of the signed
    attributes) into the CMS container, add the TSA's timestamp (PAdES B-T) when ``QLVB_TSA_URL`` is
    set, and write it into the placeholder. A signature that does not verify with the prepared
    certificate is refused before anything is written."""
    from asn1crypto import cms
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509 import load_der_x509_certificate
    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate = x509.Certificate.load(pending.certificate)
    public_key = load_der_x509_certificate(pending.certificate).public_key()
    try:
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise InvalidSignature
        public_key.verify(signature, pending.signed_attrs, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise SigningRefused(
            _(
                "Chữ ký do phần mềm ký số trả về không khớp với chứng thư số đã chọn (ký bằng khóa khác, hoặc dữ "
                "liệu bị thay đổi). Hãy ký lại; nếu vẫn lỗi, kiểm tra đúng USB token đang cắm."
            ),
            code="plugin_bad_signature",
        ) from exc
    registry = SimpleCertificateStore()
    registry.register_multiple([x509.Certificate.load(c) for c in pending.chain])
    external = signers.ExternalSigner(signing_cert=certificate, cert_registry=registry, signature_value=signature)
    tsa = conf.tsa_url()
    timestamper = HTTPTimeStamper(tsa, timeout=conf.fetch_timeout()) if tsa else None
    prepared = PreparedByteRangeDigest(
        document_digest=pending.document_digest,
        reserved_region_start=pending.reserved_start,
        reserved_region_end=pending.reserved_end,
    )

    async def run() -> bytes:
        attrs = cms.CMSAttributes.load(pending.signed_attrs)
        container = await external.async_sign_prescribed_attributes(
            "sha256", signed_attrs=attrs, timestamper=timestamper
        )
        output = io.BytesIO(pending.output)
        await PdfTBSDocument.async_finish_signing(output, prepared, container)
        return output.getvalue()

    try:
        pdf = _run(run())
    except DomainError:
        raise
    except Exception as exc:
        raise SigningRefused(
            _("Không hoàn tất được chữ ký: %(reason)s") % {"reason": str(exc) or type(exc).__name__},
            code="sign_failed",
        ) from exc
    return SignResult(
        pdf=pdf,
        level="B-T" if timestamper else "B-B",
        field_name="",
        signing_time=datetime.now(UTC).astimezone(VN_TZ),
        signer=describe(certificate),
    )


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
        writer = _writer(pdf)
        first = not _existing_signatures(writer)
        index = 1 + sum(1 for n in _existing_signatures(writer) if n.startswith(PERSONAL_PREFIX))
        field_name = f"{PERSONAL_PREFIX}{index}"
        empty = {name for name, _v, _r in fields.enumerate_sig_fields(writer.prev, filled_status=False)}
        laid_out = field_name in empty  # by the first signature, for a further signer
        if not first and _certified(writer) and not laid_out:
            # after a certification only existing fields may be signed: a new visible signature
            # field would make every earlier signature report a forbidden change
            raise PdfRefused(
                _(
                    "Văn bản đã được chứng thực bởi chữ ký đầu tiên; không thể thêm chữ ký cá nhân mới "
                    "(chỉ còn ghi số, ngày và ký số của cơ quan)."
                ),
                code="certified",
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

        return await _sign(
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

    return _run(run())


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
                _("Không tìm thấy vị trí ký “%(text)s” trong văn bản.") % {"text": placeholder}, code="no_place"
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
            code="no_place",
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
    for page in range(_page_count(writer)):
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
    writer = _writer(pdf)
    empty = [name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev, filled_status=False)]
    where = box
    if AGENCY_FIELD in empty:
        where = None  # laid out by the personal signature; sign into it
    elif where is None:
        personal = _personal_rect(writer)
        if personal is None:
            raise PdfRefused(
                _("Văn bản chưa có chữ ký của người có thẩm quyền; hãy chỉ định vị trí con dấu."),
                code="no_personal_signature",
            )
        page, *rect = personal
        sx1, sy1, sx2, sy2 = placement.seal_box((rect[0], rect[1], rect[2], rect[3]), seal_diameter_mm * placement.MM)
        where = (page, sx1, sy1, sx2, sy2)
    return _run(
        _sign(
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
    writer = _writer(pdf)
    page_w, page_h = _page_size(writer, 0)
    x1, y1, x2, y2 = placement.top_right_box(page_w, page_h, width=66 * placement.MM, height=11 * placement.MM)
    now = datetime.now(UTC)
    style = TextStampStyle(
        stamp_text="%(number)s\n%(signed_at)s",
        text_box_style=_font(10),
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
    return _run(
        _sign(
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
