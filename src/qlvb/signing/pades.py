"""PAdES signatures on pyHanko, as bytes in and bytes out: the signature itself (B-B, B-T with a TSA,
B-LT with embedded revocation data; RSA with SHA-256), always as an incremental update, and the
two-step signature for a key the server does not hold (a USB token at the signer's desk: prepare,
then finish with the token's signature). The steps of NĐ 30/2020 built on it are in ``pdfsign.py``.
No database access."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from asn1crypto import x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper

from qlvb.core.coroutines import run_sync
from qlvb.core.errors import DomainError

from . import conf
from .certs import VN_TZ, check_signer_certificate, describe
from .errors import ErrorCode
from .keys import PluginKey, SigningKey, SigningRefused

T = TypeVar("T")
logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting chatter


@contextmanager
def _refused_on_failure(message: str) -> Iterator[None]:
    """A failure inside pyHanko (any exception but our own domain errors, which pass as they are) refuses
    the signing: ``message`` (translated, with ``%(reason)s``) says what could not be done and why."""
    try:
        yield
    except DomainError:
        raise
    except Exception as exc:
        raise SigningRefused(message % {"reason": str(exc) or type(exc).__name__}, code=ErrorCode.SIGN_FAILED) from exc


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


def pades_run(coro: Coroutine[Any, Any, T]) -> T:
    return run_sync(coro)


def pdf_writer(data: bytes) -> IncrementalPdfFileWriter:
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise PdfRefused(_("Tệp không phải là PDF."), code=ErrorCode.NOT_PDF)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise PdfRefused(_("Tệp PDF bị hỏng hoặc không đọc được."), code=ErrorCode.BAD_PDF) from exc
    if writer.prev.encrypted:
        raise PdfRefused(_("Tệp PDF được mã hóa; hãy gỡ mật khẩu trước khi ký."), code=ErrorCode.ENCRYPTED)
    return writer


def text_style(size: float) -> TextBoxStyle:
    return TextBoxStyle(font=GlyphAccumulatorFactory(conf.font_path()), font_size=int(size), border_width=0)


def existing_signatures(writer: IncrementalPdfFileWriter) -> list[str]:
    return [name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev, filled_status=True)]


def is_certified(writer: IncrementalPdfFileWriter) -> bool:
    perms = writer.prev.root.get("/Perms")
    return perms is not None and "/DocMDP" in perms.get_object()


def writer_page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def writer_page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float]:
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


async def pades_sign(
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
    writer = pdf_writer(data)
    if field_name in existing_signatures(writer):  # signed already (empty fields are fine)
        raise PdfRefused(_("Văn bản đã có chữ ký “%(name)s”.") % {"name": field_name}, code=ErrorCode.ALREADY_SIGNED)
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
        with _refused_on_failure(_("Không ký được văn bản: %(reason)s")):
            await pdf_signer.async_sign_pdf(writer, appearance_text_params=text_params or {}, output=out)
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
    with _refused_on_failure(_("Không chuẩn bị được chữ ký: %(reason)s")):
        prep, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, appearance_text_params=text_params or {}, output=out
        )
        attrs = await signer.signed_attrs(prep.document_digest, "sha256", use_pades=True)
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
            code=ErrorCode.PLUGIN_BAD_SIGNATURE,
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

    with _refused_on_failure(_("Không hoàn tất được chữ ký: %(reason)s")):
        pdf = pades_run(run())
    return SignResult(
        pdf=pdf,
        level="B-T" if timestamper else "B-B",
        field_name="",
        signing_time=datetime.now(UTC).astimezone(VN_TZ),
        signer=describe(certificate),
    )
