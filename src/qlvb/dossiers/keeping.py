"""Giữ lại hồ sơ đến hạn nộp lưu (NĐ 30/2020 Điều 31): a unit that still needs a due dossier keeps it with the
written approval of the head of the agency, for at most 2 years from its transfer deadline. The head records
the approval (reason, the date the dossier is kept until); a later record replaces an earlier one, within the
same 2 years. While a dossier is kept, its transfer reminder waits for the end of the keeping
(``archive.transfer_reminders_send``) and the nộp lưu page shows the keeping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import User

from .archive_models import DossierKeep
from .archive_rules import keep_check, keep_limit, transfer_due
from .errors import ErrorCode
from .models import Dossier


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
