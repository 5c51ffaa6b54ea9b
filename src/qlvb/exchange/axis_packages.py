"""Our documents and deliveries as edXML packages (build, sign, keep in the file store), and the other
way: a received package's metadata as the Phụ lục VI fields of an incoming document."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path

from django.utils import timezone

from qlvb.documents.models import AttachmentKind, Document, DocumentEvent
from qlvb.files.models import Blob
from qlvb.files.storage import BlobWriter, blob_local, open_verified

from . import edxml
from .axis_config import signing_key
from .edxml import model as m
from .edxml.build import EncodedAttachments, encode_attachments
from .edxml.signature import sign_package
from .edxml.status import VN_TZ, make_status

PACKAGE_KIND = "edxml"
PACKAGE_TYPE = "application/xml"


def document_id_of(document: Document) -> str:
    """The edXML DocumentId of one of our issued documents (§4.2): the identifier given at issuing, else
    the standard's form ``OrganId,yyyy/MM/dd,number/notation``."""
    if document.document_identifier:
        return document.document_identifier
    date = document.issued_date or timezone.localdate(document.created_at)
    return f"{document.agency.organ_id},{date:%Y/%m/%d},{document.code_number}/{document.code_notation}"


def _competence(document: Document) -> str:
    """edXML ``SignerInfo/Competence``: the first line of the signature block when the signer signed with
    a competence ("KT. CHỦ TỊCH UBND XÃ"), else empty."""
    from qlvb.outgoing.models import Outgoing
    from qlvb.outgoing.signature_block import outgoing_signature_block

    outgoing = Outgoing.objects.filter(pk=document.pk).select_related("document", "signer", "signed_for").first()
    if outgoing is None or not outgoing.competence:
        return ""
    return outgoing_signature_block(outgoing)[0]


def _org(unit_name: str, organ_id: str) -> m.Organization:
    return m.Organization(organ_id=organ_id, organ_name=unit_name)


def _replaced_by(document: Document) -> Document | None:
    """The document this one replaces or updates (its ``replaced``/``updated`` event names us)."""
    event = (
        DocumentEvent.objects.select_related("document__agency")
        .filter(action__in=("replaced", "updated"), data__by=document.pk)
        .order_by("-id")
        .first()
    )
    return event.document if event is not None else None


def edoc_of(
    document: Document, *, to: list[m.Organization], business_type: int, reason: str, files: list[Path]
) -> m.Edoc:
    agency = document.agency
    sender = _org(agency.name, agency.organ_id)
    bussiness = m.Bussiness(bussiness_doc_type=str(business_type), bussiness_doc_reason=reason)
    response_for: list[m.ResponseFor] = []
    if str(business_type) == m.REVOKE:
        response_for.append(
            m.ResponseFor(
                organ_id=agency.organ_id,
                code=f"{document.code_number}/{document.code_notation}",
                promulgation_date=f"{document.issued_date:%Y/%m/%d}" if document.issued_date else "",
                document_id=document_id_of(document),
            )
        )
    elif str(business_type) in (m.UPDATE, m.REPLACE):
        original = _replaced_by(document)
        if original is not None:
            bussiness.document_id = document_id_of(original)
            if str(business_type) == m.REPLACE:
                bussiness.replacements = [
                    m.ReplacementInfo(document_id=document_id_of(original), organ_ids=[o.organ_id for o in to])
                ]
            else:
                bussiness.document_info = m.BussinessDocumentInfo(
                    document_info="1", receivers=[m.Receiver(organ_id=o.organ_id) for o in to]
                )
    issued = document.issued_date
    return m.Edoc(
        header=m.EdocHeader(
            from_=sender,
            to=to,
            document_id=document_id_of(document),
            code=m.Code(document.code_number, document.code_notation),
            promulgation_info=m.PromulgationInfo("", f"{issued:%Y/%m/%d}" if issued else ""),
            document_type=m.DocumentType("", "", document.doc_type.name),
            subject=document.subject,
            signer_info=m.SignerInfo(_competence(document), document.signer_position, document.signer_name),
            due_date=f"{document.due_date:%Y/%m/%d}" if document.due_date else "",
            to_places=[document.to_places] if document.to_places else [],
            other_info=m.OtherInfo(priority=str(document.urgency), page_amount=str(document.page_amount or "")),
            response_for=response_for,
        ),
        trace_headers=[m.TraceHeader(agency.organ_id, dt.datetime.now(VN_TZ).strftime(m.DATETIME_FORMAT))],
        bussiness=bussiness,
        attachments=[m.Attachment(path=f, attachment_name=f.name) for f in files],
    )


def document_files(document: Document, folder: Path) -> list[Path]:
    """Every current file of the issued document (the signed PDF first, then the appendices), copied out
    of the file store under its name. Drafts are not sent."""
    out: list[Path] = []
    attachments = (
        document.attachments.select_related("stored_file__blob")
        .exclude(kind=AttachmentKind.DRAFT)
        .filter(superseded_at__isnull=True)
        .order_by("ordinal")
    )
    kinds = {a.kind for a in attachments}
    for attachment in attachments:
        if attachment.kind == AttachmentKind.MAIN and AttachmentKind.SIGNED in kinds:
            continue  # the signed PDF is the main file that is sent
        blob = attachment.stored_file.blob
        target = folder / f"{len(out) + 1:02d}" / attachment.stored_file.name
        target.parent.mkdir(parents=True)
        with (
            open_verified(blob.sha256, size=blob.size, name=attachment.stored_file.name) as src,
            target.open("wb") as dst,
        ):
            shutil.copyfileobj(src, dst, 1024 * 1024)
        out.append(target)
    return out


def blob_keep(path: Path) -> Blob:
    """Keep a package in the content-addressed file store (once per content)."""
    with BlobWriter() as writer, path.open("rb") as src:
        for chunk in iter(lambda: src.read(1024 * 1024), b""):
            writer.write(chunk)
        writer.finish()
        blob, _created = Blob.objects.get_or_create(
            sha256=writer.sha256, defaults={"size": writer.size, "kind": PACKAGE_KIND, "content_type": PACKAGE_TYPE}
        )
        writer.place()
    return blob


def package_local(blob: Blob) -> AbstractContextManager[Path]:
    """A local path of a kept package for the transport (a verified copy when the store is S3)."""
    return blob_local(blob.sha256, size=blob.size)


def signed_blob(package: m.Edoc | m.Status, *, encoded: EncodedAttachments | None = None) -> Blob:
    """Build the package, sign it with the agency key (XML-DSig) and keep it in the file store
    (``encoded``: its attachments part, made once for every recipient of the same document)."""
    with tempfile.TemporaryDirectory(prefix="edxml-out-") as tmp:
        out = Path(tmp) / "package.edxml"
        edxml.build(package, out, tmp_dir=tmp, encoded=encoded)
        key = signing_key()
        if key is not None:
            sign_package(out, out, key_path=key.key_path, cert_path=key.cert_path, password=key.password)
        return blob_keep(out)


def edoc_blobs(document: Document, *, to: list[m.Organization], business_type: int, reason: str = "") -> list[Blob]:
    """One signed package per recipient in ``to`` (each names only its own recipient), in that order. The
    document's files are read from the file store, zipped and base64-encoded **once** for all of them
    (``edxml.build.encode_attachments``); each package then costs its header, a copy of that part and its
    signature."""
    if not to:
        return []
    with tempfile.TemporaryDirectory(prefix="edxml-files-") as tmp:
        files = [] if str(business_type) == m.REVOKE else document_files(document, Path(tmp))
        encoded = None
        if files:
            first = edoc_of(document, to=to[:1], business_type=business_type, reason=reason, files=files)
            encoded = encode_attachments(first, Path(tmp) / "attachments.part", tmp_dir=tmp)
        return [
            signed_blob(
                edoc_of(document, to=[org], business_type=business_type, reason=reason, files=files), encoded=encoded
            )
            for org in to
        ]


def status_blob(
    *, code: str, sender: m.Organization, about: m.ResponseFor, description: str = "", staff: str = ""
) -> Blob:
    status = make_status(code=code, sender=sender, about=about, description=description, staff=m.StaffInfo(staff=staff))
    return signed_blob(status)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
