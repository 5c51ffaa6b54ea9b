"""The light tree read by :mod:`.reader` → the model (:class:`~.model.Edoc` or :class:`~.model.Status`),
with the manifest checked against the attachments and the lenient checks of :mod:`.validate`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ErrorCode
from .errors import EdxmlRefused, EdxmlWarning, WarningCode
from .model import (
    DSIG_NS,
    NS,
    Attachment,
    Bussiness,
    BussinessDocumentInfo,
    Code,
    DocumentType,
    Edoc,
    EdocHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    Status,
    TraceHeader,
)
from .reader import Node, Target
from .validate import check_edoc, check_status


@dataclass
class Parsed:
    """What :func:`parse` read: the package, its warnings, and whether it carries a signature."""

    package: Edoc | Status
    warnings: list[EdxmlWarning] = field(default_factory=list)
    signature: str = "absent"  # "absent" | "present" (verify with signature.verify_package)
    signature_namespace: str = ""

    @property
    def kind(self) -> str:
        return self.package.kind


def _org(node: Node | None) -> Organization:
    if node is None:
        return Organization()
    return Organization(
        organ_id=node.text("OrganId"),
        organization_in_charge=node.text("OrganizationInCharge"),
        organ_name=node.text("OrganName"),
        organ_add=node.text("OrganAdd"),
        email=node.text("Email"),
        telephone=node.text("Telephone"),
        fax=node.text("Fax"),
        website=node.text("Website"),
    )


def _response_for(node: Node) -> ResponseFor:
    return ResponseFor(
        organ_id=node.text("OrganId"),
        code=node.text("Code"),
        promulgation_date=node.text("PromulgationDate"),
        document_id=node.text("DocumentId"),
    )


def _staff(node: Node | None) -> StaffInfo | None:
    if node is None:
        return None
    return StaffInfo(
        department=node.text("Department"),
        staff=node.text("Staff"),
        email=node.text("Email"),
        mobile=node.text("Mobile"),
    )


def interpret(root: Node, target: Target) -> Parsed:
    warnings: list[EdxmlWarning] = []
    if root.ns != NS:
        warnings.append(
            EdxmlWarning(WarningCode.NAMESPACE, f"không gian tên «{root.ns}» khác QCVN 102 ({NS})", "edXML")
        )
    envelope = root.child("edXMLEnvelope")
    header = envelope.child("edXMLHeader") if envelope else None
    message = header.child("MessageHeader") if header else None
    if envelope is None or header is None or message is None:
        raise EdxmlRefused(
            "Gói tin thiếu phần đầu (edXMLEnvelope/edXMLHeader/MessageHeader)",
            code=ErrorCode.NO_HEADER,
            element="edXMLHeader",
        )
    signature = header.child("Signature")
    sig_state = "present" if signature is not None else "absent"
    sig_ns = signature.ns if signature is not None else ""

    if message.child("StatusCode") is not None:
        status = _status(message)
        return Parsed(status, warnings + check_status(status), sig_state, sig_ns)

    edoc = Edoc(header=_edoc_header(message))
    _traces(edoc, header.child("TraceHeaderList"))
    warnings += _attachments_match(edoc, envelope, target)
    warnings += check_edoc(edoc)
    if sig_state == "present" and sig_ns != DSIG_NS:
        warnings.append(
            EdxmlWarning(
                WarningCode.SIGNATURE_NAMESPACE, "chữ ký (Signature) không thuộc không gian tên XML-DSig", "Signature"
            )
        )
    return Parsed(edoc, warnings, sig_state, sig_ns)


def _status(message: Node) -> Status:
    rf = message.child("ResponseFor")
    return Status(
        from_=_org(message.child("From")),
        response_for=_response_for(rf) if rf is not None else ResponseFor(),
        staff_info=_staff(message.child("StaffInfo")) or StaffInfo(),
        status_code=message.text("StatusCode"),
        description=message.text("Description"),
        timestamp=message.text("Timestamp"),
    )


def _traces(edoc: Edoc, traces: Node | None) -> None:
    if traces is None:
        return
    edoc.trace_headers = [
        TraceHeader(organ_id=t.text("OrganId"), timestamp=t.text("Timestamp")) for t in traces.all("TraceHeader")
    ]
    b = traces.child("Bussiness")
    if b is not None:
        edoc.bussiness = _bussiness(b)


def _attachments_by_cid(target: Target) -> dict[str, tuple[Attachment, list[EdxmlWarning]]]:
    by_cid: dict[str, tuple[Attachment, list[EdxmlWarning]]] = {}
    for att, att_warnings in target.attachments:
        if att.content_id in by_cid:
            raise EdxmlRefused(
                f"Hai tệp đính kèm cùng ContentId «{att.content_id}»",
                code=ErrorCode.DUPLICATE_CONTENT_ID,
                element="Attachment",
            )
        by_cid[att.content_id] = (att, att_warnings)
    return by_cid


def _attachments_match(edoc: Edoc, envelope: Node, target: Target) -> list[EdxmlWarning]:
    """The manifest's references ↔ the attachments: a reference without its attachment, or named twice,
    refuses the package; the manifest fills what an attachment lacks; an unlisted attachment is kept
    with a warning. Appends the attachments to ``edoc`` in manifest order, then the unlisted ones."""
    body = envelope.child("edXMLBody")
    manifest = body.child("edXMLManifest") if body else None
    references = manifest.all("Reference") if manifest else []
    by_cid = _attachments_by_cid(target)
    warnings: list[EdxmlWarning] = []
    seen: set[str] = set()
    for ref in references:
        cid = ref.text("ContentId")
        if cid not in by_cid:
            raise EdxmlRefused(
                f"Danh mục (edXMLManifest) nêu tệp «{ref.text('AttachmentName') or cid}» ({cid}) "
                "nhưng gói tin không có tệp đính kèm đó",
                code=ErrorCode.MISSING_ATTACHMENT,
                element="edXMLManifest/Reference",
            )
        if cid in seen:
            raise EdxmlRefused(
                f"Danh mục nêu hai lần ContentId «{cid}»", code=ErrorCode.DUPLICATE_CONTENT_ID, element="edXMLManifest"
            )
        seen.add(cid)
        att, att_warnings = by_cid[cid]
        att.attachment_name = att.attachment_name or ref.text("AttachmentName")
        att.description = att.description or ref.text("Description")
        att.content_type = att.content_type or ref.text("ContentType")
        edoc.attachments.append(att)
        warnings += att_warnings
    for cid, (att, att_warnings) in by_cid.items():
        if cid not in seen:
            warnings.append(
                EdxmlWarning(
                    WarningCode.UNLISTED_ATTACHMENT,
                    f"tệp đính kèm «{att.attachment_name or cid}» không có trong danh mục (edXMLManifest); vẫn nhận",
                    "Attachment",
                )
            )
            edoc.attachments.append(att)
            warnings += att_warnings
    return warnings


def _edoc_header(m: Node) -> EdocHeader:
    code = m.child("Code")
    prom = m.child("PromulgationInfo")
    dtype = m.child("DocumentType")
    signer = m.child("SignerInfo")
    other = m.child("OtherInfo")
    places = m.child("ToPlaces")
    appendixes = other.child("Appendixes") if other else None
    h = EdocHeader(
        from_=_org(m.child("From")),
        to=[_org(t) for t in m.all("To")],
        document_id=m.text("DocumentId"),
        code=Code(code.text("CodeNumber"), code.text("CodeNotation")) if code else Code(),
        promulgation_info=PromulgationInfo(prom.text("Place"), prom.text("PromulgationDate"))
        if prom
        else PromulgationInfo(),
        document_type=DocumentType(dtype.text("Type"), dtype.text("TypeDetail"), dtype.text("TypeName"))
        if dtype
        else DocumentType(),
        subject=m.text("Subject"),
        content=m.text("Content"),
        signer_info=SignerInfo(signer.text("Competence"), signer.text("Position"), signer.text("FullName"))
        if signer
        else SignerInfo(),
        due_date=m.text("DueDate"),
        to_places=[p.text() for p in places.all("Place")] if places else [],
        steering_type=m.text("SteeringType"),
        response_for=[_response_for(r) for r in m.all("ResponseFor") if any(c.text() for c in r.children)],
    )
    if other is not None:
        h.other_info = OtherInfo(
            priority=other.text("Priority"),
            sphere_of_promulgation=other.text("SphereOfPromulgation"),
            typer_notation=other.text("TyperNotation"),
            promulgation_amount=other.text("PromulgationAmount"),
            page_amount=other.text("PageAmount"),
            direction=other.text("Direction"),
            appendixes=[a.text() for a in appendixes.all("Appendix")] if appendixes else [],
        )
    return h


def _bussiness(b: Node) -> Bussiness:
    out = Bussiness(
        bussiness_doc_type=b.text("BussinessDocType"),
        bussiness_doc_reason=b.text("BussinessDocReason"),
        paper=b.text("Paper"),
        document_id=b.text("DocumentId"),
        staff_info=_staff(b.child("StaffInfo")),
    )
    info = b.child("BussinessDocumentInfo")
    if info is not None:
        receivers = info.child("ReceiverList")
        out.document_info = BussinessDocumentInfo(
            document_info=info.text("DocumentInfo"),
            document_receiver=info.text("DocumentReceiver"),
            receivers=[Receiver(r.text("OrganId"), r.text("ReceiverType")) for r in receivers.all("Receiver")]
            if receivers
            else [],
        )
    reps = b.child("ReplacementInfoList")
    if reps is not None:
        out.replacements = [
            ReplacementInfo(
                document_id=r.text("DocumentId"),
                organ_ids=[o.text() for o in ol.all("OrganId")] if (ol := r.child("OrganIdList")) else [],
            )
            for r in reps.all("ReplacementInfo")
        ]
    return out
