"""The signatures (NĐ 30 Điều 13): the signer's personal signature on the approved version, the agency
signature (seal) on the numbered document and each appendix."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import require
from qlvb.directory import people
from qlvb.directory.delegation import delegation_acted, on_behalf_data, on_behalf_text
from qlvb.directory.models import Delegation, Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import (
    Attachment,
    AttachmentKind,
    Document,
)
from qlvb.documents.searchindex import document_text_index_after_commit
from qlvb.files.pdfinfo import pdf_page_count

from . import policies
from .approval import _advance
from .draft_state import _intake_bytes, _stored_bytes, current_step
from .errors import ErrorCode
from .models import (
    DraftVersion,
    Outgoing,
    State,
    StepKind,
    VersionKind,
)
from .preconditions import outgoing_sign_agency_check, pending_step_check
from .signature_block import sign_delegation, signature_block_check, signer_name_check


def _profile(*, user: User | None = None, agency: Unit | None = None) -> Any:
    from qlvb.signing.models import SigningProfile

    profile = (
        SigningProfile.objects.filter(user=user).first()
        if user is not None
        else SigningProfile.objects.filter(agency=agency).first()
    )
    # Each message says what to do and who can do it (issue 8).
    if profile is None or not profile.method:
        raise ValidationFailed(
            "Người ký chưa có chữ ký số: hãy tải lên tệp chứng thư số (PKCS#12) hoặc chọn USB token/ký số từ xa "
            "tại trang “Chữ ký số” → “Chữ ký của tôi” (người ký tự làm)."
            if user is not None
            else "Cơ quan chưa có chữ ký số: văn thư hoặc quản trị tải lên tệp chứng thư số của cơ quan tại trang "
            "“Chữ ký số” → “Của cơ quan”.",
            code=ErrorCode.NO_SIGNING_PROFILE,
        )
    if not profile.image_png:
        raise ValidationFailed(
            "Chưa có ảnh chữ ký để thể hiện trên văn bản: người ký tải ảnh tại trang “Chữ ký số” → “Chữ ký của tôi”."
            if user is not None
            else "Chưa có ảnh con dấu để thể hiện trên văn bản: văn thư tải ảnh tại trang “Chữ ký số” → “Của cơ quan”.",
            code=ErrorCode.NO_SIGNING_IMAGE,
        )
    return profile


def outgoing_sign_check(
    *, actor: User, outgoing: Outgoing, version_id: int | None = None
) -> tuple[Outgoing, DraftVersion]:
    """The precondition of the personal signature, shared by the "Ký" button (``actions.can_act``), the
    signature with a PIN (:func:`outgoing_sign`) and the USB token at the desk (:mod:`.usbsign`): the
    right, the signing step pending for ``actor``, an approved version with its PDF. Returns the
    document and the approved version."""
    outgoing = Outgoing.objects.select_related("document", "approved_version__pdf__blob").get(pk=outgoing.pk)
    step = pending_step_check(actor, outgoing, (StepKind.SIGN,))
    if sign_delegation(actor, step) is None:  # signing for a delegating leader needs no signing role
        require(actor, policies.SIGN, unit=outgoing.document.agency)
    approved = outgoing.approved_version
    if approved is None or approved.pdf is None:
        raise Conflict("Chưa có phiên bản được duyệt để ký.")
    if version_id is not None and int(version_id) != approved.pk:
        raise Conflict(
            f"Chỉ ký được phiên bản đã duyệt (phiên bản {approved.ordinal}); phiên bản được chọn chưa qua duyệt.",
            code=ErrorCode.NOT_APPROVED_VERSION,
        )
    return outgoing, approved


def personal_signature_prepare(*, actor: User, approved: DraftVersion, profile: Any, key: Any, pin: str) -> Any:
    """The personal signature of the approved version's PDF — one layout for every kind of key (image
    between title and name, number/date fields, agency field, certification): a signed PDF, or with a
    ``PluginKey`` the prepared signature whose hash the USB token signs."""
    from qlvb.signing.pdfsign import pdf_sign_personal

    assert approved.pdf is not None
    pdf = _stored_bytes(approved.pdf)
    step = current_step(approved.outgoing)
    delegation = sign_delegation(actor, step) if step is not None else None
    if delegation is not None:
        signature_block_check(pdf, delegation)
    signer_name_check(pdf, actor.full_name, before_signing=True)
    return pdf_sign_personal(
        pdf=pdf,
        key=key,
        pin=pin,
        image_png=bytes(profile.image_png),
        signer_name=actor.full_name,
        reason="Ký ban hành văn bản",
    )


def signs_at_desk(user: User) -> bool:
    """Whether ``user`` signs with his USB token at his desk (the "Ký" button leads to that step)."""
    from qlvb.signing.keys import KeyMethod
    from qlvb.signing.models import SigningProfile

    return SigningProfile.objects.filter(user=user, method=KeyMethod.PLUGIN).exists()


def outgoing_sign(*, actor: User, outgoing: Outgoing, pin: str, version_id: int | None = None) -> Outgoing:
    """The signer's personal signature on the PDF of the approved version (NĐ 30 Điều 13)."""
    from qlvb.signing.keys import KeyMethod

    outgoing, approved = outgoing_sign_check(actor=actor, outgoing=outgoing, version_id=version_id)
    profile = _profile(user=actor)
    if profile.method == KeyMethod.PLUGIN:
        raise Conflict(
            "Ông/bà ký bằng USB token tại máy của mình: hãy bấm “Ký bằng USB token” trên trang văn bản.",
            code=ErrorCode.PLUGIN_METHOD,
        )
    result = personal_signature_prepare(actor=actor, approved=approved, profile=profile, key=profile.key(), pin=pin)
    return outgoing_signed_record(actor=actor, outgoing=outgoing, approved=approved, pdf=result.pdf, level=result.level)


def outgoing_signed_record(
    *, actor: User, outgoing: Outgoing, approved: DraftVersion, pdf: bytes, level: str
) -> Outgoing:
    """Record the personal signature (``pdf``: the approved version signed by ``actor``, on the server
    or on his USB token): the file, the step, state SIGNED, the event, the audit entry, the clerks told."""
    assert approved.pdf is not None
    signed = _intake_bytes(actor=actor, data=pdf, name=f"ky-{approved.pdf.name}")
    with transaction.atomic():
        outgoing = row_locked(outgoing, related=("document",))
        step = pending_step_check(actor, outgoing, (StepKind.SIGN,))
        if outgoing.approved_version_id != approved.pk:
            raise Conflict("Dự thảo vừa thay đổi; hãy ký lại phiên bản được duyệt mới.")
        delegation = sign_delegation(actor, step)
        behalf = on_behalf_data(delegation) if delegation is not None else {}
        _advance(outgoing, step, actor=actor, comment="", data={"level": level, **behalf})
        outgoing.state, outgoing.signed_pdf, outgoing.signed_at = State.SIGNED, signed, timezone.now()
        outgoing.save(update_fields=["state", "signed_pdf", "signed_at"])
        if delegation is not None:
            _record_signed_for(outgoing, actor=actor, delegation=delegation)
            delegation_acted(actor=actor, delegation=delegation, scope="sign", action="signed_personal", obj=outgoing)
        event_record(
            outgoing.document,
            actor=actor,
            action="signed_personal",
            text=f"Ký số phiên bản {approved.ordinal} ({level})."
            + (on_behalf_text(delegation) if delegation is not None else ""),
            data={"version": approved.pk, "sha256": signed.blob.sha256, "level": level, **behalf},
        )
        audit.record(
            "outgoing.signed",
            actor=actor,
            obj=outgoing.document,
            data={"version": approved.pk, "sha256": signed.blob.sha256, **behalf},
        )
        notify_after_commit(
            users=people.clerks_of(outgoing.document.agency),
            kind="new_document",
            document_id=outgoing.pk,
            text=f"Văn bản đã ký, chờ cấp số: {outgoing.document.subject}",
        )
    return outgoing


def _record_signed_for(outgoing: Outgoing, *, actor: User, delegation: Delegation) -> None:
    """Signed in the place of the chosen signer: the competence of the delegation, the real signer's
    name and position on the document (Phụ lục VI: "người ký"), the person signed for."""
    document = outgoing.document
    outgoing.competence, outgoing.signed_for = delegation.kind, delegation.grantor
    outgoing.save(update_fields=["competence", "signed_for"])
    document.signer_name = actor.full_name[:50]
    document.signer_position = (actor.position or "")[: Document._meta.get_field("signer_position").max_length]
    document.save(update_fields=["signer_name", "signer_position"])


def outgoing_sign_agency(*, actor: User, outgoing: Outgoing, pin: str) -> Outgoing:
    """The clerk applies the agency signature (seal image) to the document and, with the text
    appearance, to each appendix in a separate file (NĐ 30 Phụ lục I.II.8)."""
    from qlvb.signing.pdfsign import pdf_sign_agency, pdf_sign_attachment

    agency = outgoing.document.agency
    outgoing = Outgoing.objects.select_related("document", "signed_pdf__blob").get(pk=outgoing.pk)
    outgoing_sign_agency_check(actor, outgoing)
    assert outgoing.signed_pdf is not None
    profile = _profile(agency=agency)
    key = profile.key()
    number = outgoing.document.number_notation
    main = pdf_sign_agency(
        pdf=_stored_bytes(outgoing.signed_pdf),
        key=key,
        pin=pin,
        seal_png=bytes(profile.image_png),
        **({"seal_diameter_mm": profile.image_width_mm} if profile.image_width_mm else {}),
    )
    main_file = _intake_bytes(actor=actor, data=main.pdf, name=f"{number.replace('/', '-')}.pdf")
    appendices = []
    for version in _latest_appendices(outgoing):
        assert version.pdf is not None
        signed = pdf_sign_attachment(pdf=_stored_bytes(version.pdf), key=key, pin=pin, number=number)
        appendices.append(_intake_bytes(actor=actor, data=signed.pdf, name=f"phu-luc-{version.ordinal}.pdf"))
    with transaction.atomic():
        outgoing = row_locked(outgoing, related=("document",))
        if outgoing.state != State.NUMBERED:
            raise Conflict("Văn bản vừa được ký số cơ quan.")
        document = outgoing.document
        now = timezone.now()
        document.attachments.all().delete()
        for ordinal, (kind, stored) in enumerate(
            [(AttachmentKind.SIGNED, main_file), *((AttachmentKind.APPENDIX, s) for s in appendices)], start=1
        ):
            Attachment.objects.create(
                document=document,
                stored_file=stored,
                kind=kind,
                ordinal=ordinal,
                name=stored.name,
                page_count=pdf_page_count(stored),
                added_by=actor,
                added_at=now,
            )
        document_text_index_after_commit(document.pk)
        outgoing.signed_pdf, outgoing.state, outgoing.agency_signed_at = main_file, State.AGENCY_SIGNED, now
        outgoing.save(update_fields=["signed_pdf", "state", "agency_signed_at"])
        event_record(
            document,
            actor=actor,
            action="signed_agency",
            text=f"Ký số của cơ quan ({main.level}); {len(appendices)} phụ lục.",
            data={"sha256": main_file.blob.sha256, "appendices": [s.blob.sha256 for s in appendices]},
        )
        audit.record("outgoing.agency_signed", actor=actor, obj=document, data={"sha256": main_file.blob.sha256})
    return outgoing


def _latest_appendices(outgoing: Outgoing) -> list[DraftVersion]:
    """Every appendix upload, in order (each is a separate file signed with the text appearance)."""
    return list(outgoing.versions.filter(kind=VersionKind.APPENDIX).select_related("pdf__blob").order_by("ordinal"))
