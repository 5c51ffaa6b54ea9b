"""Stored verification reports: run :func:`qlvb.signing.verify.verify_pdf` on a file and keep what
was known at that time (TT 41/2017: keep verification results with the document). Re-running adds
a new report; the latest one is what the document page shows."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from qlvb.core import audit
from qlvb.core.errors import UnsupportedMediaType
from qlvb.core.permissions import require
from qlvb.files.intake import file_intake
from qlvb.files.models import StoredFile
from qlvb.files.storage import open_verified

from . import policies
from .errors import ErrorCode
from .models import SignatureReport
from .verify import verify_pdf

if TYPE_CHECKING:
    from qlvb.directory.models import User


@transaction.atomic
def signature_report_run(*, data: bytes, file_sha256: str = "", fetch: bool | None = None) -> SignatureReport:
    """Verify ``data`` and store the report under the file's SHA-256 (computed when not given; a
    mismatch is refused so a report never describes other bytes than its key says)."""
    digest = hashlib.sha256(data).hexdigest()
    if file_sha256 and file_sha256 != digest:
        raise ValueError("file_sha256 does not match the data")
    report = verify_pdf(data, fetch=fetch)
    return SignatureReport.objects.create(
        file_sha256=digest,
        verdict=report["verdict"],
        summary="; ".join(report["reasons"])[:500],
        report=report,
        signature_count=len(report["signatures"]),
    )


def signature_report_latest(file_sha256: str) -> SignatureReport | None:
    return SignatureReport.objects.filter(file_sha256=file_sha256).order_by("-created_at", "-id").first()


def _looks_like_pdf(head: bytes) -> bool:
    return head.startswith(b"%PDF-")


def signature_report_verify_upload(
    *, actor: User, stream: Any, original_name: str, channel: str, declared_size: int | None = None
) -> tuple[StoredFile, SignatureReport]:
    """ "Kiểm tra chữ ký số" of a PDF someone uploads: refuse anything that is not a PDF before storing
    it (415, nothing stored), take the file in through ``files.intake.file_intake`` (the seed's file
    rules, audited), verify it and store the report (``signing.verified`` in the audit log).

    ``stream`` is a seekable binary file (Django's ``UploadedFile``)."""
    require(actor, policies.VERIFY)
    head = stream.read(8)
    stream.seek(0)
    if not _looks_like_pdf(head):
        raise UnsupportedMediaType(
            _("Tệp “%(name)s” không phải là tệp PDF; chỉ kiểm tra được chữ ký số trên tệp PDF.")
            % {"name": original_name},
            code=ErrorCode.NOT_PDF,
        )
    stored = file_intake(
        actor=actor, stream=stream, original_name=original_name, channel=channel, declared_size=declared_size
    )
    with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as handle:
        data = handle.read()
    with transaction.atomic():
        report = signature_report_run(data=data, file_sha256=stored.blob.sha256)
        audit.record(
            "signing.verified",
            actor=actor,
            obj=report,
            data={"file_id": stored.pk, "sha256": stored.blob.sha256, "verdict": report.verdict},
        )
    return stored, report
