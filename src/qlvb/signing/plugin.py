"""Signing with the USB token at the signer's desk, through the local signing plug-in of his CA
(protocol: docs/signing.md, "USB token tại máy người ký").

1. The page asks the plug-in (``http://127.0.0.1:<port>/qlvb/v1/certificates``) for the token's
   certificate and sends it with the PDF to :func:`plugin_sign_start`, which checks the certificate
   (valid today, from a trusted CA, not revoked), lays out the signature, computes the hash to sign
   (pyHanko's interrupted signing) and keeps the prepared document for ``SESSION_MINUTES``;
2. the page asks the plug-in to sign that hash (``POST /qlvb/v1/sign``; the plug-in asks for the PIN);
3. it posts the signature back to :func:`plugin_sign_finish`, which checks it against the
   certificate, embeds the CMS container (with the TSA's timestamp), stores the signed file and its
   verification report.

The private key never leaves the token; the server never sees the PIN.

The two halves are also offered to other callers (:func:`plugin_key`, :func:`plugin_session_start`,
:func:`plugin_session_finish`): the outgoing document's "Ký" step (``qlvb.outgoing.usbsign``) prepares
the approved version with ``pdf_sign_personal`` and a :class:`~.keys.PluginKey`, and keeps it in a
session whose ``purpose`` names that document and version.
"""

from __future__ import annotations

import base64
import binascii
import io
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from asn1crypto import x509
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.permissions import require

from . import policies, reports
from .errors import ErrorCode
from .keys import PluginKey
from .models import PluginSigning, SignatureReport
from .pades import PendingSignature, SignResult, pades_sign, pdf_finish_signature, pdf_writer

if TYPE_CHECKING:
    from qlvb.directory.models import User

SESSION_MINUTES = 10
PROTOCOL = "qlvb-local-sign/1"
HASH_ALGORITHM = "SHA-256"
SIGNATURE_ALGORITHM = "RSASSA-PKCS1-v1_5"
FIELD_PREFIX = "ChuKyUSB"
MAX_PDF = 50 * 1024 * 1024


def _b64(value: str, *, what: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError, AttributeError) as exc:
        raise ValidationFailed(
            _("%(what)s không phải dữ liệu base64 hợp lệ.") % {"what": what}, code=ErrorCode.BAD_BASE64
        ) from exc


def _certificate(der: bytes) -> x509.Certificate:
    try:
        cert = x509.Certificate.load(der)
        _parsed = cert.subject.native, cert.not_valid_after
    except Exception as exc:
        raise ValidationFailed(
            _("Phần mềm ký số trả về dữ liệu không phải chứng thư số X.509."), code=ErrorCode.PLUGIN_BAD_CERTIFICATE
        ) from exc
    return cert


@dataclass(frozen=True)
class Started:
    session: PluginSigning
    hash: bytes
    signer: dict[str, str]

    def answer(self) -> dict[str, Any]:
        """What the page hands to the local plug-in (the protocol's answer to "start")."""
        return {
            "session": str(self.session.pk),
            "protocol": PROTOCOL,
            "hash": base64.b64encode(self.hash).decode(),
            "hash_algorithm": HASH_ALGORITHM,
            "signature_algorithm": SIGNATURE_ALGORITHM,
            "signer": self.signer,
            "expires_minutes": SESSION_MINUTES,
        }


def plugin_key(*, certificate_b64: str, chain_b64: list[str] | None = None) -> PluginKey:
    """The token's certificate (and intermediates) as the plug-in gave them, base64 DER."""
    cert = _certificate(_b64(certificate_b64, what=_("Chứng thư số")))
    chain = tuple(_certificate(_b64(c, what=_("Chứng thư trung gian"))) for c in (chain_b64 or []))
    return PluginKey(certificate=cert, chain=chain)


def plugin_session_start(*, actor: User, result: SignResult, file_name: str = "", purpose: str = "") -> Started:
    """Keep a prepared signature (``result.pending``, from any ``pdf_sign_*`` called with a
    :class:`PluginKey`) for its second half. ``purpose`` names what the signed file is for (empty: the
    page "Ký bằng USB token"; ``outgoing.sign:<id>:<version>``: an outgoing document's personal
    signature) — only a finish for the same purpose completes it."""
    pending = result.pending
    assert pending is not None, "prepared with a PluginKey"
    session = PluginSigning.objects.create(
        id=uuid.uuid4(),
        user=actor,
        purpose=purpose,
        file_name=file_name[:255],
        output=pending.output,
        document_digest=pending.document_digest,
        reserved_start=pending.reserved_start,
        reserved_end=pending.reserved_end,
        signed_attrs=pending.signed_attrs,
        cert_der=pending.certificate,
        chain_der=[base64.b64encode(c).decode() for c in pending.chain],
    )
    return Started(session=session, hash=pending.hash, signer=result.signer)


def plugin_sign_start(
    *, actor: User, pdf: bytes, certificate_b64: str, chain_b64: list[str] | None = None, file_name: str = ""
) -> Started:
    """Prepare a signature of ``pdf`` for the certificate the plug-in gave; return the hash to sign."""
    require(actor, policies.VERIFY)  # every signing role; what may be signed is decided above
    if len(pdf) > MAX_PDF:
        raise ValidationFailed(_("Tệp PDF quá lớn (tối đa 50 MB)."), code=ErrorCode.TOO_LARGE)
    key = plugin_key(certificate_b64=certificate_b64, chain_b64=chain_b64)
    writer = pdf_writer(pdf)  # refuses a non-PDF / broken / encrypted file with its message
    from pyhanko.sign import fields

    taken = {name for name, _v, _r in fields.enumerate_sig_fields(writer.prev)}
    number = 1 + sum(1 for n in taken if n.startswith(FIELD_PREFIX))
    from .pades import pades_run

    result = pades_run(
        pades_sign(
            pdf,
            key=key,
            pin="",
            field_name=f"{FIELD_PREFIX}{number}",
            box=None,
            stamp_style=None,
            reason=_("Ký số bằng USB token"),
        )
    )
    return plugin_session_start(actor=actor, result=result, file_name=file_name)


def plugin_session_finish(
    *, actor: User, session_id: str, signature_b64: str, purpose: str = ""
) -> tuple[PluginSigning, SignResult]:
    """Second half: embed the token's signature into the prepared document of ``actor``'s session for
    ``purpose``; refused (nothing written, the session usable again) when it does not verify."""
    try:
        key = uuid.UUID(str(session_id))
    except ValueError:
        raise NotFound(_("Không có phiên ký này."), code=ErrorCode.PLUGIN_SESSION_NOT_FOUND) from None
    with transaction.atomic():
        session = PluginSigning.objects.select_for_update().filter(pk=key, user=actor, purpose=purpose).first()
        if session is None:
            raise NotFound(_("Không có phiên ký này."), code=ErrorCode.PLUGIN_SESSION_NOT_FOUND)
        if session.finished_at is not None:
            raise Conflict(_("Phiên ký này đã hoàn tất; hãy bắt đầu ký lại."), code=ErrorCode.PLUGIN_SESSION_USED)
        if session.created_at < timezone.now() - timedelta(minutes=SESSION_MINUTES):
            raise Conflict(
                _("Phiên ký đã quá %(n)s phút; hãy bấm ký lại.") % {"n": SESSION_MINUTES},
                code=ErrorCode.PLUGIN_SESSION_EXPIRED,
            )
        session.finished_at = timezone.now()
        session.save(update_fields=["finished_at"])
    pending = PendingSignature(
        output=bytes(session.output),
        document_digest=bytes(session.document_digest),
        reserved_start=session.reserved_start,
        reserved_end=session.reserved_end,
        signed_attrs=bytes(session.signed_attrs),
        certificate=bytes(session.cert_der),
        chain=tuple(base64.b64decode(c) for c in session.chain_der),
    )
    try:
        result = pdf_finish_signature(pending=pending, signature=_b64(signature_b64, what=_("Chữ ký")))
    except Exception:
        PluginSigning.objects.filter(pk=session.pk).update(finished_at=None)  # the signer may try again
        raise
    PluginSigning.objects.filter(pk=session.pk).update(output=b"")  # the prepared copy is no longer needed
    return session, result


def plugin_sign_finish(*, actor: User, session_id: str, signature_b64: str) -> tuple[Any, SignatureReport]:
    """Embed the token's signature; store the signed file and its verification report."""
    session, result = plugin_session_finish(actor=actor, session_id=session_id, signature_b64=signature_b64)
    name = session.file_name or "van-ban.pdf"
    stored, report = reports.signature_report_verify_upload(
        actor=actor,
        stream=io.BytesIO(result.pdf),
        original_name=f"da-ky-{name}",
        channel="web",
        declared_size=len(result.pdf),
    )
    audit.record(
        "signing.plugin_signed",
        actor=actor,
        obj=None,
        data={"sha256": report.file_sha256, "signer": result.signer.get("ten", ""), "level": result.level},
    )
    return stored, report
