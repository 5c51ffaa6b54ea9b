"""The personal signature of an outgoing document with the signer's USB token at his own desk (issue 8),
through the local signing plug-in (protocol: docs/signing.md, "USB token tại máy người ký").

Same step as :func:`.services.outgoing_sign`, split in two requests around the plug-in:

1. :func:`outgoing_sign_usb_start` — the shared precondition (:func:`.services.outgoing_sign_check`),
   the signer's method is the USB token, the token's certificate is his; the approved version's PDF
   is prepared by the same code as a server signature (:func:`.services.personal_signature_prepare`:
   image between title and name, number/date fields, agency field, certification) and kept in a
   ``PluginSigning`` session for this document and version; the hash goes back to the page;
2. :func:`outgoing_sign_usb_finish` — the plug-in's signature is embedded (checked against the
   certificate) and the signed PDF is recorded by :func:`.services.outgoing_signed_record`, as a
   server signature is: state SIGNED, event, audit, the clerks told. Numbering and the agency
   signature follow unchanged.
"""

from __future__ import annotations

from typing import Any

from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.core.text import fold
from qlvb.directory.models import User
from qlvb.signing import plugin
from qlvb.signing.certs import describe
from qlvb.signing.keys import KeyMethod

from . import services, signing_steps
from .errors import ErrorCode
from .models import DraftVersion, Outgoing


def _purpose(outgoing: Outgoing, approved: DraftVersion) -> str:
    return f"outgoing.sign:{outgoing.pk}:{approved.pk}"


def outgoing_sign_usb_ready(*, actor: User, outgoing: Outgoing) -> tuple[Outgoing, DraftVersion, Any]:
    """The precondition of the "Ký bằng USB token" step: that of every personal signature, and the
    signer's chosen method is the USB token at his desk."""
    outgoing, approved = services.outgoing_sign_check(actor=actor, outgoing=outgoing)
    profile = signing_steps._profile(user=actor)
    if profile.method != KeyMethod.PLUGIN:
        raise Conflict(
            "Phương thức ký số của ông/bà không phải USB token tại máy: hãy ký bằng mã PIN trên trang văn bản, "
            "hoặc chọn “USB token cắm vào máy tính của tôi” tại trang “Chữ ký số” → “Chữ ký của tôi”.",
            code=ErrorCode.NOT_PLUGIN_METHOD,
        )
    return outgoing, approved, profile


def outgoing_sign_usb_start(
    *, actor: User, outgoing: Outgoing, certificate_b64: str, chain_b64: list[str] | None = None
) -> plugin.Started:
    """Prepare the personal signature of the approved version for the token's certificate; return the
    session and the hash the plug-in signs."""
    outgoing, approved, profile = outgoing_sign_usb_ready(actor=actor, outgoing=outgoing)
    key = plugin.plugin_key(certificate_b64=certificate_b64, chain_b64=chain_b64)
    holder = describe(key.certificate).get("ten", "")
    if fold(holder).strip() != fold(actor.full_name).strip():
        # the token plugged in is someone else's (the agency's, a colleague's): the signature must be
        # the signer's own (NĐ 30 Điều 13)
        raise PermissionDenied(
            f"Chứng thư số trên USB token đang cắm là của “{holder}”, không phải của người ký {actor.full_name}. "
            "Hãy cắm đúng USB token của mình rồi ký lại.",
            code=ErrorCode.PLUGIN_WRONG_CERTIFICATE,
        )
    result = services.personal_signature_prepare(actor=actor, approved=approved, profile=profile, key=key, pin="")
    assert approved.pdf is not None
    return plugin.plugin_session_start(
        actor=actor, result=result, file_name=approved.pdf.name, purpose=_purpose(outgoing, approved)
    )


def outgoing_sign_usb_finish(*, actor: User, outgoing: Outgoing, session_id: str, signature_b64: str) -> Outgoing:
    """Embed the token's signature and record the signed PDF exactly as a server signature."""
    outgoing, approved, _profile = outgoing_sign_usb_ready(actor=actor, outgoing=outgoing)
    _session, result = plugin.plugin_session_finish(
        actor=actor, session_id=session_id, signature_b64=signature_b64, purpose=_purpose(outgoing, approved)
    )
    return services.outgoing_signed_record(
        actor=actor, outgoing=outgoing, approved=approved, pdf=result.pdf, level=result.level
    )
