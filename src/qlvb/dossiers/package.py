"""The export package (gói hồ sơ) of one dossier or a batch of dossiers: a ZIP holding

- ``originals/<folder>/...``: every current file of every document and every other file of the dossiers,
  copied byte for byte from the file store (a signed PDF keeps its signatures);
- ``pdfa/<folder>/....pdf``: a PDF/A-2b rendition of each (Ghostscript; an office file is printed to PDF by
  LibreOffice first, an image is wrapped in a PDF first); a file that cannot be rendered is named in
  ``metadata.xml`` and in ``DossierPackage.problems`` with the reason;
- ``metadata.xml``: the dossiers and their documents with the field names of NĐ 30/2020 Phụ lục VI (II.I–II.III)
  and TT 02/2019 (``docs/dossiers.md`` lists them);
- ``manifest-sha256.txt``: ``<sha256>  <path>`` for every other entry (the BagIt manifest form);
- ``manifest-sha256.txt.p7s``: a detached CMS signature of the manifest by the agency's key
  (``package_signature.py``), when the agency has one.

The ZIP is written entry by entry into a file under ``QLVB_PACKAGES_DIR`` (default ``DATA_DIR/packages``), each
entry streamed in chunks and hashed on the way: the package is never held in memory. The build runs in a
Celery task (``package_build_task``) after the request commits; :func:`package_write` is the function the
archive's transfer batches call with their dossiers."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from celery import shared_task
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from qlvb.core import audit
from qlvb.core.audit import audit_actions_declare
from qlvb.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from qlvb.directory.models import User
from qlvb.documents.models import Attachment
from qlvb.files.convert import SPREADSHEETS, TEXT_DOCUMENTS, run_fenced, to_pdf
from qlvb.files.models import StoredFile
from qlvb.files.storage import blob_local
from qlvb.files.zipwriter import ManifestZipWriter

from .errors import ErrorCode
from .models import FROZEN_STATES, Dossier, DossierItem
from .package_models import DossierPackage, PackageState
from .package_signature import (
    SIGNATURE,
    PackageSigner,
    SignatureInfo,
    manifest_sign,
    package_signer,
    subject_label,
    timestamp_time,
)
from .selectors import dossiers_visible_to

log = logging.getLogger(__name__)

audit_actions_declare(
    {
        "dossiers.package_requested": gettext_noop("Yêu cầu xuất gói hồ sơ"),
        "dossiers.package_built": gettext_noop("Tạo xong gói hồ sơ"),
        "dossiers.package_failed": gettext_noop("Không tạo được gói hồ sơ"),
        "dossiers.package_downloaded": gettext_noop("Tải gói hồ sơ"),
        "dossiers.package_imported": gettext_noop("Nhập gói hồ sơ"),
        "dossiers.package_refused": gettext_noop("Từ chối nhập gói hồ sơ"),
        "dossiers.plan_imported": gettext_noop("Nhập danh mục hồ sơ từ tệp XLSX"),
        "dossiers.file_added": gettext_noop("Thêm tài liệu khác vào hồ sơ"),
    }
)

FORMAT = "qlvb-goi-ho-so/1"
MANIFEST = "manifest-sha256.txt"
METADATA = "metadata.xml"
CHUNK = 1024 * 1024
IMAGES = ("jpg", "png", "tif", "gif", "bmp", "webp")
SRGB_CANDIDATES = ("/usr/share/color/icc/ghostscript/srgb.icc", "/usr/share/color/icc/sRGB.icc")
PACKAGE_MAX_DOSSIERS = 500


def packages_dir() -> Path:
    folder = Path(getattr(settings, "QLVB_PACKAGES_DIR", "") or Path(settings.DATA_DIR) / "packages")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def package_path(package: DossierPackage) -> Path:
    return packages_dir() / package.file_name


# --- PDF/A rendition ------------------------------------------------------------------------------------------


class RenditionRefused(Exception):  # noqa: N818 (a refusal, like core.errors)
    """This file has no PDF/A rendition; ``reason`` says why (Vietnamese, shown in the package)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _gs() -> str:
    found = shutil.which("gs")
    if not found:
        raise RenditionRefused("máy chủ chưa cài Ghostscript (gs) nên không tạo được bản PDF/A")
    return found


def _srgb() -> str:
    for candidate in SRGB_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    raise RenditionRefused("máy chủ thiếu hồ sơ màu sRGB (ICC) của Ghostscript nên không tạo được bản PDF/A")


PDFA_DEF = """%!
[ /Title ({title}) /DOCINFO pdfmark
/ICCProfile ({icc}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} <<
  /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {{icc_PDFA}} /OutputConditionIdentifier (sRGB)
>> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""


def _ps_string(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9 ._-]", "_", text)[:100]


def pdfa_from_pdf(source: Path, out: Path, *, title: str = "") -> None:
    """``source`` (a PDF) → ``out``, PDF/A-2b with an sRGB output intent, by Ghostscript, fenced like
    LibreOffice (own process group, CPU/memory/file-size limits, killed on timeout)."""
    gs, icc = _gs(), _srgb()
    work = out.parent
    definition = work / "pdfa_def.ps"
    definition.write_text(PDFA_DEF.format(title=_ps_string(title), icc=icc), encoding="ascii")
    timeout = int(getattr(settings, "QLVB_CONVERT_TIMEOUT", 120))
    try:
        done = run_fenced(
            [
                gs,
                "-q",
                "-dBATCH",
                "-dNOPAUSE",
                "-dSAFER",
                f"--permit-file-read={icc}",
                "-sDEVICE=pdfwrite",
                "-dPDFA=2",
                "-dPDFACompatibilityPolicy=1",
                "-sColorConversionStrategy=RGB",
                f"-sOutputFile={out}",
                str(definition),
                str(source),
            ],
            cwd=str(work),
            timeout=timeout,
            memory_bytes=int(getattr(settings, "QLVB_CONVERT_MEMORY_MB", 3072)) * 1024 * 1024,
            file_bytes=int(getattr(settings, "QLVB_CONVERT_FILE_MB", 512)) * 1024 * 1024,
            output_limit=64 * 1024,
        )
    except subprocess.TimeoutExpired:
        raise RenditionRefused(f"Ghostscript chạy quá {timeout} giây nên đã dừng") from None
    if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        raise RenditionRefused("Ghostscript không đọc được tệp PDF (tệp hỏng hoặc được mã hóa)")
    with out.open("rb") as fh:
        if fh.read(5) != b"%PDF-":
            raise RenditionRefused("Ghostscript không tạo ra được tệp PDF/A")


def pdfa_render(stored: StoredFile, work: Path, source: Path) -> Path:
    """The PDF/A rendition of ``stored`` (its content at ``source``) in ``work``; raises
    :class:`RenditionRefused` with the reason."""
    kind = stored.blob.kind
    out = work / "pdfa.pdf"
    if kind == "pdf":
        pdfa_from_pdf(source, out, title=stored.name)
    elif kind in TEXT_DOCUMENTS + SPREADSHEETS:
        try:
            printed = to_pdf(source.read_bytes(), ext=kind, name=stored.name)
        except DomainError as exc:
            raise RenditionRefused(exc.message) from None
        middle = work / "printed.pdf"
        middle.write_bytes(printed)
        pdfa_from_pdf(middle, out, title=stored.name)
    elif kind in IMAGES:
        from PIL import Image

        middle = work / "image.pdf"
        try:
            with Image.open(source) as image:
                image.convert("RGB").save(middle, format="PDF", resolution=200.0)
        except (OSError, ValueError) as exc:
            raise RenditionRefused(f"không đọc được ảnh ({exc.__class__.__name__})") from None
        pdfa_from_pdf(middle, out, title=stored.name)
    else:
        raise RenditionRefused(f"loại tệp “{kind}” không có bản PDF/A (chỉ văn bản, bảng tính, PDF và ảnh)")
    return out


# --- The package's content ---------------------------------------------------------------------------------------


def _safe(text: str, limit: int = 60) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    return cleaned[:limit] or "tep"


@dataclass
class PackedFile:
    path: str  # in originals/
    stored: StoredFile
    pdfa: str = ""  # in pdfa/, or empty
    problem: str = ""


@dataclass
class PackageResult:
    file_count: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)
    manifest: list[tuple[str, str]] = field(default_factory=list)
    signature: SignatureInfo | None = None


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _items(dossier: Dossier) -> Iterable[DossierItem]:
    return dossier.items.select_related("document__doc_type", "stored_file__blob").order_by("ordinal").iterator()


def _attachments(document_id: int) -> list[Attachment]:
    return list(
        Attachment.objects.filter(document_id=document_id, superseded_at__isnull=True)
        .select_related("stored_file__blob")
        .order_by("ordinal", "version")
    )


class _Xml:
    def __init__(self, out: IO[bytes]):
        self.text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
        self.gen = XMLGenerator(self.text, encoding="utf-8", short_empty_elements=True)

    def start(self, tag: str, attrs: dict[str, str] | None = None) -> None:
        self.gen.startElement(tag, AttributesImpl(attrs or {}))

    def end(self, tag: str) -> None:
        self.gen.endElement(tag)

    def field(self, tag: str, value: Any) -> None:
        self.gen.startElement(tag, AttributesImpl({}))
        if value is not None and value != "":
            self.gen.characters(str(value))
        self.gen.endElement(tag)

    def close(self) -> None:
        self.gen.endDocument()
        self.text.flush()
        self.text.detach()


def _dossier_fields(xml: _Xml, d: Dossier) -> None:
    """Phụ lục VI II.III, in its order (TT 02/2019 names the same fields), then our own additions."""
    xml.field("FileCode", d.file_code)
    xml.field("OrganId", d.organ_id)
    xml.field("FileCatalog", d.year)
    xml.field("FileNotation", d.notation)
    xml.field("Title", d.title)
    xml.field("Maintenance", d.maintenance)
    xml.field("Rights", d.rights)
    xml.field("Creator", d.creator_name)
    xml.field("Language", d.language)
    xml.field("StartDate", _d(d.start_date))
    xml.field("EndDate", _d(d.end_date))
    xml.field("DocTotal", d.doc_total)
    xml.field("PageTotal", d.page_total)
    xml.field("Description", d.description)
    xml.field("RetentionYears", d.retention_years)
    xml.field("RetentionRef", d.retention_ref)
    xml.field("State", d.state)


def _document_fields(xml: _Xml, item: DossierItem, source_organ: str) -> None:
    doc = item.document
    assert doc is not None
    xml.field("SourceKey", f"{source_organ}/{doc.pk}")
    xml.field("DocOrdinal", item.ordinal)
    xml.field("Direction", doc.direction)
    xml.field("TypeName", doc.doc_type.name)
    xml.field("CodeNumber", doc.code_number)
    xml.field("CodeNotation", doc.code_notation)
    xml.field("IssuedDate", _d(doc.issued_date))
    xml.field("OrganName", doc.organ_name)
    xml.field("OrganId", doc.organ_id)
    xml.field("Subject", doc.subject)
    xml.field("Language", doc.language)
    xml.field("PageAmount", doc.page_amount)
    xml.field("Description", doc.description)
    xml.start("SignerInfo")
    xml.field("Position", doc.signer_position)
    xml.field("FullName", doc.signer_name)
    xml.end("SignerInfo")
    xml.field("Priority", doc.urgency)
    xml.field("ToPlaces", doc.to_places)
    xml.field("DueDate", _d(doc.due_date))
    xml.field("ArrivalDate", _d(doc.arrival_date))
    xml.field("ArrivalNumber", doc.arrival_number)
    xml.field("Identifier", doc.document_identifier)
    xml.field("Year", doc.year)
    xml.field("Status", doc.status)
    xml.field("Channel", doc.channel)
    xml.field("ReceivedAt", doc.received_at.isoformat())


def _file_fields(xml: _Xml, packed: PackedFile, *, attachment: Attachment | None) -> None:
    stored = packed.stored
    xml.start("File")
    xml.field("Path", packed.path)
    if attachment is not None:
        xml.field("Kind", attachment.kind)
        xml.field("Ordinal", attachment.ordinal)
        xml.field("Version", attachment.version)
        xml.field("PageCount", attachment.page_count)
        xml.field("SignatureStatus", attachment.signature_status)
    xml.field("Name", stored.name)
    xml.field("OriginalName", stored.original_name)
    xml.field("Sha256", stored.blob.sha256)
    xml.field("Size", stored.blob.size)
    xml.field("Format", stored.blob.kind)
    xml.field("ContentType", stored.blob.content_type)
    xml.field("PdfA", packed.pdfa)
    xml.field("PdfAProblem", packed.problem)
    xml.end("File")


class _Packer:
    """Writes originals and renditions as it meets them; the XML (a temporary file, then one entry) says
    where each is."""

    def __init__(self, writer: ManifestZipWriter, result: PackageResult, xml: _Xml, work: Path):
        self.writer = writer
        self.result = result
        self.xml = xml
        self.work = work
        self.rendered: dict[str, str] = {}  # blob sha256 → its rendition's path (a content renders once)

    def pack(self, folder: str, stem: str, stored: StoredFile, attachment: Attachment | None) -> None:
        name = f"{folder}/{stem}-{_safe(stored.name)}"
        packed = PackedFile(path=f"originals/{name}", stored=stored)
        with blob_local(stored.blob.sha256, size=stored.blob.size, name=stored.name) as source:
            self.writer.copy(packed.path, source)
            self.result.file_count += 1
            self._render(packed, name, stored, source)
        _file_fields(self.xml, packed, attachment=attachment)

    def _render(self, packed: PackedFile, name: str, stored: StoredFile, source: Path) -> None:
        sha = stored.blob.sha256
        if sha in self.rendered:
            packed.pdfa = self.rendered[sha]
        else:
            with tempfile.TemporaryDirectory(prefix="qlvb-pdfa-", dir=self.work) as tmp:
                try:
                    rendition = pdfa_render(stored, Path(tmp), source)
                except RenditionRefused as refused:
                    packed.problem = refused.reason
                    self.result.problems.append({"path": packed.path, "reason": refused.reason})
                else:
                    packed.pdfa = f"pdfa/{name}.pdf"
                    self.writer.copy(packed.pdfa, rendition)
                    self.rendered[sha] = packed.pdfa

    def dossier(self, index: int, d: Dossier) -> None:
        folder = f"{index:03d}_{_safe(d.file_code, 80)}"
        self.xml.start("Dossier")
        _dossier_fields(self.xml, d)
        for item in _items(d):
            if item.document is not None:
                self.xml.start("Document")
                _document_fields(self.xml, item, d.organ_id)
                for att in _attachments(item.document_id or 0):
                    self.pack(folder, f"{item.ordinal:03d}-{att.ordinal:02d}", att.stored_file, att)
                self.xml.end("Document")
            elif item.stored_file is not None:
                self.xml.start("OtherFile")
                self.xml.field("DocOrdinal", item.ordinal)
                self.xml.field("Title", item.title)
                self.pack(folder, f"{item.ordinal:03d}-00", item.stored_file, None)
                self.xml.end("OtherFile")
        self.xml.end("Dossier")


def package_write(dossiers: Iterable[Dossier], out: Path, *, signer: PackageSigner | None = None) -> PackageResult:
    """Write the package of ``dossiers`` (already checked by the caller) to ``out``; returns the file count,
    the files without a rendition and the manifest. Streams every entry; memory stays flat (but for the
    manifest's lines). With ``signer``, the manifest is signed (``manifest-sha256.txt.p7s``)."""
    result = PackageResult()
    work = out.parent
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf, tempfile.TemporaryDirectory(dir=work) as tmp:
        writer = ManifestZipWriter(zf, result.manifest)
        metadata = Path(tmp) / METADATA
        with metadata.open("wb") as fh:
            xml = _Xml(fh)
            xml.gen.startDocument()
            xml.start("Package", {"format": FORMAT, "created": timezone.localtime().isoformat(timespec="seconds")})
            packer = _Packer(writer, result, xml, Path(tmp))
            for index, dossier in enumerate(dossiers, start=1):
                packer.dossier(index, dossier)
            xml.end("Package")
            xml.close()
        with writer.entry(METADATA, compress=True) as entry, metadata.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                entry.write(chunk)
        manifest = "".join(f"{digest}  {name}\n" for digest, name in result.manifest).encode()
        _entry_write(zf, MANIFEST, manifest)
        if signer is not None:
            signature = manifest_sign(manifest, signer)
            _entry_write(zf, SIGNATURE, signature)
            der = signer.cert.public_bytes(serialization.Encoding.DER)
            result.signature = SignatureInfo(
                subject_label(signer.cert), hashlib.sha256(der).hexdigest(), timestamp=timestamp_time(signature)
            )
    return result


def _entry_write(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w") as target:
        target.write(data)


# --- Services -----------------------------------------------------------------------------------------------------


def package_export_check(actor: User, dossier: Dossier) -> None:
    """Export: a dossier the actor sees (the creator, the head, the archivist), closed (frozen), so the
    package says what the dossier will keep saying."""
    if not dossiers_visible_to(actor).filter(pk=dossier.pk).exists():
        raise NotFound()
    if dossier.state not in FROZEN_STATES:
        raise Conflict(
            f"Hồ sơ “{dossier.file_code}” chưa đóng nên chưa xuất gói được (đóng hồ sơ trước).",
            code=ErrorCode.PACKAGE_NOT_CLOSED,
        )


@transaction.atomic
def package_request(*, actor: User, dossier_ids: Iterable[int]) -> DossierPackage:
    """Ask for the package of one dossier or a batch (dossiers of one agency): recorded, then built in the
    background after commit."""
    wanted = sorted({int(pk) for pk in dossier_ids})
    if not wanted:
        raise ValidationFailed("Chưa chọn hồ sơ nào để xuất gói.")
    if len(wanted) > PACKAGE_MAX_DOSSIERS:
        raise ValidationFailed(f"Mỗi gói có tối đa {PACKAGE_MAX_DOSSIERS} hồ sơ.")
    found = {d.pk: d for d in dossiers_visible_to(actor).filter(pk__in=wanted).select_related("agency")}
    if len(found) != len(wanted):
        raise NotFound("Không tìm thấy hồ sơ hoặc bạn không có quyền xem hồ sơ này.")
    agencies = {d.agency_id for d in found.values()}
    if len(agencies) != 1:
        raise ValidationFailed("Một gói chỉ gồm hồ sơ của một cơ quan.")
    for dossier in found.values():
        package_export_check(actor, dossier)
    agency = next(iter(found.values())).agency
    package = DossierPackage.objects.create(agency=agency, requested_by=actor, requested_at=timezone.now())
    package.dossiers.set(wanted)
    audit.record(
        "dossiers.package_requested",
        actor=actor,
        obj=package,
        data={"dossiers": [found[pk].file_code for pk in wanted]},
    )
    package_id = package.pk

    def queue() -> None:
        try:
            package_build_task.delay(package_id)
        except Exception:  # the request is committed; the package stays pending and can be asked again
            log.exception("package %s not queued", package_id)

    transaction.on_commit(queue)
    return package


def package_build(package_id: int) -> DossierPackage:
    """Build a pending package (the Celery task): the ZIP goes to a temporary name, then is renamed."""
    package = DossierPackage.objects.select_related("requested_by").get(pk=package_id)
    if package.state != PackageState.PENDING:
        return package
    final = package_path(package)
    partial = final.with_suffix(".part")
    dossiers = list(package.dossiers.order_by("year", "notation"))
    try:
        result = package_write(dossiers, partial, signer=package_signer(package.agency))
    except Exception as exc:  # any failure ends the package "failed" with a reason, never "pending" forever
        log.exception("package %s failed", package_id)
        partial.unlink(missing_ok=True)
        reason = exc.message if isinstance(exc, DomainError) else f"lỗi khi ghi gói ({exc.__class__.__name__})"
        package.state, package.error = PackageState.FAILED, reason[:500]
        package.finished_at = timezone.now()
        package.save(update_fields=["state", "error", "finished_at"])
        audit.record("dossiers.package_failed", actor=package.requested_by, obj=package, data={"reason": reason})
        return package
    digest = hashlib.sha256()
    with partial.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    partial.replace(final)
    package.state = PackageState.DONE
    package.size = final.stat().st_size
    package.sha256 = digest.hexdigest()
    package.file_count = result.file_count
    package.problems = result.problems
    package.finished_at = timezone.now()
    if result.signature is not None:
        package.signer = result.signature.subject[:500]
        package.signer_cert_sha256 = result.signature.cert_sha256
        package.signed_at = result.signature.timestamp
    package.save(
        update_fields=[
            "state",
            "size",
            "sha256",
            "file_count",
            "problems",
            "finished_at",
            "signer",
            "signer_cert_sha256",
            "signed_at",
        ]
    )
    audit.record(
        "dossiers.package_built",
        actor=package.requested_by,
        obj=package,
        data={
            "sha256": package.sha256,
            "size": package.size,
            "files": result.file_count,
            "problems": len(result.problems),
            "signer": package.signer,
            "signer_cert_sha256": package.signer_cert_sha256,
            "signed_at": package.signed_at.isoformat() if package.signed_at else "",
        },
    )
    return package


@shared_task(name="qlvb.dossiers.package_build", ignore_result=True)
def package_build_task(package_id: int) -> str:
    return package_build(package_id).state


def packages_visible_to(actor: User) -> Any:
    """The packages of dossiers the actor sees (all of them: a package of a batch shows to whoever sees each)."""
    visible = dossiers_visible_to(actor)
    return DossierPackage.objects.filter(dossiers__in=visible).distinct()


def package_open(*, actor: User, package_id: int) -> tuple[DossierPackage, IO[bytes]]:
    """The finished package's file, opened for download (recorded in the audit log)."""
    package = packages_visible_to(actor).filter(pk=package_id).first()
    if package is None:
        raise NotFound()
    hidden = package.dossiers.exclude(pk__in=dossiers_visible_to(actor).values("pk")).exists()
    if hidden:
        raise NotFound()
    if package.state != PackageState.DONE:
        raise Conflict("Gói hồ sơ chưa tạo xong.", code=ErrorCode.PACKAGE_NOT_READY)
    fh = package_path(package).open("rb")
    audit.record("dossiers.package_downloaded", actor=actor, obj=package, data={"sha256": package.sha256})
    return package, fh
