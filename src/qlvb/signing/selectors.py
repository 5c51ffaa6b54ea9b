"""Reads with permission checks: who may see a stored verification report.

A report describes a file (its signers, their organisations), so it is shown to those who may read
that file: whoever uploaded a file with those bytes, an administrator over the uploader's unit, or
— for the apps above (incoming, outgoing) — whoever those apps say may see a document carrying the
file. Those apps register their rule with :func:`report_access_register` (signing sits below them
and never imports them), e.g. in ``AppConfig.ready``::

    report_access_register(lambda actor, sha256: documents_visible_to(actor).filter(
        attachments__stored_file__blob__sha256=sha256).exists())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qlvb.core.errors import NotFound
from qlvb.core.permissions import has
from qlvb.files.models import StoredFile
from qlvb.files.policies import may_read_own_or_admin

from . import policies
from .errors import ErrorCode
from .models import SignatureReport

if TYPE_CHECKING:
    from qlvb.directory.models import User

ReportAccessRule = Callable[["User", str], bool]
_RULES: list[ReportAccessRule] = []


def report_access_register(rule: ReportAccessRule) -> None:
    """Add a rule ``rule(actor, file_sha256) -> bool`` granting sight of that file's reports."""
    if rule not in _RULES:
        _RULES.append(rule)


def may_see_reports_of(actor: User, file_sha256: str) -> bool:
    if not has(actor, policies.VERIFY):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    files = StoredFile.objects.filter(blob__sha256=file_sha256).select_related("uploaded_by__unit")
    if files.filter(uploaded_by=actor).exists():
        return True
    if any(may_read_own_or_admin(actor, f) for f in files.exclude(uploaded_by=None)[:20]):
        return True
    return any(rule(actor, file_sha256) for rule in _RULES)


def signature_report_get(*, actor: User, report_id: int) -> SignatureReport:
    """The stored report if ``actor`` may see it; else :class:`NotFound` (no hint that it exists)."""
    report = SignatureReport.objects.filter(pk=report_id).first()
    if report is None or not may_see_reports_of(actor, report.file_sha256):
        raise NotFound(code=ErrorCode.REPORT_NOT_FOUND)
    return report
