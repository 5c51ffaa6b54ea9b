"""Import an export package (``package.py``) into this deployment: the dossiers and their documents with
their files, under the importing archivist's agency.

1. The ZIP's directory goes through the zip guard (``files.zipguard.zip_inspect``: entry names, counts,
   declared sizes, ratios) with the package's own limits.
2. **The manifest first**: its signature (``manifest-sha256.txt.p7s``, ``package_signature.py``) is checked
   when present — and required when ``QLVB_PACKAGE_REQUIRE_SIGNATURE`` is on —, and so is its signer's
   certificate against the trust anchors and OCSP/CRL (``package_trust.py``: revoked refused; not trusted
   refused where a signature is required, else flagged); then every entry is hashed as a stream and compared
   with ``manifest-sha256.txt``; an
   entry missing, added or changed by one byte refuses the whole package naming the file — nothing is
   written.
3. ``metadata.xml`` is read (defusedxml) and checked whole: the document types known here, the dates, a
   dossier code not taken here by a dossier of our own.
4. The files are taken in through ``files.intake.file_intake`` (type, size, zip-bomb checks; content
   addressed, so an identical original is stored once and keeps its bytes), then one transaction creates
   the dossiers, documents, attachments and items, with a :class:`PackageImportRecord` for each.

Idempotent: a dossier whose ``FileCode`` was imported before, or a document whose ``SourceKey`` was, is not
created again — importing the same package twice creates nothing new."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from django.db import transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, ValidationFailed
from qlvb.core.permissions import require
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Attachment, AttachmentKind, Direction, Document, DocumentStatus, DocumentType
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel, StoredFile
from qlvb.files.zipguard import ZipLimits, ZipRefused, zip_inspect

from . import policies
from .errors import ErrorCode
from .models import FROZEN_STATES, Dossier, DossierItem, DossierState
from .package import CHUNK, FORMAT, MANIFEST, METADATA
from .package_models import ImportKind, PackageImportRecord
from .package_signature import (
    SIGNATURE,
    SIGNATURE_MAX_BYTES,
    SignatureInfo,
    signature_required,
    signature_verify,
    unsigned_refusal,
)
from .package_trust import Trust, signer_trust

MANIFEST_MAX_BYTES = 32 * 1024 * 1024
METADATA_MAX_BYTES = 256 * 1024 * 1024


def package_limits() -> ZipLimits:
    """A package is larger than an office file: many entries, GBs in all, PDFs stored as they are."""
    base = ZipLimits.from_settings()
    return ZipLimits(
        max_entries=200_000,
        max_entry_bytes=METADATA_MAX_BYTES,
        max_total_bytes=1024 * 1024 * 1024 * 1024,
        max_ratio=base.max_ratio,
        ratio_floor_bytes=base.ratio_floor_bytes,
        max_depth=0,
    )


def _refused(message: str, code: str = ErrorCode.PACKAGE_MANIFEST) -> ValidationFailed:
    return ValidationFailed(message, code=code)


# --- 1–2: the manifest ----------------------------------------------------------------------------------------


def _member_bytes(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise _refused(f"Mục “{name}” của gói lớn quá {limit // (1024 * 1024)} MB.", ErrorCode.PACKAGE_BAD)
    with zf.open(info) as fh:
        return fh.read(limit + 1)[:limit]


def _manifest(zf: zipfile.ZipFile) -> dict[str, str]:
    names = set(zf.namelist())
    if MANIFEST not in names or METADATA not in names:
        raise _refused(
            f"Tệp không phải gói hồ sơ: thiếu “{MANIFEST}” hoặc “{METADATA}”.",
            ErrorCode.PACKAGE_BAD,
        )
    listed: dict[str, str] = {}
    for n, line in enumerate(
        _member_bytes(zf, MANIFEST, MANIFEST_MAX_BYTES).decode("utf-8", "replace").splitlines(), 1
    ):
        if not line.strip():
            continue
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64 or path in listed:
            raise _refused(f"Dòng {n} của “{MANIFEST}” không đúng dạng “<sha256>  <đường dẫn>”.", ErrorCode.PACKAGE_BAD)
        listed[path] = digest.lower()
    return listed


def _digest(zf: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    except zipfile.BadZipFile:  # a CRC that fails: the entry changed inside the ZIP
        return ""
    return digest.hexdigest()


@dataclass
class Checked:
    manifest: dict[str, str]
    manifest_sha256: str
    seconds: float = 0.0
    signature: SignatureInfo | None = None  # None: the package was not signed (and no signature was required)


def package_verify(path: Path | str, *, name: str = "") -> Checked:
    """Steps 1–2: the zip guard, then every entry against the manifest. Raises ``ValidationFailed``
    (``package_manifest``) naming the first file that does not match."""
    started = timezone.now()
    shown = name or Path(path).name
    try:
        zip_inspect(path, name=shown, limits=package_limits())
    except ZipRefused:
        raise
    with zipfile.ZipFile(path) as zf:
        listed = _manifest(zf)
        signature = _signature(zf)
        present = {n for n in zf.namelist() if not n.endswith("/") and n not in (MANIFEST, SIGNATURE)}
        for extra in sorted(present - set(listed)):
            raise _refused(f"Gói hồ sơ có tệp “{extra}” không có trong bảng kê SHA-256 ({MANIFEST}); không nhập gì.")
        for missing in sorted(set(listed) - present):
            raise _refused(f"Gói hồ sơ thiếu tệp “{missing}” có trong bảng kê SHA-256; không nhập gì.")
        for member, expected in listed.items():
            if _digest(zf, member) != expected:
                raise _refused(
                    f"Tệp “{member}” trong gói hồ sơ không khớp mã SHA-256 trong bảng kê (tệp đã bị thay đổi); "
                    "không nhập gì."
                )
        manifest_sha = hashlib.sha256(_member_bytes(zf, MANIFEST, MANIFEST_MAX_BYTES)).hexdigest()
    return Checked(listed, manifest_sha, (timezone.now() - started).total_seconds(), signature)


def _signature(zf: zipfile.ZipFile) -> SignatureInfo | None:
    """The manifest's signature checked (a signature present is always checked; its absence is refused only
    where required)."""
    if SIGNATURE not in zf.namelist():
        if signature_required():
            raise unsigned_refusal()
        return None
    manifest = _member_bytes(zf, MANIFEST, MANIFEST_MAX_BYTES)
    signature = _member_bytes(zf, SIGNATURE, SIGNATURE_MAX_BYTES)
    info = signature_verify(manifest, signature)
    trust = signer_trust(manifest, signature)  # package_trust's rules: revoked refused, untrusted as unsigned
    if trust.trust == Trust.REVOKED:
        raise ValidationFailed(
            f"Gói hồ sơ bị từ chối: {trust.note} Người ký: {info.subject}. Không nhập gì.",
            code=ErrorCode.PACKAGE_SIGNER_REVOKED,
        )
    if trust.trust == Trust.UNTRUSTED and signature_required():
        raise ValidationFailed(
            f"Gói hồ sơ bị từ chối: {trust.note} Người ký: {info.subject}. Hệ thống này yêu cầu bảng kê được ký "
            "bằng chứng thư số tin cậy; không nhập gì.",
            code=ErrorCode.PACKAGE_SIGNER_UNTRUSTED,
        )
    return replace(info, trust=trust.trust, trust_note=trust.note, timestamp=trust.timestamp)


# --- 3: the metadata ---------------------------------------------------------------------------------------------


@dataclass
class FileIn:
    path: str
    name: str
    sha256: str
    size: int
    kind: str = AttachmentKind.MAIN
    ordinal: int = 1
    version: int = 1
    page_count: int | None = None
    signature_status: str = ""


@dataclass
class DocumentIn:
    key: str
    ordinal: int
    fields: dict[str, Any]
    files: list[FileIn] = field(default_factory=list)


@dataclass
class OtherIn:
    ordinal: int
    title: str
    file: FileIn


@dataclass
class DossierIn:
    file_code: str
    fields: dict[str, Any]
    documents: list[DocumentIn] = field(default_factory=list)
    others: list[OtherIn] = field(default_factory=list)


def _t(el: Any, tag: str) -> str:
    found = el.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _int(el: Any, tag: str) -> int | None:
    value = _t(el, tag)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise _refused(f"Trường {tag} “{value[:20]}” không phải là số.", ErrorCode.PACKAGE_BAD) from None


def _date(el: Any, tag: str) -> dt.date | None:
    value = _t(el, tag)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _refused(f"Trường {tag} “{value[:20]}” không phải ngày (YYYY-MM-DD).", ErrorCode.PACKAGE_BAD) from None


def _file(el: Any, manifest: dict[str, str]) -> FileIn:
    path = _t(el, "Path")
    sha = _t(el, "Sha256").lower()
    if manifest.get(path) != sha:
        raise _refused(f"Tệp “{path}” trong {METADATA} không khớp bảng kê SHA-256.")
    return FileIn(
        path=path,
        name=_t(el, "Name") or Path(path).name,
        sha256=sha,
        size=_int(el, "Size") or 0,
        kind=_t(el, "Kind") or AttachmentKind.MAIN,
        ordinal=_int(el, "Ordinal") or 1,
        version=_int(el, "Version") or 1,
        page_count=_int(el, "PageCount"),
        signature_status=_t(el, "SignatureStatus"),
    )


def _document(el: Any, manifest: dict[str, str], types: dict[str, DocumentType]) -> DocumentIn:
    type_name = _t(el, "TypeName")
    if type_name not in types:
        raise _refused(f"Loại văn bản “{type_name[:100]}” chưa có trong hệ thống này.", ErrorCode.PACKAGE_BAD)
    direction, status = _t(el, "Direction"), _t(el, "Status")
    if direction not in Direction.values or status not in DocumentStatus.values:
        raise _refused(f"Văn bản {_t(el, 'SourceKey')}: loại hoặc trạng thái không hợp lệ.", ErrorCode.PACKAGE_BAD)
    signer = el.find("SignerInfo")
    received = _t(el, "ReceivedAt")
    try:
        received_at = dt.datetime.fromisoformat(received)
    except ValueError:
        raise _refused(f"Trường ReceivedAt “{received[:30]}” không hợp lệ.", ErrorCode.PACKAGE_BAD) from None
    fields = {
        "direction": direction,
        "status": status,
        "channel": _t(el, "Channel"),
        "doc_type": types[type_name],
        "code_number": _t(el, "CodeNumber"),
        "code_notation": _t(el, "CodeNotation"),
        "issued_date": _date(el, "IssuedDate"),
        "organ_name": _t(el, "OrganName"),
        "organ_id": _t(el, "OrganId"),
        "subject": _t(el, "Subject"),
        "language": _t(el, "Language"),
        "page_amount": _int(el, "PageAmount"),
        "description": _t(el, "Description"),
        "signer_position": _t(signer, "Position") if signer is not None else "",
        "signer_name": _t(signer, "FullName") if signer is not None else "",
        "urgency": _int(el, "Priority") or 0,
        "to_places": _t(el, "ToPlaces"),
        "due_date": _date(el, "DueDate"),
        "arrival_date": _date(el, "ArrivalDate"),
        "arrival_number": _int(el, "ArrivalNumber"),
        "document_identifier": _t(el, "Identifier"),
        "year": _int(el, "Year"),
        "received_at": received_at,
    }
    return DocumentIn(
        key=_t(el, "SourceKey"),
        ordinal=_int(el, "DocOrdinal") or 0,
        fields=fields,
        files=[_file(f, manifest) for f in el.findall("File")],
    )


def _dossier(el: Any, manifest: dict[str, str], types: dict[str, DocumentType]) -> DossierIn:
    state = _t(el, "State")
    start = _date(el, "StartDate")
    if start is None or _int(el, "FileCatalog") is None or not _t(el, "FileNotation"):
        raise _refused("Hồ sơ trong gói thiếu FileCatalog, FileNotation hoặc StartDate.", ErrorCode.PACKAGE_BAD)
    fields = {
        "organ_id": _t(el, "OrganId"),
        "year": _int(el, "FileCatalog"),
        "notation": _t(el, "FileNotation"),
        "title": _t(el, "Title"),
        "retention_years": _int(el, "RetentionYears"),
        "retention_ref": _t(el, "RetentionRef"),
        "rights": _t(el, "Rights"),
        "creator_name": _t(el, "Creator"),
        "language": _t(el, "Language"),
        "start_date": start,
        "end_date": _date(el, "EndDate"),
        "doc_total": _int(el, "DocTotal"),
        "page_total": _int(el, "PageTotal"),
        "description": _t(el, "Description"),
        "state": state if state in FROZEN_STATES else DossierState.CLOSED,
    }
    others = []
    for other in el.findall("OtherFile"):
        f = other.find("File")
        if f is None:
            raise _refused("Tài liệu khác trong gói thiếu tệp.", ErrorCode.PACKAGE_BAD)
        others.append(
            OtherIn(ordinal=_int(other, "DocOrdinal") or 0, title=_t(other, "Title"), file=_file(f, manifest))
        )
    return DossierIn(
        file_code=_t(el, "FileCode"),
        fields=fields,
        documents=[_document(d, manifest, types) for d in el.findall("Document")],
        others=others,
    )


def package_read(path: Path | str, checked: Checked) -> list[DossierIn]:
    """Step 3: ``metadata.xml`` read and checked whole (nothing written)."""
    types = {t.name: t for t in DocumentType.objects.all()}
    with zipfile.ZipFile(path) as zf, zf.open(METADATA) as fh:
        try:
            root = ElementTree.parse(fh).getroot()
        except Exception as exc:  # defusedxml refusals and parse errors alike
            raise _refused(f"Không đọc được {METADATA}: {exc.__class__.__name__}.", ErrorCode.PACKAGE_BAD) from None
    if root.tag != "Package" or root.get("format") != FORMAT:
        raise _refused(f"{METADATA} không phải gói hồ sơ dạng {FORMAT}.", ErrorCode.PACKAGE_BAD)
    return [_dossier(el, checked.manifest, types) for el in root.findall("Dossier")]


# --- 4: writing -------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[Dossier] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # FileCodes imported before
    documents_created: int = 0
    files_taken: int = 0
    verify_seconds: float = 0.0
    signature: SignatureInfo | None = None


def _records(agency: Unit, kind: str) -> dict[str, PackageImportRecord]:
    return {r.source_key: r for r in PackageImportRecord.objects.filter(agency=agency, kind=kind)}


def _clash_check(agency: Unit, wanted: list[DossierIn]) -> None:
    for d in wanted:
        if Dossier.objects.filter(agency=agency, year=d.fields["year"], notation=d.fields["notation"]).exists():
            notation, year = d.fields["notation"], d.fields["year"]
            raise Conflict(
                f"Số và ký hiệu hồ sơ “{notation}” năm {year} đã dùng cho một hồ sơ của cơ quan "
                "không phải từ gói này; không nhập gì.",
                code=ErrorCode.PACKAGE_CLASH,
            )


def _take_in(actor: User, path: Path | str, files: list[FileIn]) -> dict[str, StoredFile]:
    taken: dict[str, StoredFile] = {}
    with zipfile.ZipFile(path) as zf:
        for f in files:
            if f.path in taken:
                continue
            with zf.open(f.path) as stream:
                stored = file_intake(
                    actor=actor,
                    stream=stream,
                    original_name=f.name,
                    channel=Channel.SYSTEM,
                    declared_size=zf.getinfo(f.path).file_size,
                )
            if stored.blob.sha256 != f.sha256:  # cannot happen after the manifest check; never trust silently
                raise _refused(f"Tệp “{f.path}” nhận vào không khớp mã SHA-256.")
            taken[f.path] = stored
    return taken


def _document_create(actor: User, agency: Unit, d: DocumentIn, taken: dict[str, StoredFile]) -> Document:
    doc = Document.objects.create(agency=agency, created_by=actor, **d.fields)
    now = timezone.now()
    for f in d.files:
        Attachment.objects.create(
            document=doc,
            stored_file=taken[f.path],
            kind=f.kind,
            ordinal=f.ordinal,
            version=f.version,
            name=taken[f.path].name,
            page_count=f.page_count,
            signature_status=f.signature_status,
            added_by=actor,
            added_at=now,
        )
    return doc


def _dossier_create(
    actor: User, agency: Unit, d: DossierIn, taken: dict[str, StoredFile], docs: dict[str, Document], checked: Checked
) -> Dossier:
    now = timezone.now()
    dossier = Dossier.objects.create(agency=agency, creator=actor, closed_at=now, closed_by=actor, **d.fields)
    for doc_in in d.documents:
        DossierItem.objects.create(
            dossier=dossier, document=docs[doc_in.key], ordinal=doc_in.ordinal, added_by=actor, added_at=now
        )
    for other in d.others:
        DossierItem.objects.create(
            dossier=dossier,
            stored_file=taken[other.file.path],
            title=other.title,
            ordinal=other.ordinal,
            added_by=actor,
            added_at=now,
        )
    PackageImportRecord.objects.create(
        agency=agency,
        kind=ImportKind.DOSSIER,
        source_key=d.file_code,
        dossier=dossier,
        imported_by=actor,
        imported_at=now,
        **_signed(checked),
    )
    return dossier


def package_import(*, actor: User, agency: Unit, path: Path | str, name: str = "") -> ImportResult:
    """Import the package at ``path`` into ``agency`` (the archivist's or the admin's): all or nothing."""
    require(actor, policies.PACKAGE_IMPORT, unit=agency)
    shown = name or Path(path).name
    try:
        checked = package_verify(path, name=shown)
        dossiers = package_read(path, checked)
    except DomainError as exc:
        audit.record(
            "dossiers.package_refused",
            actor=actor,
            obj=("dossiers.package", "", shown[:100]),
            data={"file": shown[:255], "reason": exc.message},
        )
        raise
    result = ImportResult(verify_seconds=checked.seconds, signature=checked.signature)
    seen = _records(agency, ImportKind.DOSSIER)
    wanted = [d for d in dossiers if d.file_code not in seen]
    result.skipped = [d.file_code for d in dossiers if d.file_code in seen]
    _clash_check(agency, wanted)
    known_docs = _records(agency, ImportKind.DOCUMENT)
    files = [f for d in wanted for doc in d.documents if doc.key not in known_docs for f in doc.files]
    files += [o.file for d in wanted for o in d.others]
    taken = _take_in(actor, path, files)  # before the transaction (files/intake.py: take in, then attach)
    result.files_taken = len(taken)
    with transaction.atomic():
        _clash_check(agency, wanted)
        known_docs = _records(agency, ImportKind.DOCUMENT)
        docs: dict[str, Document] = {k: r.document for k, r in known_docs.items() if r.document is not None}
        now = timezone.now()
        for d in wanted:
            for doc_in in d.documents:
                if doc_in.key in docs:
                    continue
                docs[doc_in.key] = _document_create(actor, agency, doc_in, taken)
                PackageImportRecord.objects.create(
                    agency=agency,
                    kind=ImportKind.DOCUMENT,
                    source_key=doc_in.key,
                    document=docs[doc_in.key],
                    imported_by=actor,
                    imported_at=now,
                    **_signed(checked),
                )
                result.documents_created += 1
            result.created.append(_dossier_create(actor, agency, d, taken, docs, checked))
        audit.record(
            "dossiers.package_imported",
            actor=actor,
            obj=("dossiers.package", "", shown[:100]),
            data={
                "file": shown[:255],
                "manifest_sha256": checked.manifest_sha256,
                "created": [d.file_code for d in result.created],
                "skipped": result.skipped,
                "documents": result.documents_created,
                "files": result.files_taken,
                "signer": result.signature.subject if result.signature else "",
                "signer_cert_sha256": result.signature.cert_sha256 if result.signature else "",
                "signer_trust": result.signature.trust if result.signature else "",
                "signer_trust_note": result.signature.trust_note if result.signature else "",
                "signed_at": _signed_at(result.signature),
            },
        )
    return result


def _signed_at(sig: SignatureInfo | None) -> str:
    return sig.timestamp.isoformat() if sig is not None and sig.timestamp is not None else ""


def _signed(checked: Checked) -> dict[str, Any]:
    """The record's manifest, who signed it and when a trusted timestamp says he did."""
    sig = checked.signature
    return {
        "manifest_sha256": checked.manifest_sha256,
        "signer": sig.subject[:500] if sig else "",
        "signer_cert_sha256": sig.cert_sha256 if sig else "",
        "signer_trust": sig.trust if sig else "",
        "signed_at": sig.timestamp if sig else None,
    }
