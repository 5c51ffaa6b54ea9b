"""Giữ lại hồ sơ đến hạn nộp lưu (NĐ 30/2020 Điều 31): a unit that still needs a due dossier keeps it with the
written approval of the head of the agency, for at most 2 years from its transfer deadline. The head records
the approval (reason, the date the dossier is kept until); a later record replaces an earlier one, within the
same 2 years. While a dossier is kept, its transfer reminder waits for the end of the keeping
(``archive.transfer_reminders_send``) and the nộp lưu page shows the keeping.

The **Danh mục hồ sơ giữ lại** (the list Điều 31 has sent to the archive): :func:`kept_dossiers`, the dossiers
of the agency still kept (closed, not yet submitted, kept until today or later), printed as XLSX and PDF by
``archive_print.kept_list_xlsx`` at ``/ho-so/luu-tru/ho-so-giu-lai.pdf|xlsx``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import agency_of

from .archive_models import DossierKeep
from .archive_rules import keep_check, keep_limit, transfer_due
from .errors import ErrorCode
from .models import Dossier, DossierState
from .policies import KEEP_APPROVE


@transaction.atomic
def dossier_keep(*, actor: User, dossier: Dossier, reason: str, until: dt.date) -> DossierKeep:
    """The head of the agency approves keeping ``dossier`` in its unit until ``until`` (≤ deadline + 2 years)."""
    dossier = row_locked(dossier, related=("agency", "creator"))
    keep_check(actor, dossier)
    due, limit = transfer_due(dossier), keep_limit(dossier)
    assert due is not None and limit is not None  # a closed dossier has its end date
    if until > limit:
        raise ValidationFailed(
            f"Chỉ được giữ lại hồ sơ tối đa 2 năm kể từ hạn nộp lưu ({due:%d/%m/%Y}): giữ lại đến muộn nhất ngày "
            f"{limit:%d/%m/%Y} (Nghị định 30/2020/NĐ-CP, Điều 31).",
            code=ErrorCode.KEEP_TOO_LONG,
        )
    if until <= max(due, timezone.localdate()):
        raise ValidationFailed(
            f"Ngày giữ lại đến phải sau hạn nộp lưu ({due:%d/%m/%Y}) và sau hôm nay.", code=ErrorCode.KEEP_TOO_LONG
        )
    reason = text_clean(reason, label="lý do giữ lại", limit=1000, required=True)
    keep = DossierKeep.objects.create(dossier=dossier, reason=reason, due_date=due, until=until, approved_by=actor)
    audit.record(
        "dossiers.kept", actor=actor, obj=dossier, data={"until": until.isoformat(), "reason": reason, "due": str(due)}
    )
    return keep


def keeps_of(dossier_ids: Iterable[int]) -> dict[int, DossierKeep]:
    """The latest keeping record of each dossier (one query)."""
    found: dict[int, DossierKeep] = {}
    rows = DossierKeep.objects.filter(dossier_id__in=list(dossier_ids)).select_related("approved_by")
    for keep in rows.order_by("dossier_id", "-approved_at", "-pk"):
        found.setdefault(keep.dossier_id, keep)
    return found


def kept_agency(actor: User) -> Unit | None:
    """The agency whose kept dossiers ``actor`` may list: its archivist's, or its head's (who approves the
    keeping); None for anyone else."""
    from qlvb.core.permissions import has

    agency = agency_of(actor)
    if agency is None:
        return None
    if agency.pk in set(actor.units_with_role("archivist")) or has(actor, KEEP_APPROVE, unit=agency):
        return agency
    return None


def kept_dossiers(agency: Unit, *, today: dt.date | None = None) -> list[tuple[Dossier, DossierKeep]]:
    """The agency's dossiers still kept in their unit: closed (not submitted), whose latest keeping record
    runs until ``today`` or later; ordered by the date they are kept until."""
    today = today or timezone.localdate()
    dossiers = {
        d.pk: d
        for d in Dossier.objects.filter(agency=agency, state=DossierState.CLOSED, keeps__until__gte=today)
        .select_related("creator__unit")
        .distinct()
    }
    keeps = keeps_of(dossiers)
    rows = [(dossiers[pk], keep) for pk, keep in keeps.items() if keep.until >= today]
    return sorted(rows, key=lambda r: (r[1].until, r[0].notation))
