"""Stored verification reports: run :func:`qlvb.signing.verify.verify_pdf` on a file and keep what
was known at that time (TT 41/2017: keep verification results with the document). Re-running adds
a new report; the latest one is what the document page shows."""

from __future__ import annotations

import hashlib

from django.db import transaction

from .models import SignatureReport
from .verify import verify_pdf


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
